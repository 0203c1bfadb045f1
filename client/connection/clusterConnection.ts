// What every view and command of the extension works with: one connection to one cluster (the embedded one
// started for the workspace, or a kubeconfig context), one API client and one set of shared list-then-watch
// informers, so every view is fed by the same watches and nothing polls.
import { APPLICATION_GROUP, APPLICATION_PLURAL, APPLICATION_VERSION } from '../../kube/application';
import { BUILTIN_RESOURCES, ResourceInfo } from '../../kube/registry';
import { ApiClient } from '../../kubeclient/apiClient';
import type { Informer } from '../../kubeclient/informer';
import { ObjectClient } from '../../kubeclient/objectClient';
import { SharedInformers } from '../../kubeclient/sharedInformers';
import { ConnectionHealth, HealthTransport } from './connectionHealth';
import { readTokenKubeconfig } from './embeddedKubeconfig';

/** The Application resource, served by Slipway's CRD in whatever cluster it is installed in. */
export const APPLICATION_RESOURCE: ResourceInfo = {
  group: APPLICATION_GROUP,
  version: APPLICATION_VERSION,
  kind: 'Application',
  listKind: 'ApplicationList',
  plural: APPLICATION_PLURAL,
  singular: 'application',
  namespaced: true,
  shortNames: ['app'],
  categories: [],
  verbs: ['get', 'list', 'watch', 'patch', 'update'],
  subresources: [
    {
      name: 'status',
      kind: 'Application',
      group: APPLICATION_GROUP,
      version: APPLICATION_VERSION,
      verbs: ['get', 'patch', 'update'],
    },
  ],
  custom: true,
};

export interface ClusterConnection {
  /** what the status bar and tooltips call it: "embedded (guestbook)" or a kubeconfig context's name */
  readonly label: string;
  readonly objects: ObjectClient;
  readonly api: ApiClient;
  /** one informer per resource, started on first use and shared by every view */
  readonly informers: SharedInformers;
  /** whether the cluster answers (from the requests and watches made anyway) */
  readonly health: ConnectionHealth;
  /** the Applications informer */
  applications(): Informer;
  close(): void;
}

/** A connection over an API client; informers start when a view first asks for them. */
export function connectionOver(client: ApiClient, label: string): ClusterConnection {
  const health = new HealthTransport(client.transport);
  const api = new ApiClient(health);
  const resources = [...BUILTIN_RESOURCES, APPLICATION_RESOURCE];
  const informers = new SharedInformers(api, () => resources);
  return {
    label,
    api,
    objects: new ObjectClient(api),
    informers,
    health,
    applications: () => informers.get(APPLICATION_GROUP, APPLICATION_PLURAL),
    close: () => {
      informers.stop();
      api.close();
    },
  };
}

/** A connection to the cluster of an embedded cluster's kubeconfig (server, CA and token), else any kubeconfig's. */
export async function connectByEmbeddedKubeconfig(file: string, label: string): Promise<ClusterConnection> {
  const config = readTokenKubeconfig(file);
  if (!config) return connectByKubeconfig(file, undefined, label);
  return connectionOver(ApiClient.forCluster(config, 'slipway-vscode'), label);
}

/** A connection to a kubeconfig's cluster (the file's current context, or the one named); label: the context's name. */
export async function connectByKubeconfig(
  file: string | undefined,
  context?: string,
  label?: string,
): Promise<ClusterConnection> {
  // the kubeconfig loader is heavy: load it only when a cluster is connected
  const { loadKubeConfig, kubeConfigClient } = await import('../../kubeclient/kubeConfig');
  const kc = loadKubeConfig(file, context);
  const objects = kubeConfigClient(kc, 'slipway-vscode');
  return connectionOver(objects.api, label ?? kc.getCurrentContext());
}
