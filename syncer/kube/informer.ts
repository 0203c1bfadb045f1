// A list-then-watch cache of one resource type (optionally one namespace and a label selector), kept current
// from the watch and re-listed when the watch ends or its revision is too old (410), as client-go does.
import { KubeApiError, ResourceType, RestClient, typePath } from './restClient';

export type InformerEvent = 'ADDED' | 'MODIFIED' | 'DELETED';

export class Informer {
  private readonly items = new Map<string, any>();
  private watch?: { stop(): void };
  private stopped = false;
  private resourceVersion = '';
  private retryTimer?: NodeJS.Timeout;
  private readyResolve!: () => void;
  readonly ready: Promise<void> = new Promise((r) => (this.readyResolve = r));

  constructor(
    private readonly client: RestClient,
    readonly type: ResourceType,
    private readonly opts: { namespace?: string; labelSelector?: string },
    private readonly onEvent: (type: InformerEvent, obj: any) => void,
  ) {}

  start(): void {
    void this.relist();
  }

  list(): any[] {
    return [...this.items.values()];
  }

  get(namespace: string | undefined, name: string): any | undefined {
    return this.items.get(`${namespace ?? ''}/${name}`);
  }

  /** Records an object this process just wrote, so reads do not wait for its watch event. */
  upsert(obj: any): void {
    const k = this.key(obj);
    const old = this.items.get(k);
    if (old && revisionNewer(old.metadata?.resourceVersion, obj.metadata?.resourceVersion)) return;
    this.items.set(k, obj);
  }

  /** Forgets an object this process just deleted. */
  forget(namespace: string | undefined, name: string): void {
    this.items.delete(`${namespace ?? ''}/${name}`);
  }

  private key(o: any): string {
    return `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    try {
      const path = typePath(this.type, this.opts.namespace);
      const q = this.opts.labelSelector ? `?labelSelector=${encodeURIComponent(this.opts.labelSelector)}` : '';
      const list = await this.client.request('GET', path + q);
      if (this.stopped) return;
      const seen = new Set<string>();
      for (const item of list.items ?? []) {
        item.apiVersion ??= this.type.apiVersion;
        item.kind ??= this.type.kind;
        const k = this.key(item);
        seen.add(k);
        const old = this.items.get(k);
        this.items.set(k, item);
        if (!old) this.onEvent('ADDED', item);
        else if (old.metadata?.resourceVersion !== item.metadata?.resourceVersion) this.onEvent('MODIFIED', item);
      }
      for (const [k, old] of [...this.items]) {
        if (!seen.has(k)) {
          this.items.delete(k);
          this.onEvent('DELETED', old);
        }
      }
      this.resourceVersion = list.metadata?.resourceVersion ?? '';
      this.readyResolve();
      this.startWatch();
    } catch (e) {
      this.retry(e instanceof KubeApiError && e.status === 404 ? 2000 : 500);
    }
  }

  private retry(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.relist(), ms);
  }

  private startWatch(): void {
    const query: Record<string, string> = { resourceVersion: this.resourceVersion, timeoutSeconds: '300' };
    if (this.opts.labelSelector) query.labelSelector = this.opts.labelSelector;
    let gone = false;
    this.watch = this.client.watch(
      typePath(this.type, this.opts.namespace),
      query,
      (type, obj) => {
        if (type === 'ERROR') {
          gone = true;
          return;
        }
        if (obj?.metadata?.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
        if (type === 'BOOKMARK') return;
        obj.apiVersion ??= this.type.apiVersion;
        obj.kind ??= this.type.kind;
        const k = this.key(obj);
        if (type === 'DELETED') this.items.delete(k);
        else this.items.set(k, obj);
        this.onEvent(type, obj);
      },
      (err) => {
        if (this.stopped) return;
        // a clean end (timeout) resumes from the last revision; an error or 410 re-lists
        if (!err && !gone) this.startWatch();
        else this.retry(err ? 500 : 0);
      },
    );
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.retryTimer);
    this.watch?.stop();
    this.readyResolve();
  }
}

/** Whether revision a is newer than b; resourceVersions are opaque, but etcd's (and ours) are integers. */
function revisionNewer(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) > BigInt(b);
}
