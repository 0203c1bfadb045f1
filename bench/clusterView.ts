// The Cluster view's model with many pods: the embedded cluster runs in a child process (as the extension runs
// it); this process is the extension's side, connected over HTTPS with the shared informers and the tree model.
// Measures building a namespace node with 1,000 pods, a pod's change reaching the tree (through the API, the
// watch and the 50 ms gathering of changes), and the memory the models hold with 5,000 pods.
//   node --expose-gc out/bench/clusterView.js [pods=5000] [perNamespace=1000]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { connectionOver } from '../client/connection/clusterConnection';
import { ClusterTreeModel, type PinStore } from '../client/cluster/clusterTreeModel';
import type { TreeNode } from '../client/cluster/treeNode';
import { startClusterProcess } from './clusterProcess';

/** A pod no scheduler or kubelet takes (its scheduler does not exist), given a Running status by hand. */
function pod(namespace: string, i: number) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `web-${String(i).padStart(5, '0')}`, namespace, labels: { app: 'web', shard: String(i % 10) } },
    spec: { schedulerName: 'bench-nobody', containers: [{ name: 'web', image: 'nginx:1.27' }] },
  };
}

function runningStatus(restarts: number) {
  return {
    phase: 'Running',
    podIP: '10.244.1.7',
    conditions: [{ type: 'Ready', status: 'True' }],
    containerStatuses: [
      {
        name: 'web',
        image: 'nginx:1.27',
        imageID: '',
        ready: true,
        started: true,
        restartCount: restarts,
        state: { running: { startedAt: '2026-12-06T07:00:00Z' } },
      },
    ],
  };
}

async function inBatches<T>(items: T[], width: number, fn: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}

const gc = () => (global as { gc?: () => void }).gc?.();
const mib = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
function memory(): { rss: number; heap: number } {
  gc();
  gc();
  const m = process.memoryUsage();
  return { rss: m.rss, heap: m.heapUsed + m.external + m.arrayBuffers };
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 5000);
  const perNamespace = Number(process.argv[3] ?? 1000);
  if (!(global as { gc?: unknown }).gc) console.log('(run with --expose-gc for steadier memory figures)');
  const state = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-tree-'));
  const cluster = await startClusterProcess({ state: path.join(state, 'state'), args: ['cluster', '--nodes', '1'] });
  const api = cluster.client();
  try {
    const namespaces = Array.from({ length: Math.ceil(total / perNamespace) }, (_, i) => `shard-${i}`);
    for (const ns of namespaces)
      await api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const pods = Array.from({ length: total }, (_, i) => pod(namespaces[Math.floor(i / perNamespace)], i));
    let t0 = Date.now();
    await inBatches(pods, 32, async (p) => {
      const base = `/api/v1/namespaces/${p.metadata.namespace}/pods`;
      const created = await api.create(base, p);
      await api.update(`${base}/${p.metadata.name}/status`, { ...created, status: runningStatus(0) });
    });
    console.log(
      `${total} pods created with a Running status in ${namespaces.length} namespaces: ${Date.now() - t0} ms`,
    );

    const idle = memory();
    const connection = connectionOver(api, 'bench');
    let pins: readonly string[] = [];
    const store: PinStore = { get: () => pins, set: (p) => void (pins = p) };
    const model = new ClusterTreeModel(connection, store);
    const changes: ((n: TreeNode[] | undefined) => void)[] = [];
    model.onDidChange((c) => changes.forEach((l) => l(c)));

    t0 = Date.now();
    model.children();
    await model.synced();
    const root = () => model.children();
    const nsNode = (ns: string) => root().find((n) => n.label === ns)!;
    for (const ns of namespaces) model.children(nsNode(ns));
    await model.synced();
    console.log(`every informer of the tree listed (${total} pods): ${Date.now() - t0} ms`);

    // building the namespace node and its 1,000 pods, as expanding it asks: the namespace's groups, then the pods
    const expand = (ns: string) => {
      const start = performance.now();
      const groups = model.children(nsNode(ns));
      const podsGroup = groups.find((g) => g.label === 'Pods')!;
      const items = model.children(podsGroup);
      if (items.length !== perNamespace) throw new Error(`expected ${perNamespace} pods, got ${items.length}`);
      return performance.now() - start;
    };
    const first = namespaces.map((ns) => expand(ns));
    const again = Array.from({ length: 20 }, () => expand(namespaces[0]));
    console.log(
      `namespace with ${perNamespace} pods built: first ${first[0].toFixed(1)} ms (max of ${namespaces.length} ` +
        `namespaces ${Math.max(...first).toFixed(1)} ms), again median ${median(again).toFixed(1)} ms, ` +
        `max ${Math.max(...again).toFixed(1)} ms`,
    );

    const loaded = memory();
    console.log(
      `memory with ${total} pods in the informers and ${total} pod elements built: ` +
        `RSS +${mib(loaded.rss - idle.rss)} MiB, heap+external +${mib(loaded.heap - idle.heap)} MiB above idle`,
    );

    // a pod's change, written through the API, until the tree says its element changed and shows the change
    const latencies: number[] = [];
    for (let i = 1; i <= 20; i++) {
      const target = pods[(i * 97) % total];
      const { namespace, name } = target.metadata;
      const id = `ns:${namespace}/pods/${name}`;
      const current = await api.get(`/api/v1/namespaces/${namespace}/pods/${name}`);
      const start = performance.now();
      const seen = new Promise<void>((resolve) => {
        const l = (c: TreeNode[] | undefined) => {
          const node = model.node(id);
          if (c?.includes(node!) && node!.description?.includes(`${i} restart`)) {
            changes.splice(changes.indexOf(l), 1);
            resolve();
          }
        };
        changes.push(l);
      });
      await api.update(`/api/v1/namespaces/${namespace}/pods/${name}/status`, {
        ...current,
        status: runningStatus(i),
      });
      await seen;
      latencies.push(performance.now() - start);
    }
    console.log(
      `a pod's change to its element refreshed (PUT status, watch, 50 ms gathering): median ` +
        `${median(latencies).toFixed(0)} ms, max ${Math.max(...latencies).toFixed(0)} ms (20 changes)`,
    );
    model.dispose();
    connection.close();
  } finally {
    api.close();
    await cluster.stop();
    fs.rmSync(state, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
