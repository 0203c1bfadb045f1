// A syncer in a process of its own, for tests that kill it: `node syncerProcess.js` with SLIPWAY_TEST_SYNCER set to
// JSON { kubeconfig, stateDir, identity, leaseDurationMs, renewMs, retryMs }. Prints its log, one line each, and
// "started leader=<bool>" once it has taken part in the first election; stops on SIGTERM.
import { ApplicationController } from '../../../syncer/applicationController';
import { kubeConfigClient, loadKubeConfig } from '../../../kubeclient/kubeConfig';

async function main(): Promise<void> {
  const o = JSON.parse(process.env.SLIPWAY_TEST_SYNCER ?? '{}');
  const client = kubeConfigClient(loadKubeConfig(o.kubeconfig));
  const controller = new ApplicationController({
    client,
    stateDir: o.stateDir,
    log: (app, line) => process.stdout.write(`[${app}] ${line}\n`),
    leaderElection: {
      identity: o.identity,
      leaseDurationMs: o.leaseDurationMs,
      renewMs: o.renewMs,
      retryMs: o.retryMs,
    },
  });
  await controller.start();
  process.stdout.write(`started leader=${controller.isLeader}\n`);
  process.on('SIGTERM', () => {
    void controller.stop().then(() => {
      client.close();
      process.exit(0);
    });
  });
}

main().catch((e) => {
  process.stderr.write(`${(e as Error).stack}\n`);
  process.exit(1);
});
