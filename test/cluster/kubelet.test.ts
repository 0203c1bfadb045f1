// The kubelet and the simulated runtime seen through the real kubectl: pods bound to a node start,
// finish, crash, fail to pull, log and terminate the way Kubernetes shows it.
import * as assert from 'assert';
import { ApiClient } from '../../kubeclient/apiClient';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

/** cluster time runs this much faster than real time: back-off and run times pass quickly */
const CLOCK_SPEED = 20;

function pod(name: string, spec: any, annotations: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', annotations },
    spec: { nodeName: 'slipway-worker2', ...spec },
  });
}

describe('kubelet and simulated runtime', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let client: ApiClient;

  before(async () => {
    t = await startTestCluster({ nodes: 3, clockSpeed: CLOCK_SPEED });
    client = ApiClient.forCluster({ server: t.cluster.url, token: t.cluster.token, ca: t.cluster.caCert });
  });
  after(async () => {
    client?.close();
    await t?.stop();
  });

  const apply = (manifest: string) => t.apply(manifest);

  async function get(name: string): Promise<any> {
    const r = await t.kubectl(['get', 'pod', name, '-o', 'json']);
    assert.strictEqual(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  }

  async function row(name: string): Promise<string> {
    const r = await t.kubectl(['get', 'pod', name, '--no-headers']);
    return r.stdout.trim();
  }

  async function describe(name: string): Promise<string> {
    const r = await t.kubectl(['describe', 'pod', name]);
    assert.strictEqual(r.code, 0, r.stderr);
    return r.stdout;
  }

  it("runs a pod bound to a node: Running, READY 1/1, an IP from the node's range and the kubelet's events", async () => {
    await apply(pod('web', { containers: [{ name: 'app', image: 'nginx:1.27' }] }));
    await eventually(async () => /^web\s+1\/1\s+Running\s+0\s/.test(await row('web')), 10_000, 'web Running 1/1');
    const p = await get('web');
    const node = JSON.parse((await t.kubectl(['get', 'node', 'slipway-worker2', '-o', 'json'])).stdout);
    const prefix = node.spec.podCIDR.replace(/0\/24$/, '');
    assert.ok(p.status.podIP.startsWith(prefix), `${p.status.podIP} in ${node.spec.podCIDR}`);
    assert.deepStrictEqual(p.status.podIPs, [{ ip: p.status.podIP }]);
    assert.strictEqual(p.status.hostIP, node.status.addresses.find((a: any) => a.type === 'InternalIP').address);
    assert.ok(p.status.startTime);
    const conds = Object.fromEntries(p.status.conditions.map((c: any) => [c.type, c.status]));
    assert.deepStrictEqual(conds, {
      PodReadyToStartContainers: 'True',
      Initialized: 'True',
      Ready: 'True',
      ContainersReady: 'True',
      PodScheduled: 'True',
    });
    const cs = p.status.containerStatuses[0];
    assert.strictEqual(cs.ready, true);
    assert.strictEqual(cs.started, true);
    assert.strictEqual(cs.restartCount, 0);
    assert.match(cs.containerID, /^simulated:\/\/[0-9a-f]{64}$/);
    assert.match(cs.imageID, /@sha256:[0-9a-f]{64}$/);
    assert.ok(cs.state.running.startedAt);
    const wide = await t.kubectl(['get', 'pod', 'web', '-o', 'wide', '--no-headers']);
    assert.match(wide.stdout, new RegExp(`\\s${p.status.podIP.replace(/\./g, '\\.')}\\s+slipway-worker2\\s`));
    const d = (await eventually(
      async () => {
        const text = await describe('web');
        return /Started\s+.*kubelet\s+Started container app/.test(text) && text;
      },
      10_000,
      'the Started event',
    )) as string;
    assert.match(d, /Pulling\s+.*kubelet\s+Pulling image "nginx:1\.27"/);
    assert.match(d, /Pulled\s+.*kubelet\s+Successfully pulled image "nginx:1\.27" in \S+ \(\S+ including waiting\)/);
    assert.match(d, /Created\s+.*kubelet\s+Created container: app/);
  });

  it('completes a pod with restartPolicy Never after its init containers ran one after another', async () => {
    await apply(
      pod('job-like', {
        restartPolicy: 'Never',
        initContainers: [
          { name: 'migrate', image: 'busybox:1.36' },
          { name: 'seed', image: 'busybox:1.36' },
        ],
        containers: [{ name: 'main', image: 'busybox:1.36' }],
      }),
    );
    await eventually(
      async () => /^job-like\s+0\/1\s+Completed\s+0\s/.test(await row('job-like')),
      10_000,
      'job-like Completed',
    );
    const p = await get('job-like');
    assert.strictEqual(p.status.phase, 'Succeeded');
    const [migrate, seed] = p.status.initContainerStatuses.map((s: any) => s.state.terminated);
    const main = p.status.containerStatuses[0].state.terminated;
    for (const term of [migrate, seed, main]) {
      assert.strictEqual(term.exitCode, 0);
      assert.strictEqual(term.reason, 'Completed');
    }
    assert.ok(Date.parse(seed.startedAt) >= Date.parse(migrate.finishedAt), 'seed started after migrate finished');
    assert.ok(Date.parse(main.startedAt) >= Date.parse(seed.finishedAt), 'main started after the init containers');
    const ready = p.status.conditions.find((c: any) => c.type === 'Ready');
    assert.strictEqual(ready.status, 'False');
    assert.strictEqual(ready.reason, 'PodCompleted');
    const logs = await t.kubectl(['logs', 'job-like', '-c', 'migrate']);
    assert.match(logs.stdout, /simulated runtime.*exiting with code 0/);
  });

  it('brings a crashing container to CrashLoopBackOff with its restarts counted', async () => {
    await apply(
      pod(
        'crasher',
        { containers: [{ name: 'app', image: 'busybox:1.36' }] },
        { 'sim.slipway.dev/exit-code': '3', 'sim.slipway.dev/run-seconds': '1' },
      ),
    );
    const line = (await eventually(
      async () => {
        const r = await row('crasher');
        const m = /^crasher\s+0\/1\s+CrashLoopBackOff\s+(\d+)/.exec(r);
        return m && Number(m[1]) >= 2 && r;
      },
      15_000,
      'crasher in CrashLoopBackOff after two restarts',
    )) as string;
    assert.match(line, /\(\d+s ago\)/);
    const p = await get('crasher');
    const cs = p.status.containerStatuses[0];
    assert.strictEqual(p.status.phase, 'Running');
    assert.strictEqual(cs.lastState.terminated.exitCode, 3);
    assert.strictEqual(cs.lastState.terminated.reason, 'Error');
    assert.match(cs.state.waiting.message, /^back-off \d+s restarting failed container=app pod=crasher_default\(/);
    const d = await describe('crasher');
    assert.match(d, /BackOff\s+.*kubelet\s+Back-off restarting failed container app in pod crasher_default\(/);
    assert.match(d, /Last State:\s+Terminated\s+Reason:\s+Error\s+Exit Code:\s+3/);
    const prev = await t.kubectl(['logs', 'crasher', '--previous']);
    assert.strictEqual(prev.code, 0, prev.stderr);
    assert.match(prev.stdout, /exiting with code 3/);
    assert.match(prev.stdout, new RegExp(`\\(attempt ${cs.restartCount - 1}\\)`));
  });

  it('shows ErrImagePull and then ImagePullBackOff for an image that cannot be pulled', async () => {
    await apply(
      pod(
        'no-image',
        { containers: [{ name: 'app', image: 'registry.example/missing:1.0' }] },
        { 'sim.slipway.dev/image-pull': 'fail' },
      ),
    );
    const seen = new Set<string>();
    await eventually(
      async () => {
        const m = /^no-image\s+0\/1\s+(\S+)/.exec(await row('no-image'));
        if (m) seen.add(m[1]);
        return seen.has('ImagePullBackOff');
      },
      15_000,
      'ImagePullBackOff',
    );
    const p = await get('no-image');
    assert.strictEqual(p.status.phase, 'Pending');
    assert.match(
      p.status.containerStatuses[0].state.waiting.message,
      /^Back-off pulling image "registry\.example\/missing:1\.0"/,
    );
    const d = await describe('no-image');
    assert.match(d, /Failed\s+.*kubelet\s+Failed to pull image "registry\.example\/missing:1\.0": .*simulated runtime/);
    assert.match(d, /Failed\s+.*kubelet\s+Error: ErrImagePull/);
    assert.match(d, /BackOff\s+.*kubelet\s+Back-off pulling image "registry\.example\/missing:1\.0"/);
    assert.match(d, /Failed\s+.*kubelet\s+Error: ImagePullBackOff/);
  });

  it("streams the simulated runtime's lines with kubectl logs and logs -f", async () => {
    await apply(
      pod(
        'chatty',
        { containers: [{ name: 'app', image: 'nginx:1.27' }] },
        { 'sim.slipway.dev/log-lines-per-second': '1' },
      ),
    );
    await eventually(async () => /Running/.test(await row('chatty')), 10_000, 'chatty running');
    const once = await t.kubectl(['logs', 'chatty']);
    assert.strictEqual(once.code, 0, once.stderr);
    assert.match(
      once.stdout.split('\n')[0],
      /^\[simulated runtime\] container "app" of pod default\/chatty started from image \S+nginx:1\.27 \(attempt 0\)/,
    );
    const f = t.kubectlStream(['logs', '-f', 'chatty', '--tail=1']);
    try {
      // at one line a second of cluster time, a few real seconds bring dozens of new lines
      await eventually(() => (f.output().match(/app log line \d+/g) ?? []).length >= 10, 15_000, 'followed lines');
      const numbers = [...f.output().matchAll(/app log line (\d+)/g)].map((m) => Number(m[1]));
      for (let i = 1; i < numbers.length; i++)
        assert.strictEqual(numbers[i], numbers[i - 1] + 1, 'lines arrive in order, none missing');
    } finally {
      f.stop();
    }
  });

  it('kubectl delete waits while the containers stop within the grace period, then the pod is gone', async () => {
    // the container takes 100 s of cluster time (5 s real) to stop after SIGTERM
    await apply(
      pod(
        'slow-stop',
        { containers: [{ name: 'app', image: 'nginx:1.27' }] },
        { 'sim.slipway.dev/stop-seconds': '100' },
      ),
    );
    await eventually(async () => /1\/1\s+Running/.test(await row('slow-stop')), 10_000, 'slow-stop running');
    const del = t.kubectlStream(['delete', 'pod', 'slow-stop', '--grace-period=200']);
    await eventually(async () => /Terminating/.test(await row('slow-stop')), 10_000, 'Terminating');
    const d = await describe('slow-stop');
    assert.match(d, /Killing\s+.*kubelet\s+Stopping container app/);
    assert.strictEqual(await del.exited, 0);
    const gone = await t.kubectl(['get', 'pod', 'slow-stop']);
    assert.match(gone.stderr, /NotFound/);
  });

  it('kills a container that is still running when the grace period ends', async () => {
    await apply(
      pod(
        'stubborn',
        { terminationGracePeriodSeconds: 5, containers: [{ name: 'app', image: 'nginx:1.27' }] },
        { 'sim.slipway.dev/stop-seconds': '600' },
      ),
    );
    await eventually(async () => /1\/1\s+Running/.test(await row('stubborn')), 10_000, 'stubborn running');
    const started = Date.now();
    const del = await t.kubectl(['delete', 'pod', 'stubborn']);
    assert.strictEqual(del.code, 0, del.stderr);
    // 5 s of grace at 20x is a quarter of a second; stopping by itself would take 30 s
    assert.ok(Date.now() - started < 10_000, 'removed when the grace period ended');
    const events = await t.kubectl(['get', 'events', '--field-selector', 'involvedObject.name=stubborn', '-o', 'json']);
    const reasons = JSON.parse(events.stdout).items.map((e: any) => `${e.reason}: ${e.message}`);
    assert.ok(reasons.includes('Killing: Stopping container app'), reasons.join('\n'));
  });
});
