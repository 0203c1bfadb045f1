// The Applications of the current connection for the Applications view, the History view and the status bar:
// it follows the hub, listens to the shared Applications informer (list-then-watch) and tells its listeners once
// per burst of changes. It also holds the app the user selected, which History and the status bar show.
import type { Application } from '../../kube/application';
import type { InformerHandlers } from '../../kubeclient/informer';
import type { ClusterConnection } from '../connection/clusterConnection';
import type { ConnectionHub, Subscription } from '../connection/connectionHub';
import type { AppRef } from './applicationModel';

/** Changes within this many ms reach listeners as one (a sync writes status several times in a row). */
const COALESCE_MS = 30;

export class ApplicationsFeed {
  private connection: ClusterConnection | undefined;
  private readonly handlers: InformerHandlers = {
    add: () => this.changed(),
    update: () => this.changed(),
    delete: () => this.changed(),
  };
  private readonly listeners = new Set<() => void>();
  private readonly hubSubscription: Subscription;
  private healthSubscription: Subscription | undefined;
  private timer: NodeJS.Timeout | undefined;
  private selectedRef: AppRef | undefined;
  /** apps with a request of this window in flight (a quick sync never shows Running in status) */
  private readonly busyApps = new Map<string, number>();

  constructor(private readonly hub: ConnectionHub) {
    this.hubSubscription = hub.onDidChange((c) => this.follow(c));
    this.follow(hub.current);
  }

  get current(): ClusterConnection | undefined {
    return this.connection;
  }

  private follow(c: ClusterConnection | undefined): void {
    this.connection?.applications().off(this.handlers);
    this.healthSubscription?.dispose();
    this.connection = c;
    c?.applications().on(this.handlers);
    this.healthSubscription = c?.health.onDidChange(() => this.changed());
    void c
      ?.applications()
      .waitForSync()
      .then(() => this.changed());
    this.changed();
  }

  private changed(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      for (const l of [...this.listeners]) l();
    }, COALESCE_MS);
  }

  onDidChange(listener: () => void): Subscription {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Every app, by namespace and name. */
  apps(): Application[] {
    const list = (this.connection?.applications().list() ?? []) as Application[];
    return [...list].sort((a, b) =>
      `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
    );
  }

  get(ref: AppRef): Application | undefined {
    return this.connection?.applications().get(ref.namespace, ref.name) as Application | undefined;
  }

  /** The selected app while it exists, else the first one. */
  selected(): Application | undefined {
    return (this.selectedRef && this.get(this.selectedRef)) || this.apps()[0];
  }

  select(ref: AppRef | undefined): void {
    const key = (a: Application | undefined) => a && `${a.metadata.namespace}/${a.metadata.name}`;
    const before = key(this.selected());
    this.selectedRef = ref;
    if (key(this.selected()) !== before) this.changed();
  }

  /** Marks the app busy until `work` settles. */
  async track<T>(ref: AppRef, work: Promise<T>): Promise<T> {
    const key = `${ref.namespace}/${ref.name}`;
    this.busyApps.set(key, (this.busyApps.get(key) ?? 0) + 1);
    this.changed();
    try {
      return await work;
    } finally {
      const n = (this.busyApps.get(key) ?? 1) - 1;
      if (n) this.busyApps.set(key, n);
      else this.busyApps.delete(key);
      this.changed();
    }
  }

  busy(ref: AppRef): boolean {
    return this.busyApps.has(`${ref.namespace}/${ref.name}`);
  }

  dispose(): void {
    this.hubSubscription.dispose();
    this.follow(undefined);
    clearTimeout(this.timer);
    this.listeners.clear();
  }
}
