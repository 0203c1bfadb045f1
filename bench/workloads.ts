// Benchmarks of the embedded cluster's controllers, scheduler and kubelets (nodes take 4,000 pods each
// instead of the default 110, so 10,000 pods fit on 3 nodes). Prints figures;
// bench/RESULTS.md records them.
//   node out/bench/workloads.js [pods|rollout|scheduler|all] [deployments=1000] [replicas=10]
// SLIPWAY_CPU_PROF=DIR writes a CPU profile of the cluster process into DIR (node --cpu-prof).
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { rssMiB, startClusterProcess, type ClusterProcess } from './clusterProcess';
import { until } from './until';

/** Three nodes taking 4,000 pods each, with a larger heap; SLIPWAY_CPU_PROF=DIR profiles the cluster process. */
function startCluster(state: string): Promise<ClusterProcess> {
  const prof = process.env.SLIPWAY_CPU_PROF
    ? ['--cpu-prof', `--cpu-prof-dir=${path.resolve(process.env.SLIPWAY_CPU_PROF)}`]
    : [];
  return startClusterProcess({
    state,
    args: ['cluster', '--nodes', '3', '--max-pods', '4000'],
    nodeArgs: ['--max-old-space-size=4096', ...prof],
  });
}

/** CPU seconds (user + system) a process has used so far: on shared, loaded cores a steadier figure than wall time. */
function cpuSeconds(pid: number): number {
  const fields = fs
    .readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /, '')
    .split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function deployment(name: string, replicas: number, image = 'nginx:1.27', extra: any = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, labels: { bench: 'yes' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name } },
        spec: { containers: [{ name: 'app', image, resources: { requests: { cpu: '1m', memory: '1Mi' } } }] },
      },
      ...extra,
    },
  };
}

/** Milliseconds until check holds, polled every 200 ms. */
async function waitFor(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<number> {
  const t0 = Date.now();
  await until(what, async () => ((await check()) ? true : undefined), timeoutMs);
  return Date.now() - t0;
}

async function pods(deployments: number, replicas: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-'));
  const loadBefore = os.loadavg();
  const c = await startCluster(dir);
  const clients = Array.from({ length: 8 }, () => c.client());
  let peak = rssMiB(c.pid);
  const sampler = setInterval(() => {
    peak = Math.max(peak, rssMiB(c.pid));
  }, 250);
  const total = deployments * replicas;
  // the Deployments' availableReplicas as a watch reports them (as kubectl rollout status follows them),
  // so that observing costs the cluster one watch rather than a list of every Deployment several times a second
  const available = new Map<string, number>();
  let lastAvailable = 0;
  let allAvailable!: () => void;
  const done = new Promise<void>((r) => {
    allAvailable = r;
  });
  const watch = clients[0].watch(
    '/apis/apps/v1/namespaces/default/deployments',
    {},
    (type, d) => {
      if (type === 'BOOKMARK' || type === 'ERROR') return;
      if (type === 'DELETED') available.delete(d.metadata.name);
      else available.set(d.metadata.name, d.status?.availableReplicas ?? 0);
      lastAvailable = 0;
      for (const n of available.values()) lastAvailable += n;
      if (available.size === deployments && lastAvailable === total) allAvailable();
    },
    (err) => console.log(`  watch ended early: ${err?.message ?? 'closed by the server'}`),
  );
  const t0 = Date.now();
  const cpu0 = cpuSeconds(c.pid);
  let next = 0;
  await Promise.all(
    clients.map(async (cl) => {
      while (next < deployments) {
        const i = next++;
        await cl.create('/apis/apps/v1/namespaces/default/deployments', deployment(`d${i}`, replicas));
      }
    }),
  );
  const created = Date.now() - t0;
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    done,
    new Promise<void>((r) => {
      timer = setTimeout(() => {
        console.log(`  stopped after 600 s; ${lastAvailable}/${total} pods available`);
        r();
      }, 600_000);
    }),
  ]);
  clearTimeout(timer);
  watch.stop();
  const elapsed = Date.now() - t0;
  const cpu = cpuSeconds(c.pid) - cpu0;
  clearInterval(sampler);
  const podList = await clients[0].list('/api/v1/namespaces/default/pods');
  const perNode = new Map<string, number>();
  for (const p of podList.items)
    perNode.set(p.spec.nodeName ?? '<none>', (perNode.get(p.spec.nodeName ?? '<none>') ?? 0) + 1);
  console.log(`pods: ${deployments} Deployments × ${replicas} replicas = ${total} pods on 3 nodes`);
  console.log(
    `  all Available after ${(elapsed / 1000).toFixed(1)} s (creates done after ${(created / 1000).toFixed(1)} s); cluster process CPU ${cpu.toFixed(1)} s; peak RSS ${peak.toFixed(0)} MiB`,
  );
  console.log(`  pods per node: ${[...perNode.entries()].map(([n, k]) => `${n}=${k}`).join(', ')}`);
  const fmt = (l: number[]) => l.map((x) => x.toFixed(2)).join(' ');
  console.log(`  load average (1/5/15 min) before: ${fmt(loadBefore)}; at the end: ${fmt(os.loadavg())}`);
  for (const cl of clients) cl.close();
  await c.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

async function rollout(replicas = 100): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-'));
  const c = await startCluster(dir);
  const cl = c.client();
  const path_ = '/apis/apps/v1/namespaces/default/deployments';
  await cl.create(path_, deployment('big', replicas));
  const ready = (gen: number) => async () => {
    const d = await cl.get(`${path_}/big`);
    const s = d.status ?? {};
    return (
      (s.observedGeneration ?? 0) >= gen &&
      s.updatedReplicas === replicas &&
      s.availableReplicas === replicas &&
      (s.replicas ?? 0) === replicas
    );
  };
  const first = await waitFor('first rollout', ready(1), 300_000);
  const t0 = Date.now();
  await cl.patch(
    `${path_}/big`,
    { spec: { template: { spec: { containers: [{ name: 'app', image: 'nginx:1.28' }] } } } },
    'strategic',
  );
  const update = await waitFor('rolling update', ready(2), 300_000);
  console.log(
    `rollout: ${replicas}-replica Deployment: first rollout ${(first / 1000).toFixed(1)} s; rolling update (25%/25%) to a new image ${((Date.now() - t0) / 1000).toFixed(1)} s (${update} ms polled)`,
  );
  cl.close();
  await c.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

async function scheduler(count = 3000): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-'));
  const c = await startCluster(dir);
  const clients = Array.from({ length: 8 }, () => c.client());
  // bare pods, so the figure is the scheduler's: created first, then timed until every one is bound
  let next = 0;
  const t0 = Date.now();
  await Promise.all(
    clients.map(async (cl) => {
      while (next < count) {
        const i = next++;
        await cl.create('/api/v1/namespaces/default/pods', {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `p${i}` },
          spec: { containers: [{ name: 'app', image: 'nginx:1.27', resources: { requests: { cpu: '1m' } } }] },
        });
      }
    }),
  );
  const createdAt = Date.now();
  await waitFor(
    'all pods bound',
    async () => {
      const list = await clients[0].list('/api/v1/namespaces/default/pods');
      return list.items.filter((p: any) => p.spec.nodeName).length === count;
    },
    300_000,
  );
  const secs = (Date.now() - t0) / 1000;
  console.log(
    `scheduler: ${count} pods created in ${((createdAt - t0) / 1000).toFixed(1)} s and all bound after ${secs.toFixed(1)} s from the first create: ${(count / secs).toFixed(0)} pods/s end to end`,
  );
  for (const cl of clients) cl.close();
  await c.stop();
  fs.rmSync(dir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  const which = process.argv[2] ?? 'all';
  const deployments = Number(process.argv[3] ?? 1000);
  const replicas = Number(process.argv[4] ?? 10);
  console.log(
    `# Slipway workload benchmarks — ${os.cpus().length} cores, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}`,
  );
  if (which === 'scheduler' || which === 'all') await scheduler();
  if (which === 'rollout' || which === 'all') await rollout();
  if (which === 'pods' || which === 'all') await pods(deployments, replicas);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
