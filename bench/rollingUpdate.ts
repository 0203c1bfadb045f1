// Failed requests during rolling updates on the container engine (goal: none): the 10-replica Deployment of
// rollingUpdateWorkload.ts behind a NodePort, updated ROUNDS times with `kubectl set env` while the bounded load
// generator sends requests through 127.0.0.1:<nodePort>, a new connection each (so every request is balanced anew).
// Prints per rollout: its duration, requests, failures (with reasons), requests/s, p50/p99 and which versions answered.
// Usage: npm run build && node out/bench/rollingUpdate.js [ROUNDS=2] [REQUESTS_PER_SECOND=200]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { findEngine } from '../cluster/runtime/container/engine';
import { ensureShellImage, SHELL_IMAGE } from '../test/helpers/containerEngine';
import { runKubectl } from '../test/helpers/testCluster';
import { loadAverage, startClusterProcess } from './clusterProcess';
import { startLoad } from './loadGenerator';
import { answerVersion, ROLLING_REPLICAS, rollingUpdateManifests } from './rollingUpdateWorkload';

/** kubectl ARGS against the cluster (its HOME and caches in the benchmark's folder), which must succeed. */
async function kubectl(kubeconfig: string, dir: string, args: string[], input?: string): Promise<string> {
  const r = await runKubectl(kubeconfig, dir, args, { input, timeoutMs: 300_000 });
  if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

async function main(): Promise<void> {
  const [rounds = 2, rate = 200] = process.argv.slice(2).map(Number);
  const engine = await findEngine();
  await ensureShellImage(engine);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-rollout-'));
  const state = path.join(dir, 'state');
  console.log(`engine ${engine.name}://${engine.version}; ${loadAverage()}`);
  const c = await startClusterProcess({ state, args: ['cluster', '--nodes', '1', '--runtime', 'container'] });
  const kubeconfig = path.join(state, 'kubeconfig');
  try {
    await kubectl(kubeconfig, dir, ['apply', '-f', '-'], rollingUpdateManifests(SHELL_IMAGE));
    await kubectl(kubeconfig, dir, ['rollout', 'status', 'deployment/roll', '--timeout=300s']);
    const svc = JSON.parse(await kubectl(kubeconfig, dir, ['get', 'svc', 'roll', '-o', 'json']));
    const url = `http://127.0.0.1:${svc.spec.ports[0].nodePort}/`;
    console.log(`${ROLLING_REPLICAS} replicas, maxUnavailable 0, maxSurge 3; load ≤ ${rate} requests/s, 4 at a time`);
    for (let round = 1; round <= rounds; round++) {
      const version = `v${round + 1}`;
      const load = startLoad({ url, concurrency: 4, ratePerSecond: rate, classify: answerVersion });
      const started = performance.now();
      try {
        await kubectl(kubeconfig, dir, ['set', 'env', 'deployment/roll', `VERSION=${version}`]);
        await kubectl(kubeconfig, dir, ['rollout', 'status', 'deployment/roll', '--timeout=300s']);
      } finally {
        const seconds = (performance.now() - started) / 1000;
        const r = await load.stop();
        const reasons = r.failed ? ` (${JSON.stringify(r.failures)})` : '';
        console.log(
          `  rollout to ${version}: ${seconds.toFixed(1)} s; ${r.requests} requests, ${r.failed} failed${reasons}; ` +
            `${r.requestsPerSecond.toFixed(0)} req/s, p50 ${r.latencyMs.p50.toFixed(1)} ms, ` +
            `p99 ${r.latencyMs.p99.toFixed(1)} ms; answers ${JSON.stringify(r.answers)}; ${loadAverage()}`,
        );
      }
    }
  } finally {
    await c.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
