// Pods on the container engine: created → Ready for N pods of a local image (imagePullPolicy Never), created all
// at once on one node, measured from each pod's creationTimestamp to its Ready condition as the watch reports it.
// Needs an engine (DOCKER_HOST or the usual sockets) and busybox-static for the image.
// Usage: npm run build && node out/bench/containers.js [PODS]
import * as path from 'path';
import { startCluster } from '../cluster/embeddedCluster';
import { ApiClient } from '../kubeclient/apiClient';
import { engineOrSkip, ensureShellImage, SHELL_IMAGE } from '../test/helpers/containerEngine';
import { tempDir } from '../test/helpers/testCluster';
import type { Pod } from 'kubernetes-types/core/v1';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 20);
  const engine = await engineOrSkip({ skip: () => process.exit(1) } as never);
  await ensureShellImage(engine);
  const started = Date.now();
  const c = await startCluster({
    stateDir: path.join(tempDir('slipway-bench-ctr-'), 'state'),
    nodes: 1,
    runtime: 'container',
  });
  await c.controllersReady;
  console.log(`cluster on ${c.runtime} ready in ${Date.now() - started} ms`);
  const client = ApiClient.forCluster({ server: c.url, token: c.token, ca: c.caCert });
  const readyAt = new Map<string, number>();
  const created = new Map<string, number>();
  const done = new Promise<void>((resolve) => {
    const poll = setInterval(async () => {
      const list = await client.get('/api/v1/namespaces/default/pods');
      for (const p of list.items as Pod[]) {
        const ready = p.status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
        if (ready && !readyAt.has(p.metadata!.name!)) readyAt.set(p.metadata!.name!, Date.now());
      }
      if (readyAt.size >= count) {
        clearInterval(poll);
        resolve();
      }
    }, 20);
  });
  await Promise.all(
    Array.from({ length: count }, async (_, i) => {
      const name = `bench-${i}`;
      created.set(name, Date.now());
      await client.create('/api/v1/namespaces/default/pods', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'main', image: SHELL_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
        },
      });
    }),
  );
  await done;
  const times = [...readyAt].map(([n, t]) => t - created.get(n)!).sort((a, b) => a - b);
  console.log(
    `${count} pods created → Ready: p50 ${percentile(times, 50)} ms, p99 ${percentile(times, 99)} ms, ` +
      `max ${times[times.length - 1]} ms; all Ready ` +
      `${Math.max(...readyAt.values()) - Math.min(...created.values())} ms after the first create`,
  );
  const stopStarted = Date.now();
  await c.stop();
  console.log(`cluster stopped, its ${count * 2} containers removed, in ${Date.now() - stopStarted} ms`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
