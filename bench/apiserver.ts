// Benchmarks of the embedded cluster's control plane. Prints figures; bench/RESULTS.md records them.
//   node out/bench/apiserver.js [startup|writes|list|watch|rss|all]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { rssMiB, startClusterProcess, type ClusterProcess } from './clusterProcess';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const ms = (n: number) => `${n.toFixed(1)} ms`;

/** `slipway cluster` with its defaults (three nodes). */
function startCluster(state: string): Promise<ClusterProcess> {
  return startClusterProcess({ state, args: ['cluster'] });
}

/** From the spawn to the first 200 from /readyz, as a client would see it. */
const readyMs = (c: ClusterProcess) => c.readyAt - c.spawnedAt;

function freshState(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-'));
}

async function startup(): Promise<void> {
  const runs = 10;
  const first: number[] = [];
  const warm: number[] = [];
  for (let i = 0; i < runs; i++) {
    const dir = freshState();
    const c = await startCluster(dir);
    first.push(readyMs(c));
    await c.stop();
    const again = await startCluster(dir);
    warm.push(readyMs(again));
    await again.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  first.sort((a, b) => a - b);
  warm.sort((a, b) => a - b);
  console.log(`startup → /readyz 200, process spawn included (${runs} runs each)`);
  console.log(
    `  first start (new state: CA, certificate, token): median ${ms(percentile(first, 50))}, max ${ms(first[first.length - 1])}`,
  );
  console.log(
    `  restart (existing state):                      median ${ms(percentile(warm, 50))}, max ${ms(warm[warm.length - 1])}`,
  );
}

async function writes(c: ClusterProcess, total = 10_000, concurrency = 16): Promise<void> {
  const clients = Array.from({ length: concurrency }, () => c.client());
  const lat: number[] = [];
  let next = 0;
  const t0 = process.hrtime.bigint();
  await Promise.all(
    clients.map(async (client) => {
      while (next < total) {
        const i = next++;
        const s = process.hrtime.bigint();
        await client.create('/api/v1/namespaces/default/configmaps', {
          metadata: { name: `cm-${i}`, labels: { bench: 'yes', shard: String(i % 10) } },
          data: { key: 'x'.repeat(200), index: String(i) },
        });
        lat.push(Number(process.hrtime.bigint() - s) / 1e6);
      }
    }),
  );
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  lat.sort((a, b) => a - b);
  console.log(`creates: ${total} ConfigMaps from ${concurrency} concurrent clients (each fsynced before the reply)`);
  console.log(
    `  ${(total / secs).toFixed(0)} writes/s; latency p50 ${ms(percentile(lat, 50))}, p99 ${ms(percentile(lat, 99))}, max ${ms(lat[lat.length - 1])}`,
  );
  for (const cl of clients) cl.close();
}

async function list(c: ClusterProcess): Promise<void> {
  const client = c.client();
  const times: number[] = [];
  let count = 0;
  let bytes = 0;
  for (let i = 0; i < 5; i++) {
    const s = process.hrtime.bigint();
    const l = await client.list('/api/v1/namespaces/default/configmaps');
    times.push(Number(process.hrtime.bigint() - s) / 1e6);
    count = l.items.length;
    bytes = JSON.stringify(l).length;
  }
  times.sort((a, b) => a - b);
  const sel: number[] = [];
  for (let i = 0; i < 5; i++) {
    const s = process.hrtime.bigint();
    await client.list('/api/v1/namespaces/default/configmaps', { labelSelector: 'shard=3' });
    sel.push(Number(process.hrtime.bigint() - s) / 1e6);
  }
  sel.sort((a, b) => a - b);
  console.log(
    `list: ${count} objects (${(bytes / 1e6).toFixed(1)} MB JSON): median ${ms(percentile(times, 50))}; with labelSelector (1/10 match): median ${ms(percentile(sel, 50))}`,
  );
  client.close();
}

const WATCH_PREFIX = 'w-';

async function watchers(c: ClusterProcess, n = 50, events = 1000): Promise<void> {
  const client = c.client();
  await client.create('/api/v1/namespaces', { metadata: { name: 'watch-bench' } });
  const rv = (await client.list('/api/v1/namespaces/watch-bench/configmaps')).metadata.resourceVersion;
  const watchClients = Array.from({ length: n }, () => c.client());
  const received = new Array(n).fill(0);
  const sentAt = new Map<string, bigint>();
  const delays: number[] = [];
  let done!: () => void;
  const allDone = new Promise<void>((r) => (done = r));
  let finished = 0;
  const streams = watchClients.map((wc, i) =>
    wc.watch(
      '/api/v1/namespaces/watch-bench/configmaps',
      { resourceVersion: rv },
      (type, obj) => {
        // only the benchmark's own objects count: the namespace's kube-root-ca.crt ConfigMap arrives too
        if (type !== 'ADDED' || !obj.metadata.name.startsWith(WATCH_PREFIX)) return;
        const s = sentAt.get(obj.metadata.name);
        if (s) delays.push(Number(process.hrtime.bigint() - s) / 1e6);
        if (++received[i] === events && ++finished === n) done();
      },
      () => undefined,
    ),
  );
  await new Promise((r) => setTimeout(r, 300));
  const t0 = process.hrtime.bigint();
  let next = 0;
  const writers = Array.from({ length: 8 }, () => c.client());
  await Promise.all(
    writers.map(async (w) => {
      while (next < events) {
        const name = `${WATCH_PREFIX}${next++}`;
        sentAt.set(name, process.hrtime.bigint());
        await w.create('/api/v1/namespaces/watch-bench/configmaps', { metadata: { name }, data: { a: 'b' } });
      }
    }),
  );
  await allDone;
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  delays.sort((a, b) => a - b);
  console.log(
    `watch: ${n} watchers × ${events} events = ${n * events} deliveries, all received in ${secs.toFixed(2)} s`,
  );
  console.log(
    `  create → event delivered: p50 ${ms(percentile(delays, 50))}, p99 ${ms(percentile(delays, 99))}; watchers short of ${events}: ${received.filter((r) => r < events).length}`,
  );
  for (const s of streams) s.stop();
  for (const w of [...watchClients, ...writers, client]) w.close();
}

async function rss(total = 100_000): Promise<void> {
  const dir = freshState();
  const c = await startCluster(dir);
  const base = rssMiB(c.pid);
  const clients = Array.from({ length: 16 }, () => c.client());
  let next = 0;
  const t0 = Date.now();
  await Promise.all(
    clients.map(async (client) => {
      while (next < total) {
        const i = next++;
        await client.create('/api/v1/namespaces/default/configmaps', {
          metadata: { name: `obj-${i}`, labels: { app: 'bench' } },
          data: { index: String(i), payload: 'p'.repeat(100) },
        });
      }
    }),
  );
  const loadSecs = (Date.now() - t0) / 1000;
  if (global.gc) global.gc();
  await new Promise((r) => setTimeout(r, 2000));
  const after = rssMiB(c.pid);
  const onDisk = dirSize(path.join(dir, 'store'));
  await c.stop();
  const restart = await startCluster(dir);
  const restartRss = rssMiB(restart.pid);
  console.log(`rss: ${total} ConfigMaps (~0.6 KB each as stored) loaded in ${loadSecs.toFixed(1)} s`);
  console.log(
    `  RSS empty ${base.toFixed(0)} MiB → ${after.toFixed(0)} MiB with ${total} objects; store on disk ${(onDisk / 2 ** 20).toFixed(0)} MiB`,
  );
  console.log(`  restart with ${total} objects → /readyz in ${ms(readyMs(restart))}, RSS ${restartRss.toFixed(0)} MiB`);
  await restart.stop();
  for (const cl of clients) cl.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

function dirSize(dir: string): number {
  let n = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    n += e.isDirectory() ? dirSize(p) : fs.statSync(p).size;
  }
  return n;
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'all';
  console.log(
    `# Slipway API server benchmarks — ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  );
  if (which === 'startup' || which === 'all') await startup();
  if (['writes', 'list', 'watch', 'all'].includes(which)) {
    const dir = freshState();
    const c = await startCluster(dir);
    try {
      if (which === 'writes' || which === 'list' || which === 'all') await writes(c);
      if (which === 'list' || which === 'all') await list(c);
      if (which === 'watch' || which === 'all') await watchers(c);
    } finally {
      await c.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (which === 'rss' || which === 'all') await rss();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
