// DaemonSets with the real kubectl, placed by the real scheduler and run by the real kubelets on three
// nodes, on a sped-up clock: one pod per eligible node (nodeSelector, taints and tolerations), rolling
// updates within maxUnavailable or maxSurge, and ControllerRevisions behind `rollout status`,
// `rollout history` and `rollout undo`, all read back the way a user would.
import * as assert from 'assert';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

/** cluster milliseconds per real millisecond */
const SPEED = 20;

interface DsOptions {
  image?: string;
  nodeSelector?: Record<string, string>;
  tolerations?: unknown[];
  rollingUpdate?: Record<string, unknown>;
  readyAfterSeconds?: number;
}

function daemonSet(name: string, o: DsOptions = {}): string {
  const annotations: Record<string, string> = {};
  if (o.readyAfterSeconds !== undefined)
    annotations['sim.slipway.dev/ready-after-seconds'] = String(o.readyAfterSeconds);
  // the simulated readiness only matters to a container with a readiness probe, as in Kubernetes
  const probe =
    o.readyAfterSeconds !== undefined ? { readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } } : {};
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      ...(o.rollingUpdate ? { updateStrategy: { type: 'RollingUpdate', rollingUpdate: o.rollingUpdate } } : {}),
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: {
          ...(o.nodeSelector ? { nodeSelector: o.nodeSelector } : {}),
          ...(o.tolerations ? { tolerations: o.tolerations } : {}),
          containers: [
            {
              name: 'agent',
              image: o.image ?? 'fluent/fluent-bit:3.0',
              resources: { requests: { cpu: '10m', memory: '16Mi' } },
              ...probe,
            },
          ],
        },
      },
    },
  });
}

describe('DaemonSets (kubectl, scheduler, kubelets)', function () {
  this.timeout(120_000);
  let t: TestCluster;
  let nodeNames: string[] = [];

  const json = (args: string[]) => t.json(args);

  const apply = (manifest: string) => t.apply(manifest);

  async function kubectlOk(args: string[], timeoutMs = 60_000): Promise<string> {
    const r = await t.kubectl(args, { timeoutMs });
    assert.strictEqual(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  /** A watch of a DaemonSet's pods: one line per event with type, name, Ready status and deletion timestamp. */
  function watchPods(app: string) {
    return t.kubectlStream([
      'get',
      'pods',
      '-l',
      `app=${app}`,
      '--watch',
      '--output-watch-events',
      '-o',
      'jsonpath={.type}|{.object.metadata.name}|{.object.status.conditions[?(@.type=="Ready")].status}|{.object.metadata.deletionTimestamp}{"\\n"}',
    ]);
  }

  /**
   * Replays a pod watch: after every event, the pods not being deleted and how many of them are Ready.
   * Returns the most pods and the fewest Ready pods seen once the initial list was in.
   */
  function replay(output: string, initial: number): { most: number; leastReady: number } {
    const live = new Map<string, boolean>();
    let most = 0;
    let leastReady = Infinity;
    let listed = false;
    for (const line of output.split('\n').filter((l) => l.includes('|'))) {
      const [type, name, ready, deletion] = line.split('|');
      if (type === 'DELETED' || deletion) live.delete(name);
      else live.set(name, ready === 'True');
      listed ||= live.size >= initial;
      if (!listed) continue;
      most = Math.max(most, live.size);
      leastReady = Math.min(leastReady, [...live.values()].filter(Boolean).length);
    }
    return { most, leastReady };
  }

  /** kubectl label/taint on a node, again when a kubelet heartbeat wrote the node at the same moment (409) */
  async function nodeCommand(args: string[]): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const r = await t.kubectl(args);
      if (r.code === 0) return;
      if (attempt >= 4 || !/Conflict/.test(r.stderr)) assert.fail(`kubectl ${args.join(' ')}: ${r.stderr}`);
    }
  }

  /** The live (not terminating) pods of a DaemonSet. */
  async function podsOf(app: string): Promise<any[]> {
    return (await json(['get', 'pods', '-l', `app=${app}`])).items.filter((p: any) => !p.metadata.deletionTimestamp);
  }

  before(async () => {
    t = await startTestCluster({ nodes: 3, clockSpeed: SPEED });
    await t.cluster.controllersReady;
    const nodes = await eventually(
      async () => {
        const items = (await json(['get', 'nodes'])).items;
        return items.length === 3 ? items : undefined;
      },
      30_000,
      'three nodes',
    );
    nodeNames = nodes.map((n: any) => n.metadata.name).sort();
  });
  after(async () => {
    await t?.stop();
  });

  it('runs exactly one pod on each of the three nodes, placed by the scheduler', async () => {
    await apply(daemonSet('agent'));
    const status = await kubectlOk(['rollout', 'status', 'daemonset/agent', '--timeout=60s'], 70_000);
    assert.match(status, /daemon set "agent" successfully rolled out/);

    const pods = await podsOf('agent');
    assert.strictEqual(pods.length, 3);
    assert.deepStrictEqual(pods.map((p) => p.spec.nodeName).sort(), nodeNames);
    const ds = await json(['get', 'daemonset', 'agent']);
    for (const p of pods) {
      assert.strictEqual(p.status.phase, 'Running');
      const ref = p.metadata.ownerReferences.find((r: any) => r.controller);
      assert.deepStrictEqual([ref.kind, ref.name, ref.uid], ['DaemonSet', 'agent', ds.metadata.uid]);
      // pinned to its node by affinity, then bound by the scheduler
      const terms = p.spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms;
      assert.deepStrictEqual(terms, [
        { matchFields: [{ key: 'metadata.name', operator: 'In', values: [p.spec.nodeName] }] },
      ]);
      const tolerated = p.spec.tolerations.map((x: any) => `${x.key}:${x.effect}`);
      for (const want of [
        'node.kubernetes.io/not-ready:NoExecute',
        'node.kubernetes.io/unreachable:NoExecute',
        'node.kubernetes.io/disk-pressure:NoSchedule',
        'node.kubernetes.io/memory-pressure:NoSchedule',
        'node.kubernetes.io/pid-pressure:NoSchedule',
        'node.kubernetes.io/unschedulable:NoSchedule',
      ]) {
        assert.ok(tolerated.includes(want), `${p.metadata.name} lacks ${want}`);
      }
    }
    const scheduled = (await json(['get', 'events', '--field-selector', 'reason=Scheduled'])).items.filter((e: any) =>
      pods.some((p) => p.metadata.name === e.involvedObject.name),
    );
    assert.strictEqual(scheduled.length, 3);
    assert.ok(scheduled.every((e: any) => (e.reportingComponent || e.source?.component) === 'default-scheduler'));

    assert.deepStrictEqual(
      {
        desired: ds.status.desiredNumberScheduled,
        current: ds.status.currentNumberScheduled,
        ready: ds.status.numberReady,
        updated: ds.status.updatedNumberScheduled,
        available: ds.status.numberAvailable,
        misscheduled: ds.status.numberMisscheduled,
      },
      { desired: 3, current: 3, ready: 3, updated: 3, available: 3, misscheduled: 0 },
    );
    assert.strictEqual(ds.status.observedGeneration, ds.metadata.generation);
    const table = (await kubectlOk(['get', 'daemonset', 'agent'])).trim().split('\n');
    assert.match(table[1], /^agent\s+3\s+3\s+3\s+3\s+3\s+<none>\s+/);

    const revisions = (await json(['get', 'controllerrevisions', '-l', 'app=agent'])).items;
    assert.strictEqual(revisions.length, 1);
    const hash = revisions[0].metadata.labels['controller-revision-hash'];
    assert.strictEqual(revisions[0].metadata.name, `agent-${hash}`);
    for (const p of pods) assert.strictEqual(p.metadata.labels['controller-revision-hash'], hash);
  });

  it('limits pods to the nodes its nodeSelector and node affinity pick, and follows label changes', async () => {
    const zones = new Map<string, string>();
    for (const n of (await json(['get', 'nodes'])).items)
      zones.set(n.metadata.name, n.metadata.labels['topology.kubernetes.io/zone']);
    const [first, second, third] = nodeNames;
    assert.strictEqual(new Set(zones.values()).size, 3, 'each node in its own zone');

    await apply(daemonSet('zonal', { nodeSelector: { 'topology.kubernetes.io/zone': zones.get(first)! } }));
    await kubectlOk(['rollout', 'status', 'daemonset/zonal', '--timeout=60s'], 70_000);
    assert.deepStrictEqual(
      (await podsOf('zonal')).map((p) => p.spec.nodeName),
      [first],
    );
    const ds = await json(['get', 'daemonset', 'zonal']);
    assert.strictEqual(ds.status.desiredNumberScheduled, 1);
    assert.match(
      (await kubectlOk(['get', 'daemonset', 'zonal'])).split('\n')[1],
      new RegExp(`topology.kubernetes.io/zone=${zones.get(first)}`),
    );

    // required node affinity: two zones of three
    const affinity = JSON.parse(daemonSet('pair'));
    affinity.spec.template.spec.affinity = {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [
            {
              matchExpressions: [
                { key: 'topology.kubernetes.io/zone', operator: 'In', values: [zones.get(second), zones.get(third)] },
              ],
            },
          ],
        },
      },
    };
    await apply(JSON.stringify(affinity));
    await kubectlOk(['rollout', 'status', 'daemonset/pair', '--timeout=60s'], 70_000);
    assert.deepStrictEqual((await podsOf('pair')).map((p) => p.spec.nodeName).sort(), [second, third].sort());

    // a node that stops matching loses its pod; matching again brings one back
    await nodeCommand(['label', 'node', first, 'topology.kubernetes.io/zone=elsewhere', '--overwrite']);
    await eventually(async () => (await podsOf('zonal')).length === 0, 30_000, 'the pod on the relabelled node to go');
    await eventually(
      async () => (await json(['get', 'daemonset', 'zonal'])).status.desiredNumberScheduled === 0,
      10_000,
      'desired 0',
    );
    await nodeCommand(['label', 'node', first, `topology.kubernetes.io/zone=${zones.get(first)}`, '--overwrite']);
    await kubectlOk(['rollout', 'status', 'daemonset/zonal', '--timeout=60s'], 70_000);
    const back = await eventually(
      async () => {
        const ps = await podsOf('zonal');
        return ps.length === 1 && ps[0].status.phase === 'Running' ? ps : undefined;
      },
      30_000,
      'a pod back on the node',
    );
    assert.strictEqual(back![0].spec.nodeName, first);
    const after = await json(['get', 'daemonset', 'zonal']);
    assert.deepStrictEqual(
      [after.status.desiredNumberScheduled, after.status.numberReady, after.status.numberMisscheduled],
      [1, 1, 0],
    );
  });

  it('skips nodes with taints it does not tolerate', async () => {
    const tainted = nodeNames[2];
    await nodeCommand(['taint', 'node', tainted, 'dedicated=infra:NoSchedule']);
    try {
      await apply(daemonSet('plain'));
      await apply(
        daemonSet('tolerant', {
          tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'infra', effect: 'NoSchedule' }],
        }),
      );
      await kubectlOk(['rollout', 'status', 'daemonset/plain', '--timeout=60s'], 70_000);
      await kubectlOk(['rollout', 'status', 'daemonset/tolerant', '--timeout=60s'], 70_000);
      const plain = await podsOf('plain');
      assert.strictEqual(plain.length, 2);
      assert.ok(!plain.some((p) => p.spec.nodeName === tainted));
      const tolerant = await podsOf('tolerant');
      assert.deepStrictEqual(tolerant.map((p) => p.spec.nodeName).sort(), nodeNames);
    } finally {
      await nodeCommand(['taint', 'node', tainted, 'dedicated-']);
    }
    // once the taint is gone the plain DaemonSet reaches that node too
    await eventually(
      async () => (await podsOf('plain')).some((p) => p.spec.nodeName === tainted),
      30_000,
      'a pod on the untainted node',
    );
  });

  it('rolls out a new template node by node within maxUnavailable, and back with rollout undo', async () => {
    const oldPods = await podsOf('agent');
    const oldNames = new Set(oldPods.map((p) => p.metadata.name));
    const stream = watchPods('agent');
    await new Promise((r) => setTimeout(r, 300));
    await kubectlOk(['set', 'image', 'daemonset/agent', 'agent=fluent/fluent-bit:3.1']);
    const status = await kubectlOk(['rollout', 'status', 'daemonset/agent', '--timeout=60s'], 70_000);
    // whether kubectl catches a "Waiting for daemon set" line depends on how soon it starts; the pod replay below
    // is what shows the node-by-node rollout
    assert.match(status, /daemon set "agent" successfully rolled out/);
    stream.stop();
    await stream.exited;

    const pods = await podsOf('agent');
    assert.strictEqual(pods.length, 3);
    assert.deepStrictEqual(pods.map((p) => p.spec.nodeName).sort(), nodeNames);
    assert.ok(
      pods.every((p) => !oldNames.has(p.metadata.name) && p.spec.containers[0].image === 'fluent/fluent-bit:3.1'),
    );
    // maxUnavailable 1 (the default), no surge: one node at a time is without a Ready pod
    const { most, leastReady } = replay(stream.output(), 3);
    assert.strictEqual(most, 3, stream.output());
    assert.strictEqual(leastReady, 2, stream.output());

    const history = await kubectlOk(['rollout', 'history', 'daemonset/agent']);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const undo = await kubectlOk(['rollout', 'undo', 'daemonset/agent']);
    assert.match(undo, /daemonset.apps\/agent rolled back/);
    await kubectlOk(['rollout', 'status', 'daemonset/agent', '--timeout=60s'], 70_000);
    const back = await podsOf('agent');
    assert.ok(back.length === 3 && back.every((p) => p.spec.containers[0].image === 'fluent/fluent-bit:3.0'));
    assert.match(
      await kubectlOk(['rollout', 'history', 'daemonset/agent']),
      /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/,
    );
    const ds = await json(['get', 'daemonset', 'agent']);
    assert.strictEqual(ds.status.updatedNumberScheduled, 3);
  });

  it('surges a new pod beside each old one when maxSurge is set', async () => {
    await apply(daemonSet('surge', { rollingUpdate: { maxSurge: 1, maxUnavailable: 0 }, readyAfterSeconds: 4 }));
    await kubectlOk(['rollout', 'status', 'daemonset/surge', '--timeout=60s'], 70_000);
    const stream = watchPods('surge');
    await new Promise((r) => setTimeout(r, 300));
    await kubectlOk(['set', 'image', 'daemonset/surge', 'agent=fluent/fluent-bit:3.1']);
    await kubectlOk(['rollout', 'status', 'daemonset/surge', '--timeout=60s'], 70_000);
    await eventually(async () => (await podsOf('surge')).length === 3, 30_000, 'old pods to go');
    stream.stop();
    await stream.exited;
    const { most, leastReady } = replay(stream.output(), 3);
    const pods = await podsOf('surge');
    assert.ok(pods.every((p) => p.spec.containers[0].image === 'fluent/fluent-bit:3.1'));
    // maxSurge 1: at most one extra pod at a time; maxUnavailable 0: never fewer than three Ready
    assert.strictEqual(most, 4, stream.output());
    assert.strictEqual(leastReady, 3, stream.output());
  });
});
