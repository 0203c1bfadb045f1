// The node lifecycle through the real kubectl, on a sped-up clock: a node whose kubelet never posts status or stops
// renewing its Lease becomes Ready=Unknown with the unreachable NoExecute taint, a NotReady node gets the not-ready
// taint, a Ready one neither; new pods tolerate both taints for 300 s (DefaultTolerationSeconds).
import * as assert from 'assert';
import type { Node, Pod } from 'kubernetes-types/core/v1';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

describe('node lifecycle (real kubectl, sped-up clock)', function () {
  this.timeout(60_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 1, clockSpeed: 20 });
  });
  after(async () => {
    await t?.stop();
  });

  // kubectl that must succeed: TestCluster.ok
  const k = (args: string[], input?: string): Promise<string> => t.ok(args, input);
  /** the cluster clock's time, read from a fresh object's creation time */
  async function clusterNow(): Promise<string> {
    const name = `now-${Math.random().toString(36).slice(2, 8)}`;
    return JSON.parse(await k(['create', 'configmap', name, '-o', 'json'])).metadata.creationTimestamp;
  }
  const ghostWith = (what: string, ok: (n: Node) => boolean) =>
    eventually(
      async () => {
        const n: Node = JSON.parse(await k(['get', 'node', 'ghost', '-o', 'json']));
        return ok(n) ? n : undefined;
      },
      15_000,
      what,
    );
  const ready = (n: Node | undefined) => n?.status?.conditions?.find((c) => c.type === 'Ready');
  const noExecute = (n: Node | undefined) =>
    (n?.spec?.taints ?? []).filter((t) => t.effect === 'NoExecute').map((t) => t.key);
  async function report(status: 'True' | 'False'): Promise<void> {
    const now = await clusterNow();
    const condition = {
      type: 'Ready',
      status,
      reason: 'KubeletReady',
      lastHeartbeatTime: now,
      lastTransitionTime: now,
    };
    await k([
      'patch',
      'node',
      'ghost',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { conditions: [condition] } }),
    ]);
    const lease = {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name: 'ghost', namespace: 'kube-node-lease' },
      spec: { holderIdentity: 'ghost', leaseDurationSeconds: 40, renewTime: now.replace('Z', '.000000Z') },
    };
    await k(['apply', '-f', '-'], JSON.stringify(lease));
  }

  it('marks a node that never posted status Unknown and taints it unreachable', async () => {
    await k(['apply', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'ghost' } }));
    const n = await ghostWith('Ready=Unknown', (x) => ready(x)?.status === 'Unknown' && noExecute(x).length > 0);
    assert.strictEqual(ready(n)?.reason, 'NodeStatusNeverUpdated');
    assert.deepStrictEqual(noExecute(n), ['node.kubernetes.io/unreachable']);
    assert.match(await k(['get', 'node', 'ghost']), /ghost\s+NotReady/);
  });

  it('untaints a node that reports Ready, then marks it Unknown once its Lease lapses', async () => {
    await report('True');
    await ghostWith('no NoExecute taint', (x) => ready(x)?.status === 'True' && noExecute(x).length === 0);
    // nothing renews the Lease now: after the 40 s grace period the node is unreachable again
    const n = await ghostWith('Ready=Unknown again', (x) => ready(x)?.status === 'Unknown' && noExecute(x).length > 0);
    assert.deepStrictEqual(
      [ready(n)?.reason, ready(n)?.message],
      ['NodeStatusUnknown', 'Kubelet stopped posting node status.'],
    );
    assert.deepStrictEqual(noExecute(n), ['node.kubernetes.io/unreachable']);
  });

  it('taints a NotReady node not-ready', async () => {
    await report('False');
    const n = await ghostWith('not-ready taint', (x) => noExecute(x).includes('node.kubernetes.io/not-ready'));
    assert.deepStrictEqual(noExecute(n), ['node.kubernetes.io/not-ready']);
  });

  it('gives new pods 300 s tolerations of both taints, and keeps their own', async () => {
    await k(['run', 'tolerant', '--image=nginx:1.25']);
    const p: Pod = JSON.parse(await k(['get', 'pod', 'tolerant', '-o', 'json']));
    assert.deepStrictEqual(p.spec?.tolerations, [
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
    const own = {
      key: 'node.kubernetes.io/unreachable',
      operator: 'Exists',
      effect: 'NoExecute',
      tolerationSeconds: 5,
    };
    await k(['run', 'quick', '--image=nginx:1.25', `--overrides=${JSON.stringify({ spec: { tolerations: [own] } })}`]);
    const q: Pod = JSON.parse(await k(['get', 'pod', 'quick', '-o', 'json']));
    assert.deepStrictEqual(q.spec?.tolerations, [
      own,
      { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
    ]);
  });
});
