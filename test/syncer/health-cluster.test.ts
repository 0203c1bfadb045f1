// Health of objects the real embedded cluster runs, read back with kubectl.
import * as assert from 'assert';
import { healthOf, needsPods, Health } from '../../syncer/health';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

describe('health rules against the embedded cluster', function () {
  this.timeout(120_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 2, clockSpeed: 10 });
  });
  after(async () => {
    await t?.stop();
  });

  /** healthOf the live object, with its pods when the rule wants them (as the caller would list them) */
  async function health(kind: string, name: string): Promise<Health> {
    const live = await t.json(['get', kind, name]);
    const pods = needsPods(live) ? (await t.json(['get', 'pods'])).items : undefined;
    return healthOf(live, { pods });
  }

  async function becomes(kind: string, name: string, status: Health['status'], timeoutMs = 30_000): Promise<Health> {
    let last: Health | undefined;
    try {
      return (await eventually<Health | undefined>(
        async () => {
          last = await health(kind, name);
          return last.status === status ? last : undefined;
        },
        timeoutMs,
        `${kind}/${name} to be ${status}`,
      )) as Health;
    } catch (e) {
      throw new Error(`${(e as Error).message}; last: ${JSON.stringify(last)}`);
    }
  }

  const deployment = (name: string, annotations: Record<string, string> = {}, image = 'nginx:1.27') => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name} }
spec:
  replicas: 2
  selector: { matchLabels: { app: ${name} } }
  template:
    metadata:
      labels: { app: ${name} }
      annotations: ${JSON.stringify(annotations)}
    spec:
      containers: [{ name: web, image: "${image}", imagePullPolicy: Always }]
`;

  it('a Deployment is Progressing, then Healthy once rolled out', async () => {
    await t.apply(deployment('good'));
    const first = await health('deployment', 'good');
    // right after apply the rollout cannot have finished: no pod has started yet
    assert.notStrictEqual(first.status, 'Degraded');
    await becomes('deployment', 'good', 'Healthy');
    const d = await t.json(['get', 'deployment', 'good']);
    assert.strictEqual(d.status.availableReplicas, 2);
  });

  it('a Deployment whose containers crash on start is Degraded through its pods', async () => {
    await t.apply(deployment('crashy', { 'sim.slipway.dev/crash-on-start': 'true' }));
    const h = await becomes('deployment', 'crashy', 'Degraded');
    assert.match(h.message!, /CrashLoopBackOff/);
    // the status counters alone never make it healthy either
    const live = await t.json(['get', 'deployment', 'crashy']);
    assert.notStrictEqual(healthOf(live).status, 'Healthy');
  });

  it('a Deployment whose image cannot be pulled is Degraded', async () => {
    await t.apply(deployment('nopull', { 'sim.slipway.dev/image-pull': 'fail' }));
    const h = await becomes('deployment', 'nopull', 'Degraded');
    assert.match(h.message!, /ErrImagePull|ImagePullBackOff/);
  });

  it('a Job is Progressing, then Healthy once complete', async () => {
    await t.apply(`
apiVersion: batch/v1
kind: Job
metadata: { name: once }
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{ name: main, image: "busybox:1.36" }]
`);
    assert.strictEqual((await health('job', 'once')).status, 'Progressing');
    await becomes('job', 'once', 'Healthy');
  });

  it('a PersistentVolumeClaim is Healthy once bound', async () => {
    await t.apply(`
apiVersion: v1
kind: PersistentVolumeClaim
metadata: { name: data }
spec:
  accessModes: [ReadWriteOnce]
  resources: { requests: { storage: 1Gi } }
`);
    const h = await becomes('pvc', 'data', 'Healthy');
    assert.match(h.message!, /^Bound to /);
  });
});
