// ReplicaSets driven by the real kubectl, with the real scheduler and kubelet: owner references,
// adoption and release by selector, replacement of lost pods, status counters with minReadySeconds,
// and which pods go first when there are too many.
import * as assert from 'assert';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

function replicaSet(name: string, replicas: number, extra = ''): string {
  return `
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: ${name}}
spec:
  replicas: ${replicas}${extra}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}, tier: web}}
    spec:
      terminationGracePeriodSeconds: 2
      containers: [{name: app, image: nginx:1.25}]
`;
}

function pod(
  name: string,
  app: string,
  opts: { annotations?: Record<string, string>; scheduler?: string; probe?: boolean } = {},
): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app }, annotations: opts.annotations ?? {} },
    spec: {
      terminationGracePeriodSeconds: 2,
      ...(opts.scheduler ? { schedulerName: opts.scheduler } : {}),
      containers: [
        {
          name: 'app',
          image: 'nginx:1.25',
          ...(opts.probe ? { readinessProbe: { exec: { command: ['true'] }, periodSeconds: 1 } } : {}),
        },
      ],
    },
  });
}

describe('ReplicaSets (real kubectl, scheduler and kubelet)', function () {
  this.timeout(90_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 3, clockSpeed: 10 });
  });
  after(async () => {
    await t?.stop();
  });

  async function k(args: string[], opts: { input?: string } = {}): Promise<string> {
    const r = await t.kubectl(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }
  const json = async (args: string[]) => JSON.parse(await k([...args, '-o', 'json']));
  const livePods = async (selector: string) =>
    (await json(['get', 'pods', '-l', selector])).items.filter((p: any) => !p.metadata.deletionTimestamp);

  it('creates pods named after it and owned by it, and replaces a deleted one', async () => {
    await k(['apply', '-f', '-'], { input: replicaSet('frontend', 3) });
    const rs = await json(['get', 'rs', 'frontend']);
    const pods = await eventually(
      async () => {
        const p = await livePods('app=frontend');
        return p.length === 3 && p.every((x: any) => x.status.phase === 'Running') ? p : undefined;
      },
      20_000,
      'three running pods',
    );
    for (const p of pods) {
      assert.match(p.metadata.name, /^frontend-[a-z0-9]{5}$/);
      assert.deepStrictEqual(p.metadata.ownerReferences, [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: 'frontend',
          uid: rs.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
      assert.strictEqual(p.metadata.labels.tier, 'web');
    }
    const status = await eventually(
      async () => {
        const s = (await json(['get', 'rs', 'frontend'])).status;
        return s.readyReplicas === 3 ? s : undefined;
      },
      20_000,
      'three ready replicas',
    );
    assert.deepStrictEqual(
      {
        replicas: status.replicas,
        fullyLabeledReplicas: status.fullyLabeledReplicas,
        availableReplicas: status.availableReplicas,
        observedGeneration: status.observedGeneration,
      },
      { replicas: 3, fullyLabeledReplicas: 3, availableReplicas: 3, observedGeneration: rs.metadata.generation },
    );
    assert.match(await k(['get', 'rs', 'frontend']), /frontend\s+3\s+3\s+3\s/);

    await k(['delete', 'pod', pods[0].metadata.name, '--wait=false']);
    await eventually(
      async () => {
        const now = await livePods('app=frontend');
        return now.length === 3 && !now.some((p: any) => p.metadata.name === pods[0].metadata.name);
      },
      20_000,
      'a replacement pod',
    );
    const events = await k([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=frontend,involvedObject.kind=ReplicaSet',
    ]);
    assert.match(events, /SuccessfulCreate\s+replicaset\/frontend\s+Created pod: frontend-/);
  });

  it('adopts a matching orphan instead of creating a pod, and releases a pod that stops matching', async () => {
    await k(['apply', '-f', '-'], { input: pod('stray', 'adopt') });
    await k(['apply', '-f', '-'], { input: replicaSet('adopt', 2) });
    const rs = await json(['get', 'rs', 'adopt']);
    await eventually(
      async () => {
        const stray = await json(['get', 'pod', 'stray']);
        return stray.metadata.ownerReferences?.[0]?.uid === rs.metadata.uid;
      },
      20_000,
      'the orphan adopted',
    );
    await eventually(async () => (await json(['get', 'rs', 'adopt'])).status.readyReplicas === 2, 20_000, 'two ready');
    const pods = await livePods('app=adopt');
    assert.strictEqual(pods.length, 2, 'only one pod was created');

    await k(['label', 'pod', 'stray', 'app=elsewhere', '--overwrite']);
    await eventually(
      async () => !(await json(['get', 'pod', 'stray'])).metadata.ownerReferences?.length,
      20_000,
      'the pod released',
    );
    await eventually(
      async () => (await livePods('app=adopt')).length === 2,
      20_000,
      'a replacement for the released pod',
    );
    assert.strictEqual(
      (await json(['get', 'pod', 'stray'])).metadata.deletionTimestamp,
      undefined,
      'a released pod is left running',
    );
  });

  it('scales down unscheduled, then not-ready pods before ready ones, even when the ready one is newest', async () => {
    // three orphans: one no scheduler will place, one that never turns ready, and, created last, a ready one
    await k(['apply', '-f', '-'], { input: pod('unscheduled', 'rank', { scheduler: 'no-such-scheduler' }) });
    await k(['apply', '-f', '-'], {
      input: pod('unready', 'rank', { annotations: { 'sim.slipway.dev/readiness': 'fail' }, probe: true }),
    });
    await eventually(
      async () => (await json(['get', 'pod', 'unready'])).status.phase === 'Running',
      20_000,
      'unready running',
    );
    await new Promise((r) => setTimeout(r, 300));
    await k(['apply', '-f', '-'], { input: pod('ready', 'rank') });
    await eventually(
      async () =>
        (await json(['get', 'pod', 'ready'])).status.conditions?.some(
          (c: any) => c.type === 'Ready' && c.status === 'True',
        ),
      20_000,
      'ready ready',
    );
    await k(['apply', '-f', '-'], { input: replicaSet('rank', 1) });
    await eventually(
      async () => {
        const left = await livePods('app=rank');
        return left.length === 1 && left[0].metadata.name === 'ready';
      },
      20_000,
      'only the ready pod left',
    );
    const events = await k([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=rank,involvedObject.kind=ReplicaSet',
    ]);
    assert.match(events, /Deleted pod: unscheduled/);
    assert.match(events, /Deleted pod: unready/);
  });

  it('counts a pod available only after minReadySeconds', async () => {
    await k(['apply', '-f', '-'], { input: replicaSet('slow', 2, '\n  minReadySeconds: 30') });
    const ready = await eventually(
      async () => {
        const s = (await json(['get', 'rs', 'slow'])).status;
        return s.readyReplicas === 2 ? s : undefined;
      },
      20_000,
      'two ready',
    );
    assert.strictEqual(ready.availableReplicas ?? 0, 0, 'not yet available');
    await eventually(
      async () => (await json(['get', 'rs', 'slow'])).status.availableReplicas === 2,
      20_000,
      'two available after 30 s of cluster time',
    );
  });

  it('reports pods it cannot create in a ReplicaFailure condition, and clears it once it can', async () => {
    // a pod may not have an image with surrounding spaces, though a template may
    await k(['apply', '-f', '-'], {
      input: replicaSet('broken', 2).replace('image: nginx:1.25', 'image: "nginx:1.25 "'),
    });
    const cond = await eventually(
      async () =>
        (await json(['get', 'rs', 'broken'])).status.conditions?.find((c: any) => c.type === 'ReplicaFailure'),
      20_000,
      'ReplicaFailure',
    );
    assert.strictEqual(cond.status, 'True');
    assert.strictEqual(cond.reason, 'FailedCreate');
    assert.match(cond.message, /must not have leading or trailing whitespace/);
    const events = await k([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=broken,involvedObject.kind=ReplicaSet',
    ]);
    assert.match(events, /Warning\s+FailedCreate\s+replicaset\/broken\s+Error creating: /);
    await k(['set', 'image', 'rs/broken', 'app=nginx:1.25']);
    await eventually(
      async () => {
        const s = (await json(['get', 'rs', 'broken'])).status;
        return s.replicas === 2 && !s.conditions?.some((c: any) => c.type === 'ReplicaFailure');
      },
      20_000,
      'two pods and no ReplicaFailure',
    );
  });

  it('deletes its pods with the ReplicaSet and scales to zero', async () => {
    await k(['scale', 'rs', 'slow', '--replicas=0']);
    await eventually(async () => (await livePods('app=slow')).length === 0, 20_000, 'no pods');
    await eventually(async () => (await json(['get', 'rs', 'slow'])).status.replicas === 0, 20_000, 'status 0');
    await k(['delete', 'rs', 'frontend']);
    await eventually(
      async () => (await json(['get', 'pods', '-l', 'app=frontend'])).items.length === 0,
      30_000,
      'frontend pods gone',
    );
  });
});
