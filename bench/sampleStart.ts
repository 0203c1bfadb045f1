// From nothing to the sample running: `slipway up samples/guestbook` started on a fresh state folder (as `npm start`
// runs it, three nodes), timed from the process's spawn to the API server's /readyz, to the first pod of the sample
// Ready and to the app Healthy (every pod Ready), on the simulated runtime and on the container engine, alternately.
// On the engine the sample's images are stand-ins built and tagged here (test/helpers/guestbookImages.ts), so no
// pull is counted: this machine cannot pull public images.
// Usage: npm run build && node out/bench/sampleStart.js [RUNS=2]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import type { Pod } from 'kubernetes-types/core/v1';
import { findEngine } from '../cluster/runtime/container/engine';
import { tagGuestbookStandIns } from '../test/helpers/guestbookImages';
import { SAMPLE_DIR } from '../test/helpers/testCluster';
import { loadAverage, startClusterProcess } from './clusterProcess';

interface Timings {
  readyz: number;
  firstPodReady: number;
  healthy: number;
}

async function once(runtime: 'simulated' | 'container'): Promise<Timings> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-sample-'));
  const c = await startClusterProcess({
    state: path.join(dir, 'state'),
    args: ['up', SAMPLE_DIR, '--runtime', runtime, '--ingress-port', '0'],
  });
  try {
    const client = c.client();
    let firstReady: number | undefined;
    const readyPod = (p: Pod) =>
      p.metadata?.namespace === 'guestbook' &&
      p.status?.conditions?.some((x) => x.type === 'Ready' && x.status === 'True');
    const watch = client.watch(
      '/api/v1/pods',
      {},
      (_t, p: Pod) => {
        if (readyPod(p)) firstReady ??= performance.now();
      },
      () => undefined,
    );
    const deadline = Date.now() + 300_000;
    while (!/^guestbook: Synced \w+ · Healthy$/m.test(c.output())) {
      if (Date.now() > deadline) throw new Error(`the sample did not become Healthy:\n${c.output()}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    const healthy = performance.now();
    watch.stop();
    client.close();
    return {
      readyz: c.readyAt - c.spawnedAt,
      firstPodReady: firstReady! - c.spawnedAt,
      healthy: healthy - c.spawnedAt,
    };
  } finally {
    await c.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 2);
  const engine = await findEngine().catch(() => undefined);
  const standIns = engine && (await tagGuestbookStandIns(engine));
  if (engine && !standIns) throw new Error('the engine already has images of the sample: not replaced');
  const runtimes = engine ? (['simulated', 'container'] as const) : (['simulated'] as const);
  if (!engine) console.log('no container engine answered: the simulated runtime only');
  try {
    for (let i = 1; i <= runs; i++) {
      for (const runtime of runtimes) {
        const t = await once(runtime);
        const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
        console.log(
          `${runtime.padEnd(9)} run ${i}: /readyz ${s(t.readyz)}, first pod of the sample Ready ${s(t.firstPodReady)}, ` +
            `app Healthy ${s(t.healthy)} after spawn; ${loadAverage()}`,
        );
      }
    }
  } finally {
    await standIns?.untag();
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
