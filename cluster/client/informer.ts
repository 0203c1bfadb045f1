// List-then-watch cache of one resource, as client-go's informers keep: re-lists when the watch
// ends or its resourceVersion expires (410), and tells handlers about adds, updates and deletes.
import { ResourceInfo } from '../../kube/registry';
import { ApiClient, resourcePath } from './apiClient';

export interface InformerHandlers {
  add?(obj: any): void;
  update?(obj: any, old: any): void;
  delete?(obj: any): void;
}

function keyOf(obj: any): string {
  const m = obj.metadata ?? {};
  return m.namespace ? `${m.namespace}/${m.name}` : m.name;
}

export class Informer {
  private readonly cache = new Map<string, any>();
  private readonly handlers: InformerHandlers[] = [];
  private watch?: { stop(): void };
  private stopped = false;
  private synced = false;
  private syncWaiters: (() => void)[] = [];
  private retryTimer?: NodeJS.Timeout;

  constructor(
    private readonly client: ApiClient,
    readonly info: ResourceInfo,
    private readonly namespace?: string,
    /** cache only metadata (PartialObjectMetadata), for components that need no more */
    private readonly metadataOnly = false,
  ) {}

  on(h: InformerHandlers): void {
    this.handlers.push(h);
  }

  get(namespace: string | undefined, name: string): any | undefined {
    return this.cache.get(namespace ? `${namespace}/${name}` : name);
  }

  list(): any[] {
    return [...this.cache.values()];
  }

  hasSynced(): boolean {
    return this.synced;
  }

  waitForSync(): Promise<void> {
    return this.synced ? Promise.resolve() : new Promise((r) => this.syncWaiters.push(r));
  }

  start(): void {
    void this.relist();
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    if (this.retryTimer) clearTimeout(this.retryTimer);
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    let list: any;
    try {
      list = await this.client.list(resourcePath(this.info, this.namespace), {}, this.metadataOnly);
    } catch {
      this.retry();
      return;
    }
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const item of list.items ?? []) {
      const k = keyOf(item);
      seen.add(k);
      this.apply('MODIFIED', item);
    }
    for (const [k, old] of [...this.cache.entries()]) {
      if (!seen.has(k)) {
        this.cache.delete(k);
        for (const h of this.handlers) h.delete?.(old);
      }
    }
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
    this.startWatch(list.metadata?.resourceVersion ?? '0');
  }

  private retry(): void {
    if (this.stopped) return;
    this.retryTimer = setTimeout(() => void this.relist(), 500);
  }

  private startWatch(rv: string): void {
    let lastRv = rv;
    this.watch = this.client.watch(
      resourcePath(this.info, this.namespace),
      { resourceVersion: rv },
      (type, obj) => {
        if (type === 'ERROR') {
          // 410 Expired and the like: start over from a fresh list
          this.watch?.stop();
          void this.relist();
          return;
        }
        if (obj?.metadata?.resourceVersion) lastRv = obj.metadata.resourceVersion;
        if (type === 'BOOKMARK') return;
        this.apply(type, obj);
      },
      (err) => {
        if (this.stopped) return;
        if (err) this.retry();
        else this.startWatch(lastRv);
      },
      this.metadataOnly,
    );
  }

  private apply(type: string, obj: any): void {
    const k = keyOf(obj);
    const old = this.cache.get(k);
    if (type === 'DELETED') {
      this.cache.delete(k);
      for (const h of this.handlers) h.delete?.(obj);
      return;
    }
    if (old && old.metadata?.resourceVersion === obj.metadata?.resourceVersion) return;
    this.cache.set(k, obj);
    for (const h of this.handlers) {
      if (old) h.update?.(obj, old);
      else h.add?.(obj);
    }
  }
}
