// A syncer (ApplicationController) on a real embedded cluster, talking to it over HTTPS as `slipway up` does:
// what the syncer test files start before their tests and stop after them.
import { APPLICATION_API_VERSION, APPLICATION_KIND } from '../../../kube/application';
import type { ClusterOptions } from '../../../cluster/embeddedCluster';
import { kubeConfigClient, loadKubeConfig } from '../../../kubeclient/kubeConfig';
import { ObjectClient } from '../../../kubeclient/objectClient';
import { ApplicationController, ControllerOptions } from '../../../syncer/applicationController';
import { startTestCluster, tempDir, TestCluster } from '../../helpers/testCluster';
import { removeScratchDirs } from './gitRepo';

export interface SyncerHarness {
  t: TestCluster;
  client: ObjectClient;
  controller: ApplicationController;
  /** every line the syncer logged, prefixed [app] */
  logs: string[];
  stop(): Promise<void>;
}

/** The embedded cluster (one node, clock 10x unless told), a client for it and a started syncer. */
export async function startSyncer(
  options: Partial<Omit<ControllerOptions, 'client' | 'log'>> = {},
  cluster: Partial<ClusterOptions> = { nodes: 1, clockSpeed: 10 },
): Promise<SyncerHarness> {
  const t = await startTestCluster(cluster);
  const client = kubeConfigClient(loadKubeConfig(t.cluster.kubeconfig));
  const logs: string[] = [];
  const controller = new ApplicationController({
    client,
    stateDir: tempDir('slipway-syncer-state-'),
    log: (app, line) => logs.push(`[${app}] ${line}`),
    ...options,
  });
  await controller.start();
  return {
    t,
    client,
    controller,
    logs,
    async stop() {
      await controller.stop();
      client.close();
      await t.stop();
      removeScratchDirs();
    },
  };
}

/** The reference of the Application NAME in namespace default. */
export const appRef = (name: string) => ({
  apiVersion: APPLICATION_API_VERSION,
  kind: APPLICATION_KIND,
  namespace: 'default',
  name,
});
