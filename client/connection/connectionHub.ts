// Which cluster the extension is connected to, for every view and command: the connection manager sets it
// (Start, Choose a kubeconfig context, Disconnect) and the views follow it. Free of `vscode`, so the
// views' models are tested against the embedded cluster without an editor.
import type { ClusterConnection } from './clusterConnection';

export interface Subscription {
  dispose(): void;
}

export class ConnectionHub {
  private connection: ClusterConnection | undefined;
  private readonly listeners = new Set<(c: ClusterConnection | undefined) => void>();

  get current(): ClusterConnection | undefined {
    return this.connection;
  }

  /** Replaces the connection (closing the one before) and tells every listener. */
  set(next: ClusterConnection | undefined): void {
    if (next === this.connection) return;
    const before = this.connection;
    this.connection = next;
    before?.close();
    for (const l of [...this.listeners]) l(next);
  }

  /** Calls listener on every change of connection. */
  onDidChange(listener: (c: ClusterConnection | undefined) => void): Subscription {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.set(undefined);
    this.listeners.clear();
  }
}
