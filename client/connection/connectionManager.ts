// How the extension gets connected and disconnected: the workspace's embedded cluster (started here, or another
// window's reused) or a kubeconfig context; the hub then tells every view. Free of `vscode`: the commands in
// connectionCommands.ts add the quick pick, progress and messages.
import type { ClusterConnection } from './clusterConnection';
import { connectByEmbeddedKubeconfig, connectByKubeconfig } from './clusterConnection';
import type { ConnectionHub } from './connectionHub';
import { startWorkspaceCluster, StartOptions, WorkspaceCluster } from './workspaceCluster';

export interface KubeconfigContexts {
  contexts: { name: string; cluster: string; namespace?: string }[];
  current: string;
}

/** The contexts of a kubeconfig file (undefined: KUBECONFIG, else ~/.kube/config). */
export async function kubeconfigContexts(file: string | undefined): Promise<KubeconfigContexts> {
  const { loadKubeConfig } = await import('../../kubeclient/kubeConfig');
  const kc = loadKubeConfig(file);
  return {
    contexts: kc.getContexts().map((c) => ({ name: c.name, cluster: c.cluster, namespace: c.namespace })),
    current: kc.getCurrentContext(),
  };
}

export class ConnectionManager {
  private cluster: WorkspaceCluster | undefined;

  constructor(
    private readonly hub: ConnectionHub,
    private readonly log: (line: string) => void = () => {},
  ) {}

  /** the embedded cluster started (or reused) for the workspace, while connected to it */
  get workspaceCluster(): WorkspaceCluster | undefined {
    return this.cluster;
  }

  /** Connects to the workspace folder's embedded cluster, starting it unless one runs already. */
  async start(o: StartOptions): Promise<ClusterConnection> {
    await this.disconnect();
    const onOutput = (line: string): void => {
      this.log(line);
      o.onOutput?.(line);
    };
    const cluster = await startWorkspaceCluster({ ...o, onOutput });
    this.log(
      cluster.reused
        ? `Using the cluster already running for ${o.folder} (${cluster.kubeconfig})`
        : `Started the cluster for ${o.folder} (${cluster.kubeconfig})`,
    );
    void cluster.exited.then((code) => {
      if (this.cluster === cluster) this.log(`slipway up exited (code ${code}); Slipway: Start runs it again`);
    });
    try {
      const connection = await connectByEmbeddedKubeconfig(cluster.kubeconfig, `embedded (${baseName(o.folder)})`);
      this.cluster = cluster;
      this.hub.set(connection);
      return connection;
    } catch (e) {
      await cluster.stop();
      throw e;
    }
  }

  /** Connects to a context of a kubeconfig file (undefined: KUBECONFIG, else ~/.kube/config). */
  async useContext(file: string | undefined, context: string): Promise<ClusterConnection> {
    const connection = await connectByKubeconfig(file, context);
    await this.disconnect();
    this.hub.set(connection);
    return connection;
  }

  /** Disconnects; an embedded cluster started here stops, one reused from another window keeps running. */
  async disconnect(): Promise<void> {
    const cluster = this.cluster;
    this.cluster = undefined;
    this.hub.set(undefined);
    await cluster?.stop();
  }
}

function baseName(folder: string): string {
  return folder.split(/[\\/]/).filter(Boolean).pop() ?? folder;
}
