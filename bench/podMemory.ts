// Memory of the cluster process per running pod: `slipway cluster` (one node) as its own process, its RSS once
// settled with no pod, then with N pods of one Deployment Running and Ready, settled again; (after − before) / N.
// On the container engine the pods run a local busybox image (imagePullPolicy Never); on the simulated runtime the
// same Deployment runs nothing. The engine's own processes (conmon, runc) are not the cluster's and not counted.
// Usage: npm run build && node out/bench/podMemory.js [CONTAINER_PODS=50] [SIMULATED_PODS=1000]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Deployment } from 'kubernetes-types/apps/v1';
import { findEngine } from '../cluster/runtime/container/engine';
import { ensureShellImage, SHELL_IMAGE } from '../test/helpers/containerEngine';
import { loadAverage, rssMiB, startClusterProcess, untilPodsAdmitted } from './clusterProcess';
import { median } from './lsp/stats';

/** RSS once it stops moving much: the median of 5 readings a second apart. */
async function settledRss(pid: number): Promise<number> {
  const readings: number[] = [];
  for (let i = 0; i < 5; i++) {
    await new Promise((r) => setTimeout(r, 1000));
    readings.push(rssMiB(pid));
  }
  return median(readings);
}

function deployment(replicas: number, runtime: 'simulated' | 'container'): Deployment {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'mem', namespace: 'default' },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'mem' } },
      template: {
        metadata: { labels: { app: 'mem' } },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [
            {
              name: 'main',
              image: SHELL_IMAGE,
              // a simulated node has pulled nothing, so Never would be ErrImageNeverPull there
              imagePullPolicy: runtime === 'container' ? 'Never' : 'IfNotPresent',
              command: ['sleep', '3600'],
            },
          ],
        },
      },
    },
  };
}

async function measure(runtime: 'simulated' | 'container', pods: number): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-mem-'));
  const c = await startClusterProcess({
    state: path.join(dir, 'state'),
    args: ['cluster', '--nodes', '1', '--max-pods', String(pods + 10), '--runtime', runtime, '--ingress-port', '0'],
  });
  try {
    const client = c.client();
    await untilPodsAdmitted(client);
    const before = await settledRss(c.pid);
    const started = Date.now();
    await client.create('/apis/apps/v1/namespaces/default/deployments', deployment(pods, runtime));
    for (;;) {
      const d: Deployment = await client.get('/apis/apps/v1/namespaces/default/deployments/mem');
      if ((d.status?.readyReplicas ?? 0) >= pods) break;
      if (Date.now() - started > 600_000) throw new Error(`only ${d.status?.readyReplicas ?? 0} of ${pods} pods Ready`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const running = (Date.now() - started) / 1000;
    const after = await settledRss(c.pid);
    client.close();
    console.log(
      `${runtime.padEnd(9)} ${pods} pods Ready in ${running.toFixed(1)} s: cluster RSS ${before.toFixed(0)} → ` +
        `${after.toFixed(0)} MiB, ${(((after - before) * 1024) / pods).toFixed(0)} KiB per running pod; ${loadAverage()}`,
    );
  } finally {
    await c.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const [containerPods = 50, simulatedPods = 1000] = process.argv.slice(2).map(Number);
  await measure('simulated', simulatedPods);
  const engine = await findEngine().catch(() => undefined);
  if (!engine) return console.log('no container engine answered: the simulated runtime only');
  await ensureShellImage(engine);
  await measure('container', containerPods);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
