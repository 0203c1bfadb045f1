// ReplicationControllers driven by the real kubectl: the ReplicaSet machinery keeps their pods (created, owned,
// replaced, scaled with `kubectl scale rc`) and reports replicas, readyReplicas and availableReplicas.
import * as assert from 'assert';
import type { Pod } from 'kubernetes-types/core/v1';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

const RC = `
apiVersion: v1
kind: ReplicationController
metadata: {name: legacy}
spec:
  replicas: 2
  selector: {app: legacy}
  template:
    metadata: {labels: {app: legacy}}
    spec:
      terminationGracePeriodSeconds: 1
      containers: [{name: app, image: nginx:1.25}]
`;

describe('ReplicationControllers (real kubectl, scheduler and kubelet)', function () {
  this.timeout(60_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 2, clockSpeed: 10 });
  });
  after(async () => {
    await t?.stop();
  });

  // kubectl that must succeed: TestCluster.ok
  const k = (args: string[], input?: string): Promise<string> => t.ok(args, input);
  const json = async (args: string[]) => JSON.parse(await k([...args, '-o', 'json']));
  const livePods = async () =>
    ((await json(['get', 'pods', '-l', 'app=legacy'])).items as Pod[]).filter((p) => !p.metadata?.deletionTimestamp);
  const statusIs = (replicas: number) =>
    eventually(
      async () => {
        const s = (await json(['get', 'rc', 'legacy'])).status;
        const ok = s.replicas === replicas && s.readyReplicas === replicas && s.availableReplicas === replicas;
        return ok ? s : undefined;
      },
      20_000,
      `status with ${replicas} ready and available replicas`,
    );

  it('creates owned pods, reports their readiness and replaces a deleted one', async () => {
    await k(['apply', '-f', '-'], RC);
    const rc = await json(['get', 'rc', 'legacy']);
    await statusIs(2);
    const pods = await livePods();
    assert.strictEqual(pods.length, 2);
    for (const p of pods) {
      assert.match(p.metadata?.name ?? '', /^legacy-[a-z0-9]{5}$/);
      assert.deepStrictEqual(p.metadata?.ownerReferences, [
        {
          apiVersion: 'v1',
          kind: 'ReplicationController',
          name: 'legacy',
          uid: rc.metadata.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ]);
    }
    await k(['delete', 'pod', pods[0].metadata?.name ?? '', '--wait=false']);
    await eventually(
      async () => {
        const now = await livePods();
        return now.length === 2 && !now.some((p) => p.metadata?.name === pods[0].metadata?.name) ? now : undefined;
      },
      20_000,
      'a replacement pod',
    );
  });

  it('scales with kubectl scale rc, up and down', async () => {
    assert.match(await k(['scale', 'rc', 'legacy', '--replicas=4']), /scaled/);
    await statusIs(4);
    await k(['scale', 'rc', 'legacy', '--replicas=1']);
    await eventually(async () => ((await livePods()).length === 1 ? true : undefined), 20_000, 'one pod left');
    await statusIs(1);
    const out = await k(['get', 'rc', 'legacy']);
    assert.match(out, /legacy\s+1\s+1\s+1\s/);
  });

  it('deleting the controller deletes its pods', async () => {
    await k(['delete', 'rc', 'legacy']);
    await eventually(async () => ((await livePods()).length === 0 ? true : undefined), 20_000, 'no pods left');
  });
});
