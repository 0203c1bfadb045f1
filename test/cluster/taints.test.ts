// kubectl cordon/uncordon keep the node.kubernetes.io/unschedulable taint, and `kubectl taint ... :NoExecute`
// evicts the node's pods that do not tolerate it (those with tolerationSeconds once it has passed).
import * as assert from 'assert';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

const pod = (name: string, node: string, tolerations = '[]') => `
apiVersion: v1
kind: Pod
metadata: {name: ${name}, namespace: default}
spec:
  nodeName: ${node}
  tolerations: ${tolerations}
  containers: [{name: app, image: nginx:1.27}]
`;

describe('node taints: cordon and NoExecute eviction', function () {
  this.timeout(60_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 2 });
  });
  after(async () => t?.stop());

  const taints = async (node: string) =>
    ((await t.json(['get', 'node', node])).spec.taints ?? []).map(
      (x: { key: string; effect: string }) => `${x.key}:${x.effect}`,
    );

  it('cordon adds the unschedulable NoSchedule taint and uncordon removes it', async () => {
    await t.ok(['cordon', 'slipway-worker']);
    await eventually(
      async () => (await taints('slipway-worker')).includes('node.kubernetes.io/unschedulable:NoSchedule'),
      10_000,
      'the unschedulable taint',
    );
    await t.ok(['uncordon', 'slipway-worker']);
    await eventually(async () => (await taints('slipway-worker')).length === 0, 10_000, 'the taint removed');
  });

  it('evicts pods without a matching toleration, and tolerating ones after tolerationSeconds', async () => {
    const node = 'slipway-worker2';
    const tolerate = (seconds?: number) =>
      `[{key: maintenance, operator: Exists, effect: NoExecute${seconds === undefined ? '' : `, tolerationSeconds: ${seconds}`}}]`;
    await t.apply(
      [pod('plain', node), pod('brief', node, tolerate(2)), pod('forever', node, tolerate())].join('---\n'),
    );
    await t.ok(['taint', 'node', node, 'maintenance=now:NoExecute']);
    const names = async () =>
      (await t.json(['get', 'pods'])).items.map((p: { metadata: { name: string } }) => p.metadata.name);
    await eventually(async () => !(await names()).includes('plain'), 10_000, 'the intolerant pod evicted');
    assert.ok((await names()).includes('brief'), 'a pod tolerating for 2 s stays at first');
    await eventually(async () => !(await names()).includes('brief'), 10_000, 'the pod evicted after 2 s');
    assert.deepStrictEqual(await names(), ['forever']);
    const events = await t.json(['get', 'events', '--field-selector', 'reason=TaintManagerEviction']);
    assert.deepStrictEqual(
      events.items.map((e: { involvedObject: { name: string } }) => e.involvedObject.name).sort(),
      ['brief', 'plain'],
    );
  });
});
