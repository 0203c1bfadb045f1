// The scheduler, driven and inspected with the real kubectl. The nodes are made here through the API
// (a Node, then its status through the status subresource), so each test knows their capacity.
import * as assert from 'assert';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';
import { clock, microTimestamp, type Timer } from '../../cluster/clock';

interface NodeSpec {
  name: string;
  cpu: string;
  memory?: string;
  pods?: number;
  labels?: Record<string, string>;
}

function nodeManifest(n: NodeSpec): string {
  const labels = { 'kubernetes.io/hostname': n.name, 'kubernetes.io/os': 'linux', ...(n.labels ?? {}) };
  return `apiVersion: v1
kind: Node
metadata:
  name: ${n.name}
  labels:
${Object.entries(labels)
  .map(([k, v]) => `    ${k}: "${v}"`)
  .join('\n')}
`;
}

function podManifest(
  name: string,
  opts: { cpu?: string; labels?: Record<string, string>; spec?: string } = {},
): string {
  const labels = opts.labels ?? { app: name };
  return `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  labels:
${Object.entries(labels)
  .map(([k, v]) => `    ${k}: "${v}"`)
  .join('\n')}
spec:
  containers:
  - name: app
    image: nginx:1.27
    resources:
      requests:
        cpu: ${opts.cpu ?? '100m'}
        memory: 64Mi
${opts.spec ?? ''}`;
}

/** eventually(), for checks that answer undefined until they hold */
async function until<T>(fn: () => Promise<T | undefined>, ms: number, what: string): Promise<T> {
  return (await eventually(fn, ms, what)) as T;
}

describe('scheduler', function () {
  this.timeout(120_000);
  let t: TestCluster;

  async function ok(args: string[], input?: string): Promise<string> {
    const r = await t.kubectl(args, input === undefined ? {} : { input });
    assert.strictEqual(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  const MERGE = { 'Content-Type': 'application/merge-patch+json' };
  async function addNode(n: NodeSpec): Promise<void> {
    await ok(['apply', '-f', '-'], nodeManifest(n));
    const status = {
      status: {
        capacity: { cpu: n.cpu, memory: n.memory ?? '8Gi', pods: String(n.pods ?? 110) },
        allocatable: { cpu: n.cpu, memory: n.memory ?? '8Gi', pods: String(n.pods ?? 110) },
        conditions: [
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        ],
      },
    };
    await ok(['patch', 'node', n.name, '--subresource=status', '--type=merge', '-p', JSON.stringify(status)]);
    await renewLease(n.name);
  }

  // no kubelet renews these nodes' Leases: the test does, or the node lifecycle would find them unreachable
  const leased = new Set<string>();
  let heartbeat: Timer | undefined;
  async function renewLease(name: string): Promise<void> {
    const path = '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases';
    const spec = { holderIdentity: name, leaseDurationSeconds: 40, renewTime: microTimestamp() };
    if (leased.has(name)) await t.request('PATCH', `${path}/${name}`, JSON.stringify({ spec }), MERGE);
    else
      await t.request('POST', path, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { name }, spec });
    leased.add(name);
  }

  /** pod name → node name ('' while unscheduled), from `kubectl get pods -o wide` */
  async function placement(selector?: string): Promise<Map<string, string>> {
    const out = await ok(['get', 'pods', '-o', 'wide', '--no-headers', ...(selector ? ['-l', selector] : [])]);
    const m = new Map<string, string>();
    for (const line of out.trim().split('\n').filter(Boolean)) {
      const cols = line.trim().split(/\s+/);
      // NAME READY STATUS RESTARTS AGE IP NODE NOMINATED-NODE READINESS-GATES
      m.set(cols[0], cols[6] === '<none>' ? '' : cols[6]);
    }
    return m;
  }

  async function nodeOf(pod: string): Promise<string> {
    return (await ok(['get', 'pod', pod, '-o', 'jsonpath={.spec.nodeName}'])).trim();
  }

  async function podScheduled(pod: string): Promise<{ status: string; reason: string; message: string }> {
    const out = await ok([
      'get',
      'pod',
      pod,
      '-o',
      'jsonpath={range .status.conditions[?(@.type=="PodScheduled")]}{.status}|{.reason}|{.message}{end}',
    ]);
    const [status, reason, message] = out.split('|');
    return { status: status ?? '', reason: reason ?? '', message: message ?? '' };
  }

  async function waitUnschedulable(pod: string): Promise<string> {
    const c = await until(
      async () => {
        const s = await podScheduled(pod);
        return s.status === 'False' && s.reason === 'Unschedulable' ? s : undefined;
      },
      15_000,
      `${pod} to be Unschedulable`,
    );
    return c.message;
  }

  async function waitScheduled(pod: string): Promise<string> {
    return eventually(() => nodeOf(pod), 15_000, `${pod} to be scheduled`);
  }

  /** kubectl describe's event lines for a pod: [type, reason, from, message] */
  async function events(pod: string): Promise<string[][]> {
    const out = await ok(['describe', 'pod', pod]);
    const at = out.indexOf('\nEvents:');
    assert.ok(at >= 0, out);
    return out
      .slice(at)
      .split('\n')
      .slice(3)
      .filter((l) => l.trim())
      .map((l) => {
        const m = /^\s+(\S+)\s+(\S+)\s+.+?\s{2,}(\S+)\s{2,}(.*)$/.exec(l);
        return m ? [m[1], m[2], m[3], m[4]] : [l];
      });
  }

  async function deleteAll(): Promise<void> {
    // no kubelet runs on these nodes to confirm a graceful deletion; a pod a controller is still
    // updating answers Conflict, so this repeats until none is left
    await eventually(
      async () => {
        await t.kubectl(['delete', 'pods', '--all', '--grace-period=0', '--force']);
        return (await placement()).size === 0;
      },
      15_000,
      'pods to go',
    );
  }

  before(async () => {
    // nodes: 0 keeps the cluster's own kubelets out, so the nodes below are all there are
    const options = { nodes: 0, clockSpeed: 20 };
    t = await startTestCluster(options);
    for (const name of ['worker-a', 'worker-b', 'worker-c']) await addNode({ name, cpu: '2', memory: '4Gi' });
    heartbeat = clock().every(10_000, () => {
      for (const name of leased) void renewLease(name).catch(() => undefined);
    });
  });
  after(async () => {
    heartbeat?.cancel();
    await t?.stop();
  });
  afterEach(async () => {
    if (t) await deleteAll();
  });

  it('spreads pods over equal nodes (least allocated) and records where each went', async () => {
    const names = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 's8'];
    await ok(['apply', '-f', '-'], names.map((n) => podManifest(n, { labels: { app: 'spread' } })).join('---\n'));
    const placed = await until(
      async () => {
        const p = await placement('app=spread');
        return [...p.values()].every(Boolean) && p.size === names.length ? p : undefined;
      },
      15_000,
      'all pods placed',
    );
    const perNode = new Map<string, number>();
    for (const node of placed.values()) perNode.set(node, (perNode.get(node) ?? 0) + 1);
    // equal nodes and equal pods: every decision picks a node with the fewest requests so far
    assert.deepStrictEqual([...perNode.keys()].sort(), ['worker-a', 'worker-b', 'worker-c']);
    assert.ok(Math.max(...perNode.values()) - Math.min(...perNode.values()) <= 1, JSON.stringify([...perNode]));
    const ev = await events('s0');
    const scheduled = ev.find((e) => e[1] === 'Scheduled');
    assert.ok(scheduled, JSON.stringify(ev));
    assert.strictEqual(scheduled[2], 'default-scheduler');
    assert.strictEqual(scheduled[3], `Successfully assigned default/s0 to ${placed.get('s0')}`);
    const cond = await podScheduled('s0');
    assert.strictEqual(cond.status, 'True');
  });

  it('keeps a pod that fits nowhere Pending with the reason kubectl describe shows, and places it once a big enough node joins', async () => {
    // 3 cpus, where each node has 2 allocatable: more than any node could ever offer
    await ok(['apply', '-f', '-'], podManifest('huge', { cpu: '3' }));
    const message = await waitUnschedulable('huge');
    assert.strictEqual(
      message,
      '0/3 nodes are available: 3 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    const get = await ok(['get', 'pod', 'huge', '--no-headers']);
    assert.match(get, /^huge\s+0\/1\s+Pending\s+0\s/);
    const failed = (await events('huge')).find((e) => e[1] === 'FailedScheduling');
    assert.ok(failed, 'no FailedScheduling event');
    assert.deepStrictEqual(failed, ['Warning', 'FailedScheduling', 'default-scheduler', message]);

    await addNode({ name: 'worker-big', cpu: '8', memory: '16Gi' });
    assert.strictEqual(await waitScheduled('huge'), 'worker-big');
    assert.strictEqual((await podScheduled('huge')).status, 'True');
    const ev = await events('huge');
    assert.ok(
      ev.some((e) => e[1] === 'Scheduled' && e[3] === 'Successfully assigned default/huge to worker-big'),
      JSON.stringify(ev),
    );
    await ok(['delete', 'node', 'worker-big']);
  });

  it('counts what is already requested: a pod that would fit an empty node waits until a pod goes', async () => {
    // 1.5 cpus on each node leaves 0.5: a 1-cpu pod fits no node now, but would fit an emptied one
    await ok(
      ['apply', '-f', '-'],
      ['fill-a', 'fill-b', 'fill-c']
        .map((n) => podManifest(n, { cpu: '1500m', labels: { app: 'fill' } }))
        .join('---\n'),
    );
    const filled = await until(
      async () => {
        const p = await placement('app=fill');
        return p.size === 3 && [...p.values()].every(Boolean) ? p : undefined;
      },
      15_000,
      'fillers placed',
    );
    assert.strictEqual(new Set(filled.values()).size, 3, 'one filler per node');
    await ok(['apply', '-f', '-'], podManifest('waiting', { cpu: '1' }));
    assert.strictEqual(
      await waitUnschedulable('waiting'),
      '0/3 nodes are available: 3 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    );
    await ok(['delete', 'pod', 'fill-b', '--grace-period=0', '--force']);
    assert.strictEqual(await waitScheduled('waiting'), filled.get('fill-b'));
  });

  it('counts the reasons of every node in one message, as kube-scheduler sorts them', async () => {
    const pin = (node: string) => `  nodeSelector:\n    kubernetes.io/hostname: ${node}\n`;
    await ok(
      ['apply', '-f', '-'],
      ['worker-b', 'worker-c']
        .map((n) => podManifest(`busy-${n}`, { cpu: '1500m', labels: { app: 'busy' }, spec: pin(n) }))
        .join('---\n'),
    );
    await until(
      async () => {
        const p = await placement('app=busy');
        return p.size === 2 && [...p.values()].every(Boolean) ? p : undefined;
      },
      15_000,
      'busy pods placed',
    );
    await ok(['taint', 'nodes', 'worker-a', 'maintenance=true:NoSchedule']);
    await ok(['apply', '-f', '-'], podManifest('mixed', { cpu: '1' }));
    // worker-a: the taint (preemption cannot lift it); worker-b and -c: cpu in use (preemption could free it, but finds no one to evict)
    assert.strictEqual(
      await waitUnschedulable('mixed'),
      '0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. no new claims to deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.',
    );
    await ok(['taint', 'nodes', 'worker-a', 'maintenance=true:NoSchedule-']);
    assert.strictEqual(await waitScheduled('mixed'), 'worker-a');
  });

  it('counts an init container that asks for more than the app containers', async () => {
    await ok(
      ['apply', '-f', '-'],
      ['half-a', 'half-b', 'half-c'].map((n) => podManifest(n, { cpu: '1', labels: { app: 'half' } })).join('---\n'),
    );
    await until(
      async () => {
        const p = await placement('app=half');
        return p.size === 3 && [...p.values()].every(Boolean) ? p : undefined;
      },
      15_000,
      'half of every node taken',
    );
    // the app container asks for 100m, but the pod needs 1500m while its init container runs
    const init = `  initContainers:
  - name: migrate
    image: busybox:1.36
    resources:
      requests: {cpu: 1500m}
`;
    await ok(['apply', '-f', '-'], podManifest('migrating', { spec: init }));
    assert.match(await waitUnschedulable('migrating'), /^0\/3 nodes are available: 3 Insufficient cpu\. /);
    await ok(['apply', '-f', '-'], podManifest('small', { cpu: '900m' }));
    assert.ok(await waitScheduled('small'), 'a pod asking for what is left fits');
  });

  it('honours nodeSelector, and places a waiting pod when a node gets the label', async () => {
    await ok(['label', 'node', 'worker-b', 'disktype=ssd']);
    await ok(['apply', '-f', '-'], podManifest('on-ssd', { spec: '  nodeSelector:\n    disktype: ssd\n' }));
    assert.strictEqual(await waitScheduled('on-ssd'), 'worker-b');

    await ok(['apply', '-f', '-'], podManifest('on-nvme', { spec: '  nodeSelector:\n    disktype: nvme\n' }));
    assert.strictEqual(
      await waitUnschedulable('on-nvme'),
      "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    await ok(['label', 'node', 'worker-c', 'disktype=nvme']);
    assert.strictEqual(await waitScheduled('on-nvme'), 'worker-c');
    await ok(['label', 'node', 'worker-b', 'disktype-']);
    await ok(['label', 'node', 'worker-c', 'disktype-']);
  });

  it('honours required node affinity with In, NotIn and Gt', async () => {
    await ok(['label', 'node', 'worker-a', 'gen=3']);
    await ok(['label', 'node', 'worker-b', 'gen=5']);
    await ok(['label', 'node', 'worker-c', 'gen=7']);
    const affinity = (exprs: string) => `  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions:
${exprs}`;
    await ok(
      ['apply', '-f', '-'],
      podManifest('newer', {
        spec: affinity(
          '          - {key: gen, operator: Gt, values: ["4"]}\n          - {key: kubernetes.io/hostname, operator: NotIn, values: [worker-c]}\n',
        ),
      }),
    );
    assert.strictEqual(await waitScheduled('newer'), 'worker-b');
    await ok(
      ['apply', '-f', '-'],
      podManifest('nowhere', { spec: affinity('          - {key: gen, operator: In, values: ["9"]}\n') }),
    );
    assert.match(
      await waitUnschedulable('nowhere'),
      /^0\/3 nodes are available: 3 node\(s\) didn't match Pod's node affinity\/selector\. /,
    );
    for (const n of ['worker-a', 'worker-b', 'worker-c']) await ok(['label', 'node', n, 'gen-']);
  });

  it('keeps pods off tainted nodes unless they tolerate the taint', async () => {
    for (const n of ['worker-a', 'worker-b', 'worker-c']) await ok(['taint', 'nodes', n, 'dedicated=gpu:NoSchedule']);
    await ok(['apply', '-f', '-'], podManifest('plain'));
    assert.strictEqual(
      await waitUnschedulable('plain'),
      '0/3 nodes are available: 3 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    await ok(
      ['apply', '-f', '-'],
      podManifest('tolerant', {
        spec: '  tolerations:\n  - {key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}\n',
      }),
    );
    assert.ok(await waitScheduled('tolerant'));
    // the pod without a toleration goes where the taint is lifted
    await ok(['taint', 'nodes', 'worker-a', 'dedicated=gpu:NoSchedule-']);
    assert.strictEqual(await waitScheduled('plain'), 'worker-a');
    await ok(['taint', 'nodes', 'worker-b', 'dedicated=gpu:NoSchedule-']);
    await ok(['taint', 'nodes', 'worker-c', 'dedicated=gpu:NoSchedule-']);
  });

  it('keeps pods off nodes that are not Ready, as the not-ready taint would', async () => {
    const ready = (node: string, status: string) =>
      ok([
        'patch',
        'node',
        node,
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({
          status: {
            conditions: [
              {
                type: 'Ready',
                status,
                reason: status === 'True' ? 'KubeletReady' : 'KubeletNotReady',
                message: 'set by the test',
              },
            ],
          },
        }),
      ]);
    for (const n of ['worker-a', 'worker-b', 'worker-c']) await ready(n, 'False');
    await ok(['apply', '-f', '-'], podManifest('patient'));
    assert.strictEqual(
      await waitUnschedulable('patient'),
      '0/3 nodes are available: 3 node(s) had untolerated taint(s). no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    await ready('worker-c', 'True');
    assert.strictEqual(await waitScheduled('patient'), 'worker-c');
    await ready('worker-a', 'True');
    await ready('worker-b', 'True');
  });

  it('prefers nodes without PreferNoSchedule taints, and avoids cordoned nodes', async () => {
    await ok(['taint', 'nodes', 'worker-a', 'spot=true:PreferNoSchedule']);
    await ok(['taint', 'nodes', 'worker-b', 'spot=true:PreferNoSchedule']);
    await ok(
      ['apply', '-f', '-'],
      ['p0', 'p1', 'p2'].map((n) => podManifest(n, { labels: { app: 'prefer' } })).join('---\n'),
    );
    const placed = await until(
      async () => {
        const p = await placement('app=prefer');
        return p.size === 3 && [...p.values()].every(Boolean) ? p : undefined;
      },
      15_000,
      'pods placed',
    );
    assert.deepStrictEqual([...new Set(placed.values())], ['worker-c'], JSON.stringify([...placed]));
    await ok(['taint', 'nodes', 'worker-a', 'spot=true:PreferNoSchedule-']);
    await ok(['taint', 'nodes', 'worker-b', 'spot=true:PreferNoSchedule-']);

    await ok(['cordon', 'worker-a']);
    await ok(['cordon', 'worker-b']);
    await ok(['cordon', 'worker-c']);
    await ok(['apply', '-f', '-'], podManifest('cordoned'));
    assert.strictEqual(
      await waitUnschedulable('cordoned'),
      '0/3 nodes are available: 3 node(s) were unschedulable. no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    await ok(['uncordon', 'worker-b']);
    assert.strictEqual(await waitScheduled('cordoned'), 'worker-b');
    await ok(['uncordon', 'worker-a']);
    await ok(['uncordon', 'worker-c']);
  });

  it('spreads replicas with required anti-affinity on the hostname, one per node', async () => {
    const anti = `  affinity:
    podAntiAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
      - topologyKey: kubernetes.io/hostname
        labelSelector:
          matchLabels:
            app: cache
`;
    const names = ['cache-0', 'cache-1', 'cache-2', 'cache-3'];
    await ok(
      ['apply', '-f', '-'],
      names.map((n) => podManifest(n, { labels: { app: 'cache' }, spec: anti })).join('---\n'),
    );
    const placed = await until(
      async () => {
        const p = await placement('app=cache');
        return [...p.values()].filter(Boolean).length === 3 ? p : undefined;
      },
      15_000,
      'three replicas placed',
    );
    const nodes = [...placed.values()].filter(Boolean);
    assert.strictEqual(new Set(nodes).size, 3, `two replicas share a node: ${JSON.stringify([...placed])}`);
    const waiting = [...placed.entries()].find(([, n]) => !n)![0];
    assert.strictEqual(
      await waitUnschedulable(waiting),
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
    // a pod the placed replicas' anti-affinity selects may not join them either
    await ok(['apply', '-f', '-'], podManifest('intruder', { labels: { app: 'cache' } }));
    assert.strictEqual(
      await waitUnschedulable('intruder'),
      "0/3 nodes are available: 3 node(s) didn't satisfy existing pods anti-affinity rules. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
    // one replica gone makes room for the waiting one, on the node it left
    const gone = names.find((n) => placed.get(n))!;
    await ok(['delete', 'pod', gone, '--grace-period=0', '--force']);
    const node = await waitScheduled(waiting);
    assert.strictEqual(node, placed.get(gone));
  });

  it("spreads a Deployment's replicas over the hostnames; scaled past the node count, the extra replica waits", async () => {
    await ok(
      ['apply', '-f', '-'],
      `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - topologyKey: kubernetes.io/hostname
            labelSelector:
              matchLabels: {app: web}
      containers:
      - name: web
        image: nginx:1.27
        resources:
          requests: {cpu: 100m}
`,
    );
    const placed = await until(
      async () => {
        const p = await placement('app=web');
        return p.size === 3 && [...p.values()].every(Boolean) ? p : undefined;
      },
      20_000,
      'three replicas placed',
    );
    assert.deepStrictEqual([...placed.values()].sort(), ['worker-a', 'worker-b', 'worker-c']);
    await ok(['scale', 'deployment', 'web', '--replicas=4']);
    const extra = await until(
      async () => {
        const p = await placement('app=web');
        return p.size === 4 ? [...p.keys()].find((k) => !placed.has(k)) : undefined;
      },
      20_000,
      'a fourth replica',
    );
    assert.strictEqual(
      await waitUnschedulable(extra),
      "0/3 nodes are available: 3 node(s) didn't match pod anti-affinity rules. no new claims to deallocate, preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.",
    );
    assert.strictEqual(await nodeOf(extra), '');
    // the ReplicaSet goes first, so nothing recreates the pods afterEach removes
    await ok(['delete', 'deployment', 'web', '--cascade=orphan']);
    await ok(['delete', 'replicasets', '-l', 'app=web', '--cascade=orphan']);
  });

  it('spreads pods evenly over zones with topologySpreadConstraints', async () => {
    await ok(['label', 'node', 'worker-a', 'topology.kubernetes.io/zone=zone-1']);
    await ok(['label', 'node', 'worker-b', 'topology.kubernetes.io/zone=zone-1']);
    await ok(['label', 'node', 'worker-c', 'topology.kubernetes.io/zone=zone-2']);
    const spread = (key: string) => `  topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: ${key}
    whenUnsatisfiable: DoNotSchedule
    labelSelector:
      matchLabels: {app: zoned}
`;
    const names = ['z0', 'z1', 'z2', 'z3'];
    // one at a time, so each decision sees the ones before
    for (const n of names) {
      await ok(
        ['apply', '-f', '-'],
        podManifest(n, { labels: { app: 'zoned' }, spec: spread('topology.kubernetes.io/zone') }),
      );
      await waitScheduled(n);
    }
    const placed = await placement('app=zoned');
    const inZone2 = [...placed.values()].filter((n) => n === 'worker-c').length;
    // zone-1 has two nodes and zone-2 one, yet with a skew of at most 1 each zone holds two pods
    assert.strictEqual(inZone2, 2, JSON.stringify([...placed]));
    await ok(
      ['apply', '-f', '-'],
      podManifest('unlabelled', { labels: { app: 'zoned' }, spec: spread('example.com/rack') }),
    );
    assert.strictEqual(
      await waitUnschedulable('unlabelled'),
      "0/3 nodes are available: 3 node(s) didn't match pod topology spread constraints (missing required label). no new claims to deallocate, preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.",
    );
    for (const n of ['worker-a', 'worker-b', 'worker-c'])
      await ok(['label', 'node', n, 'topology.kubernetes.io/zone-']);
  });

  it('waits for a missing claim; a claim bound on first consumer gets the chosen node, and its volume keeps pods there', async () => {
    const pod = (name: string) =>
      podManifest(name, {
        labels: { app: 'claims' },
        spec: '  volumes:\n  - name: data\n    persistentVolumeClaim: {claimName: later}\n',
      });
    await ok(['apply', '-f', '-'], pod('needs-claim'));
    assert.strictEqual(
      await waitUnschedulable('needs-claim'),
      '0/3 nodes are available: persistentvolumeclaim "later" not found. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.',
    );
    await ok(
      ['apply', '-f', '-'],
      `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: on-first-use}
provisioner: slipway.dev/hostpath
volumeBindingMode: WaitForFirstConsumer
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: later}
spec:
  storageClassName: on-first-use
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`,
    );
    const node = await waitScheduled('needs-claim');
    assert.strictEqual(
      (
        await ok([
          'get',
          'pvc',
          'later',
          '-o',
          'jsonpath={.metadata.annotations.volume\\.kubernetes\\.io/selected-node}',
        ])
      ).trim(),
      node,
    );
    assert.strictEqual((await ok(['get', 'pvc', 'later', '-o', 'jsonpath={.status.phase}'])).trim(), 'Bound');
    // the other nodes are emptier, but the volume lives on this one
    await ok(['apply', '-f', '-'], pod('same-claim'));
    assert.strictEqual(await waitScheduled('same-claim'), node);
    await deleteAll();
    await ok(['delete', 'pvc', 'later', '--wait=false']);
  });

  it('does not give one host port to two pods on a node', async () => {
    const port = '  hostNetwork: false\n';
    const spec = (n: string) =>
      podManifest(n, { labels: { app: 'port' } }).replace(
        '    resources:',
        '    ports:\n    - {containerPort: 80, hostPort: 8080}\n    resources:',
      ) + port;
    await ok(['apply', '-f', '-'], ['port-0', 'port-1', 'port-2', 'port-3'].map(spec).join('---\n'));
    const placed = await until(
      async () => {
        const p = await placement('app=port');
        return [...p.values()].filter(Boolean).length === 3 ? p : undefined;
      },
      15_000,
      'three placed',
    );
    assert.strictEqual(new Set([...placed.values()].filter(Boolean)).size, 3);
    const waiting = [...placed.entries()].find(([, n]) => !n)![0];
    assert.match(
      await waitUnschedulable(waiting),
      /^0\/3 nodes are available: 3 node\(s\) didn't have free ports for the requested pod ports\. /,
    );
  });
});
