// How the extension gets connected and disconnected: the workspace's embedded cluster (started here, or another
// window's reused) or a kubeconfig context; the hub then tells every view. Free of `vscode`: the commands in
// connectionCommands.ts add the quick pick, progress and messages.
import * as fs from 'fs';
import * as path from 'path';
import type { ClusterConnection } from './clusterConnection';
import { connectByEmbeddedKubeconfig, connectByKubeconfig } from './clusterConnection';
import type { ConnectionHub } from './connectionHub';
import { answeringKubeconfig, startWorkspaceCluster, StartOptions, WorkspaceCluster } from './workspaceCluster';

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
  /** follows the state folder while the embedded cluster is lost, to reconnect when it runs again */
  private restartWatch: { close(): void } | undefined;

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
      const label = `embedded (${baseName(o.folder)})`;
      const connection = await connectByEmbeddedKubeconfig(cluster.kubeconfig, label);
      this.cluster = cluster;
      this.hub.set(connection);
      this.reconnectWhenRestarted(connection, path.dirname(cluster.kubeconfig), label);
      return connection;
    } catch (e) {
      await cluster.stop();
      throw e;
    }
  }

  /**
   * A restarted embedded cluster listens on another port, so the lost connection's informers cannot find it again:
   * once lost, the state folder is watched, and a new kubeconfig whose server answers replaces the connection.
   */
  private reconnectWhenRestarted(connection: ClusterConnection, stateDir: string, label: string): void {
    connection.health.onDidChange((state) => {
      // back on the same address: the informers found it again by themselves
      if (state === 'connected' && this.hub.current === connection) this.stopRestartWatch();
      if (state !== 'lost' || this.hub.current !== connection || this.restartWatch) return;
      const watcher = fs.watch(stateDir, (_event, name) => {
        if (name !== 'kubeconfig') return;
        void answeringKubeconfig(stateDir).then(async (kubeconfig) => {
          if (!kubeconfig || this.restartWatch !== watcher || this.hub.current !== connection) return;
          this.stopRestartWatch();
          const next = await connectByEmbeddedKubeconfig(kubeconfig, label);
          if (this.hub.current !== connection) return next.close();
          this.log(`The cluster in ${stateDir} runs again: reconnected`);
          // it is another window's (or a new) process now: nothing of it is this window's to stop
          this.cluster = { kubeconfig, reused: true, exited: new Promise(() => undefined), stop: async () => {} };
          this.hub.set(next);
          this.reconnectWhenRestarted(next, stateDir, label);
        });
      });
      this.restartWatch = watcher;
    });
  }

  private stopRestartWatch(): void {
    this.restartWatch?.close();
    this.restartWatch = undefined;
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
    this.stopRestartWatch();
    const cluster = this.cluster;
    this.cluster = undefined;
    this.hub.set(undefined);
    await cluster?.stop();
  }
}

function baseName(folder: string): string {
  return folder.split(/[\\/]/).filter(Boolean).pop() ?? folder;
}
