// Preemption, driven and inspected with the real kubectl on a cluster of two nodes that take two pods each
// (kubelets with the simulated runtime): a pod of higher priority that fits nowhere evicts just enough pods of
// lower priority, chosen as kube-scheduler chooses, and takes their place once they are gone.
import * as assert from 'assert';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';
import { newPodInfo, type PodInfo } from '../../cluster/scheduler/podInfo';
import { pickOneNodeForPreemption } from '../../cluster/scheduler/preemption/pickNode';
import type { Victims } from '../../cluster/scheduler/preemption/victims';

const CLASSES = [
  ['low', 10],
  ['medium', 20],
  ['mid', 50],
  ['high', 1000],
]
  .map(
    ([name, value]) =>
      `apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: ${name}}\nvalue: ${value}\n`,
  )
  .concat(
    'apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high-never}\nvalue: 1000\n' +
      'preemptionPolicy: Never\n',
  )
  .join('---\n');

/** A pod of the class, pinned to a node when one is given; victims take 3 s to stop, so their exit can be watched. */
function pod(
  name: string,
  priorityClass: string,
  node?: string,
  labels: Record<string, string> = {},
  spec = '',
): string {
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels: ${JSON.stringify({ test: 'preemption', ...labels })}
  annotations: {sim.slipway.dev/stop-seconds: "3"}
spec:
  priorityClassName: ${priorityClass}
${node ? `  nodeSelector: {kubernetes.io/hostname: ${node}}\n` : ''}  containers:
  - name: app
    image: nginx:1.27
${spec}`;
}

describe('scheduler preemption', function () {
  this.timeout(90_000);
  let t: TestCluster;
  let nodes: string[];

  before(async () => {
    t = await startTestCluster({ nodes: 2, maxPodsPerNode: 2 });
    await t.apply(CLASSES);
    nodes = (await eventually(
      async () => {
        const out = (await t.ok(['get', 'nodes', '-o', 'jsonpath={.items[*].metadata.name}'])).trim().split(' ');
        return out.length === 2 ? out.sort() : undefined;
      },
      15_000,
      'two nodes',
    ))!;
  });
  after(async () => {
    await t?.stop();
  });
  afterEach(async () => {
    await t.kubectl(['delete', 'pdb', '--all']);
    await t.kubectl(['delete', 'pods', '-l', 'test=preemption', '--grace-period=0', '--force']);
    await eventually(async () => (await t.ok(['get', 'pods', '-o', 'name'])).trim() === '', 15_000, 'pods gone');
  });

  /** pod name → node, once every pod named runs */
  async function running(names: string[]): Promise<Map<string, string>> {
    return (await eventually(
      async () => {
        const list = await t.json(['get', 'pods']);
        const m = new Map<string, string>();
        for (const p of list.items) if (p.status?.phase === 'Running') m.set(p.metadata.name, p.spec.nodeName);
        return names.every((n) => m.has(n)) ? m : undefined;
      },
      20_000,
      `${names.join(', ')} running`,
    ))!;
  }

  async function getPod(name: string) {
    const r = await t.kubectl(['get', 'pod', name, '-o', 'json']);
    return r.code === 0 ? JSON.parse(r.stdout) : undefined;
  }

  function podScheduled(p: { status?: { conditions?: { type: string; status: string; message?: string }[] } }) {
    return p.status?.conditions?.find((c) => c.type === 'PodScheduled');
  }

  it('evicts just the least important pod, on the node where that costs least, and places the pod there', async () => {
    const [n1, n2] = nodes;
    await t.apply(
      [pod('low-a', 'low', n1), pod('low-b', 'medium', n1), pod('mid-c', 'mid', n2), pod('mid-d', 'mid', n2)].join(
        '---\n',
      ),
    );
    await running(['low-a', 'low-b', 'mid-c', 'mid-d']);

    await t.apply(pod('urgent', 'high'));
    // while the victim stops, the preemptor waits nominated to its node, and the victim says why it goes
    const nominated = await eventually(
      async () => {
        const p = await getPod('urgent');
        return p?.status?.nominatedNodeName ? p : undefined;
      },
      15_000,
      'urgent nominated',
    );
    assert.strictEqual(nominated.status.nominatedNodeName, n1);
    assert.strictEqual(nominated.spec.nodeName, undefined);
    assert.strictEqual(podScheduled(nominated)?.message, '0/2 nodes are available: 2 Too many pods.');
    const victim = await getPod('low-a');
    assert.ok(victim?.metadata.deletionTimestamp, 'low-a is being deleted');
    const target = victim.status.conditions.find((c: { type: string }) => c.type === 'DisruptionTarget');
    assert.deepStrictEqual([target?.status, target?.reason], ['True', 'PreemptionByScheduler']);
    const wide = await t.ok(['get', 'pod', 'urgent', '-o', 'wide', '--no-headers']);
    assert.match(wide, new RegExp(`^urgent\\s+0/1\\s+Pending\\s+.*\\s${n1}\\s+<none>\\s*$`, 'm'));

    const placed = await running(['urgent']);
    assert.strictEqual(placed.get('urgent'), n1);
    assert.strictEqual(await getPod('low-a'), undefined, 'the victim is gone');
    // just enough: everyone else still runs where they ran
    const after = await running(['low-b', 'mid-c', 'mid-d']);
    assert.deepStrictEqual([after.get('low-b'), after.get('mid-c'), after.get('mid-d')], [n1, n2, n2]);
    const events = await t.json(['get', 'events', '--field-selector', 'involvedObject.name=low-a,reason=Preempted']);
    assert.deepStrictEqual(
      events.items.map((e: { type: string; message: string }) => [e.type, e.message]),
      [['Normal', `Preempted by pod ${nominated.metadata.uid} on node ${n1}`]],
    );
  });

  it('does not preempt for a pod whose preemptionPolicy is Never: it waits for room', async () => {
    await t.apply(['p1', 'p2', 'p3', 'p4'].map((n) => pod(n, 'low')).join('---\n'));
    await running(['p1', 'p2', 'p3', 'p4']);

    await t.apply(pod('patient', 'high-never'));
    const waiting = (await eventually(
      async () => {
        const c = podScheduled((await getPod('patient')) ?? {});
        return c?.status === 'False' ? c : undefined;
      },
      15_000,
      'patient Unschedulable',
    ))!;
    assert.strictEqual(
      waiting.message,
      '0/2 nodes are available: 2 Too many pods. no new claims to deallocate, ' +
        'preemption: not eligible due to preemptionPolicy=Never.',
    );
    const all = await t.json(['get', 'pods', '-l', 'test=preemption']);
    assert.deepStrictEqual(
      all.items.filter((p: { metadata: { deletionTimestamp?: string } }) => p.metadata.deletionTimestamp),
      [],
      'no pod was evicted',
    );
    // room made by someone else is taken
    const freed = (await running(['p3'])).get('p3');
    await t.ok(['delete', 'pod', 'p3', '--wait=false']);
    assert.strictEqual((await running(['patient'])).get('patient'), freed);
  });

  it('prefers victims no PodDisruptionBudget protects, even of higher priority', async () => {
    const [n1, n2] = nodes;
    await t.apply(
      [
        pod('guarded-1', 'low', n1, { app: 'guarded' }),
        pod('guarded-2', 'low', n1, { app: 'guarded' }),
        pod('plain-1', 'medium', n2),
        pod('plain-2', 'medium', n2),
        'apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: guarded}\n' +
          'spec: {minAvailable: 2, selector: {matchLabels: {app: guarded}}}\n',
      ].join('---\n'),
    );
    await running(['guarded-1', 'guarded-2', 'plain-1', 'plain-2']);
    await eventually(
      async () => {
        const status = (await t.json(['get', 'pdb', 'guarded'])).status;
        return status?.currentHealthy === 2 && status.disruptionsAllowed === 0;
      },
      15_000,
      'the budget counts both guarded pods',
    );

    await t.apply(pod('urgent', 'high'));
    assert.strictEqual((await running(['urgent'])).get('urgent'), n2);
    const left = await t.json(['get', 'pods', '-l', 'test=preemption']);
    const names = left.items.map((p: { metadata: { name: string } }) => p.metadata.name).sort();
    // one of the plain pods made room; both guarded pods were spared
    assert.strictEqual(names.length, 4, names.join(' '));
    assert.deepStrictEqual(names.slice(0, 2), ['guarded-1', 'guarded-2']);
    assert.strictEqual(names.filter((n: string) => n.startsWith('plain-')).length, 1, names.join(' '));
  });

  it("evicts the pod the preemptor's anti-affinity keeps it away from, where there is room otherwise", async () => {
    const [n1, n2] = nodes;
    await t.apply([pod('x-1', 'low', n1, { app: 'x' }), pod('x-2', 'low', n2, { app: 'x' })].join('---\n'));
    const before = await running(['x-1', 'x-2']);
    const antiAffinity = `  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector: {matchLabels: {app: x}}
        topologyKey: kubernetes.io/hostname
`;
    await t.apply(pod('loner', 'high', undefined, {}, antiAffinity));
    const node = (await running(['loner'])).get('loner');
    const left = (await t.json(['get', 'pods', '-l', 'app=x'])).items.filter(
      (p: { metadata: { deletionTimestamp?: string } }) => !p.metadata.deletionTimestamp,
    );
    // one app=x pod made way; the other still runs on the other node
    assert.strictEqual(left.length, 1);
    assert.notStrictEqual(left[0].spec.nodeName, node);
    assert.strictEqual(before.get(left[0].metadata.name), left[0].spec.nodeName);
    assert.ok([n1, n2].includes(node!));
  });
  it('gives room that appears to the pending pod of higher priority, though another waited longer', async () => {
    await t.apply(['m1', 'm2', 'm3', 'm4'].map((n) => pod(n, 'mid')).join('---\n'));
    const placed = await running(['m1', 'm2', 'm3', 'm4']);
    // neither may preempt: "early" ranks below the running pods, "late" never preempts
    await t.apply(pod('early', 'medium'));
    const pending = async (name: string) => podScheduled((await getPod(name)) ?? {})?.status === 'False';
    await eventually(() => pending('early'), 15_000, 'early Unschedulable');
    await t.apply(pod('late', 'high-never'));
    await eventually(() => pending('late'), 15_000, 'late Unschedulable');
    await t.ok(['delete', 'pod', 'm1', '--wait=false']);
    assert.strictEqual((await running(['late'])).get('late'), placed.get('m1'));
    const early = await getPod('early');
    assert.strictEqual(early.spec.nodeName, undefined);
  });

  it("says why preemption would not help when the victims' room is not enough", async () => {
    const [n1, n2] = nodes;
    await t.apply(
      [
        pod('top-1', 'high', n1, { app: 'top' }),
        pod('top-2', 'high', n2, { app: 'top' }),
        pod('low-1', 'low', n1),
        pod('low-2', 'low', n2),
      ].join('---\n'),
    );
    await running(['top-1', 'top-2', 'low-1', 'low-2']);
    const awayFromTop = `  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - labelSelector: {matchLabels: {app: top}}
        topologyKey: kubernetes.io/hostname
`;
    await t.apply(pod('blocked', 'mid', undefined, {}, awayFromTop));
    const condition = (await eventually(
      async () => {
        const c = podScheduled((await getPod('blocked')) ?? {});
        return c?.status === 'False' ? c : undefined;
      },
      15_000,
      'blocked Unschedulable',
    ))!;
    // evicting low-1 or low-2 would free a slot, but the anti-affinity to the pods that stay still refuses
    assert.strictEqual(
      condition.message,
      '0/2 nodes are available: 2 Too many pods. no new claims to deallocate, preemption: 0/2 nodes are ' +
        "available: 2 node(s) didn't match pod anti-affinity rules.",
    );
    const all = await t.json(['get', 'pods', '-l', 'test=preemption']);
    assert.deepStrictEqual(
      all.items.filter((p: { metadata: { deletionTimestamp?: string } }) => p.metadata.deletionTimestamp),
      [],
      'no pod was evicted',
    );
  });
});

describe('preemption: the node chosen among candidates', () => {
  let seq = 0;
  function victim(priority: number, startTime?: string): PodInfo {
    const name = `v${++seq}`;
    return newPodInfo({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', uid: `uid-${name}` },
      spec: { priority, containers: [{ name: 'app' }] },
      status: startTime ? { startTime } : {},
    });
  }
  const pick = (...c: Victims[]) => pickOneNodeForPreemption(c).node;

  it('takes the fewest budget violations, then the lowest highest priority, then the smallest sum', () => {
    assert.strictEqual(
      pick({ node: 'a', pods: [victim(1)], pdbViolations: 1 }, { node: 'b', pods: [victim(500)], pdbViolations: 0 }),
      'b',
    );
    assert.strictEqual(
      pick(
        { node: 'a', pods: [victim(50)], pdbViolations: 0 },
        { node: 'b', pods: [victim(10), victim(10), victim(10)], pdbViolations: 0 },
      ),
      'b',
    );
    assert.strictEqual(
      pick(
        { node: 'a', pods: [victim(10), victim(10)], pdbViolations: 0 },
        { node: 'b', pods: [victim(10), victim(-5)], pdbViolations: 0 },
      ),
      'b',
    );
  });

  it('then the latest start of the most important victims, then the first node by name', () => {
    assert.strictEqual(
      pick(
        { node: 'a', pods: [victim(10, '2026-01-01T11:00:00Z')], pdbViolations: 0 },
        { node: 'b', pods: [victim(10, '2026-01-01T10:00:00Z')], pdbViolations: 0 },
      ),
      'a',
    );
    assert.strictEqual(
      pick({ node: 'b', pods: [victim(10)], pdbViolations: 0 }, { node: 'a', pods: [victim(10)], pdbViolations: 0 }),
      'a',
    );
  });
});
