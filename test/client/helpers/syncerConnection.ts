// A real syncer on the embedded cluster and the extension's connection to it, for the tests of what the extension
// makes of the syncer's Applications: started before the suite's tests and stopped after them.
import { ApiClient } from '../../../kubeclient/apiClient';
import { connectionOver, type ClusterConnection } from '../../../client/connection/clusterConnection';
import { applications, useSyncer, type SyncerHarness } from '../../syncer/helpers/syncerHarness';

export interface SyncerConnection {
  h: SyncerHarness;
  connection: ClusterConnection;
  apps: ReturnType<typeof applications>;
}

/** Registers the suite's before/after hooks; the fields are set once `before` has run. */
export function useSyncerConnection(): SyncerConnection {
  const s = {} as SyncerConnection;
  let api: ApiClient | undefined;
  // registered before useSyncer's hooks, so (mocha running `after` hooks in order) it closes before the cluster stops
  after(() => {
    s.connection?.close();
    api?.close();
  });
  const started = useSyncer();
  s.apps = applications(() => s.h.client);
  before(() => {
    s.h = started.syncer;
    api = ApiClient.forCluster({ server: s.h.t.cluster.url, token: s.h.t.cluster.token, ca: s.h.t.cluster.caCert });
    s.connection = connectionOver(api, 'test');
  });
  return s;
}
