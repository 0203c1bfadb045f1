// Pods on the container engine: created → Ready for N pods of a local image (imagePullPolicy Never) on one node,
// from the create request to the Ready condition as a watch reports it, and where each pod's start goes (the
// cluster's engine calls timed through a recording proxy, engineTrace.ts). The cluster runs as its own process
// (`slipway cluster --runtime container`), as a user runs it. Pods go one after another (each created when the
// one before is Ready: the latency of one pod start) or, with --burst, all at once (the engine's queue).
// Needs an engine (DOCKER_HOST or the usual sockets) and busybox-static for the image.
// Usage: npm run build && node out/bench/containers.js [PODS=100] [--burst] [--probe]
//   --probe: each pod's container serves HTTP (busybox httpd) with an httpGet readiness probe
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { Pod } from 'kubernetes-types/core/v1';
import { findEngine } from '../cluster/runtime/container/engine';
import { ensureShellImage, SHELL_IMAGE } from '../test/helpers/containerEngine';
import { ClusterProcess, loadAverage, startClusterProcess, untilPodsAdmitted } from './clusterProcess';
import { EngineCall, traceEngine } from './engineTrace';
import { percentile } from './lsp/stats';
import { callLatency, notePod, phaseTable, podPhases, PodSeen } from './podStartPhases';

function podManifest(name: string, probe: boolean): Pod {
  const container = probe
    ? {
        command: ['sh', '-c', 'echo ok >/tmp/index.html && exec httpd -f -p 8080 -h /tmp'],
        readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 1 },
      }
    : { command: ['sleep', '3600'] };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default' },
    spec: {
      terminationGracePeriodSeconds: 1,
      containers: [{ name: 'main', image: SHELL_IMAGE, imagePullPolicy: 'Never', ...container }],
    },
  };
}

/** Starts the pods, one after another or all at once, and prints their times and where they went. */
async function measure(
  cluster: ClusterProcess,
  calls: EngineCall[],
  count: number,
  burst: boolean,
  probe: boolean,
): Promise<void> {
  const client = cluster.client();
  console.log(`cluster process ready in ${(cluster.readyAt - cluster.spawnedAt).toFixed(0)} ms`);
  await untilPodsAdmitted(client);

  const seen = new Map<string, PodSeen>();
  const waiters = new Map<string, () => void>();
  const watch = client.watch(
    '/api/v1/namespaces/default/pods',
    {},
    (_type, pod: Pod) => {
      const s = seen.get(pod.metadata!.name!);
      notePod(s, pod);
      if (s?.ready !== undefined) waiters.get(s.name)?.();
    },
    () => undefined,
  );
  const startPod = async (i: number) => {
    const name = `bench-${i}`;
    const ready = new Promise<void>((resolve, reject) => {
      const late = setTimeout(() => reject(new Error(`${name} not Ready after 120 s`)), 120_000);
      waiters.set(name, () => {
        clearTimeout(late);
        resolve();
      });
    });
    seen.set(name, { name, namespace: 'default', created: performance.now() });
    await client.create('/api/v1/namespaces/default/pods', podManifest(name, probe));
    await ready;
  };
  const t0 = performance.now();
  if (burst) await Promise.all(Array.from({ length: count }, (_, i) => startPod(i)));
  else for (let i = 0; i < count; i++) await startPod(i);
  const wall = performance.now() - t0;
  watch.stop();
  client.close();

  const pods = [...seen.values()];
  const times = pods.map((p) => p.ready! - p.created);
  const how = burst ? 'created at once' : 'one after another';
  console.log(
    `${count} pods ${how}${probe ? ', httpGet readiness probe (periodSeconds 1)' : ''}: created → Ready ` +
      `p50 ${percentile(times, 50).toFixed(0)} ms, p99 ${percentile(times, 99).toFixed(0)} ms, ` +
      `max ${Math.max(...times).toFixed(0)} ms; all Ready in ${(wall / 1000).toFixed(1)} s; ${loadAverage()}`,
  );
  if (!burst && count >= 20) {
    // the engine slows as containers pile up (and as the shared machine's load moves): the first and last tenth
    const tenth = Math.floor(count / 10);
    const p50 = (list: number[]) => percentile(list, 50).toFixed(0);
    console.log(
      `  p50 of the first ${tenth} pods ${p50(times.slice(0, tenth))} ms, of the last ${tenth} ${p50(times.slice(-tenth))} ms`,
    );
  }
  const phases = pods.map((p) => podPhases(p, calls)).filter((p) => p !== undefined);
  console.log(`where the time goes (${phases.length} pods with every step traced):`);
  for (const line of phaseTable(phases)) console.log(line);
  const images = callLatency(calls, (c) => c.method === 'GET' && /^\/images\/.+\/json$/.test(c.path));
  console.log(`  image lookups: ${images}`);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const count = Number(args.find((a) => /^\d+$/.test(a)) ?? 100);
  const burst = args.includes('--burst');
  const probe = args.includes('--probe');
  const engine = await findEngine();
  await ensureShellImage(engine);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-ctr-'));
  const trace = await traceEngine(engine.address, dir);
  console.log(`engine ${engine.name}://${engine.version}; ${loadAverage()}`);
  const cluster = await startClusterProcess({
    state: path.join(dir, 'state'),
    args: ['cluster', '--nodes', '1', '--runtime', 'container', '--ingress-port', '0'],
    env: { ...process.env, DOCKER_HOST: trace.address },
  });
  try {
    await measure(cluster, trace.calls, count, burst, probe);
  } catch (e) {
    await cluster.stop();
    await trace.close();
    throw e;
  }
  const stopStarted = performance.now();
  await cluster.stop();
  console.log(
    `cluster stopped (its ${count * 2} containers removed) in ${(performance.now() - stopStarted).toFixed(0)} ms`,
  );
  const removals = (c: EngineCall) =>
    c.method === 'DELETE' && c.path.startsWith('/containers/') && c.start >= stopStarted;
  console.log(`  container removals: ${callLatency(trace.calls, removals)}`);
  await trace.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
