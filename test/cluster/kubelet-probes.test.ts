// Probes, admission, active deadlines and image changes, as the kubelet applies them to simulated
// containers; observed with the real kubectl.
import * as assert from 'assert';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

const CLOCK_SPEED = 20;

function pod(name: string, spec: any, annotations: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations },
    spec: { nodeName: 'slipway-worker', ...spec },
  });
}

const HTTP_PROBE = { httpGet: { path: '/healthz', port: 8080 }, periodSeconds: 2 };

describe('kubelet probes, admission and deadlines', function () {
  this.timeout(60_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 3, clockSpeed: CLOCK_SPEED });
  });
  after(async () => {
    await t?.stop();
  });

  const apply = (manifest: string) => t.apply(manifest);

  async function get(name: string): Promise<any> {
    const r = await t.kubectl(['get', 'pod', name, '-o', 'json']);
    assert.strictEqual(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  }

  async function row(name: string): Promise<string> {
    return (await t.kubectl(['get', 'pod', name, '--no-headers'])).stdout.trim();
  }

  async function events(name: string): Promise<string[]> {
    const r = await t.kubectl(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'json']);
    return JSON.parse(r.stdout).items.map((e: any) => `${e.type} ${e.reason}: ${e.message}`);
  }

  it('keeps a container unready until its readiness probe passes N seconds after start', async () => {
    await apply(
      pod(
        'warming',
        { containers: [{ name: 'app', image: 'nginx:1.27', readinessProbe: HTTP_PROBE }] },
        { 'sim.slipway.dev/ready-after-seconds': '60' },
      ),
    );
    await eventually(
      async () => /^warming\s+0\/1\s+Running\s/.test(await row('warming')),
      10_000,
      'running but not ready',
    );
    await eventually(async () => /^warming\s+1\/1\s+Running\s/.test(await row('warming')), 15_000, 'ready');
    const p = await get('warming');
    const started = Date.parse(p.status.containerStatuses[0].state.running.startedAt);
    const ready = Date.parse(p.status.conditions.find((c: any) => c.type === 'Ready').lastTransitionTime);
    assert.ok(ready - started >= 60_000, `ready ${(ready - started) / 1000}s after start, not before 60s`);
    assert.ok(ready - started <= 65_000, `ready within a probe period of 60s (took ${(ready - started) / 1000}s)`);
    const ev = await events('warming');
    assert.ok(
      ev.some((e) => /^Warning Unhealthy: Readiness probe failed: .*60s after start/.test(e)),
      ev.join('\n'),
    );
  });

  it('restarts a container whose liveness probe fails failureThreshold times', async () => {
    await apply(
      pod(
        'wedged',
        {
          containers: [{ name: 'app', image: 'nginx:1.27', livenessProbe: { ...HTTP_PROBE, failureThreshold: 2 } }],
        },
        { 'sim.slipway.dev/liveness': 'fail-after:10' },
      ),
    );
    await eventually(
      async () => {
        const p = await get('wedged');
        return p.status.containerStatuses?.[0]?.restartCount >= 1;
      },
      15_000,
      'a restart',
    );
    const p = await get('wedged');
    const last = p.status.containerStatuses[0].lastState.terminated;
    const ranFor = (Date.parse(last.finishedAt) - Date.parse(last.startedAt)) / 1000;
    // fails from 10 s on, probed every 2 s, killed at the second failure
    assert.ok(ranFor >= 12 && ranFor <= 16, `ran ${ranFor}s before it was killed`);
    const ev = await events('wedged');
    assert.ok(
      ev.some((e) => /^Warning Unhealthy: Liveness probe failed: /.test(e)),
      ev.join('\n'),
    );
    assert.ok(ev.includes('Normal Killing: Container app failed liveness probe, will be restarted'), ev.join('\n'));
  });

  it('holds started and ready back until the startup probe passes', async () => {
    await apply(
      pod(
        'booting',
        {
          containers: [{ name: 'app', image: 'nginx:1.27', startupProbe: { ...HTTP_PROBE, failureThreshold: 30 } }],
        },
        { 'sim.slipway.dev/startup': 'pass-after:40' },
      ),
    );
    const early = await eventually(
      async () => {
        const p = await get('booting');
        return p.status.containerStatuses?.[0]?.state?.running && p;
      },
      10_000,
      'running',
    );
    assert.strictEqual(early.status.containerStatuses[0].started, false);
    assert.strictEqual(early.status.containerStatuses[0].ready, false);
    await eventually(async () => /^booting\s+1\/1\s+Running/.test(await row('booting')), 15_000, 'started and ready');
    assert.strictEqual((await get('booting')).status.containerStatuses[0].started, true);
  });

  it('rejects a pod that does not fit the node with OutOfcpu', async () => {
    await apply(
      pod('too-big', { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '64' } } }] }),
    );
    await eventually(async () => /^too-big\s+0\/1\s+OutOfcpu\s/.test(await row('too-big')), 10_000, 'OutOfcpu');
    const p = await get('too-big');
    assert.strictEqual(p.status.phase, 'Failed');
    assert.match(
      p.status.message,
      /^Pod was rejected: Node didn't have enough resource: cpu, requested: 64000, used: \d+, capacity: \d+$/,
    );
  });

  it('fails a pod that outlives activeDeadlineSeconds', async () => {
    await apply(pod('deadline', { activeDeadlineSeconds: 30, containers: [{ name: 'app', image: 'nginx:1.27' }] }));
    const p = await eventually(
      async () => {
        const x = await get('deadline');
        // the phase may be written before the killed container's terminated state
        return x.status.phase === 'Failed' && x.status.containerStatuses?.[0]?.state?.terminated && x;
      },
      15_000,
      'Failed, its container terminated',
    );
    assert.strictEqual(p.status.reason, 'DeadlineExceeded');
    assert.strictEqual(p.status.message, 'Pod was active on the node longer than the specified deadline');
    const ran = Date.parse(p.status.containerStatuses[0].state.terminated.finishedAt) - Date.parse(p.status.startTime);
    assert.ok(ran >= 30_000, `stopped after ${ran / 1000}s`);
  });

  it('restarts a container whose image changed', async () => {
    await apply(pod('upgrade', { containers: [{ name: 'app', image: 'nginx:1.27' }] }));
    await eventually(async () => /^upgrade\s+1\/1\s+Running\s+0\s/.test(await row('upgrade')), 10_000, 'running');
    const r = await t.kubectl(['set', 'image', 'pod/upgrade', 'app=nginx:1.28']);
    assert.strictEqual(r.code, 0, r.stderr);
    const p = await eventually(
      async () => {
        const x = await get('upgrade');
        const cs = x.status.containerStatuses[0];
        return cs.restartCount === 1 && cs.state.running && x;
      },
      15_000,
      'restarted with the new image',
    );
    assert.match(p.status.containerStatuses[0].image, /nginx:1\.28$/);
    const ev = await events('upgrade');
    assert.ok(ev.includes('Normal Killing: Container app definition changed, will be restarted'), ev.join('\n'));
  });
});
