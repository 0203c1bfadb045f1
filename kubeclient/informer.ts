// A list-then-watch cache of one resource (optionally one namespace and a label selector), as client-go's
// informers keep, for every component that follows objects: controllers, scheduler, kubelets, syncer, CLI.
//
// Contract:
// - start() lists, tells handlers of every object (add; update when a re-list finds a changed
//   resourceVersion; delete for objects gone since), marks the cache synced, then watches from the list's
//   resourceVersion. Watch events go to handlers as they come, in order.
// - A watch the server ends cleanly (timeout) is resumed from the last resourceVersion seen.
// - An ERROR event ends the watch. 410 Gone (Expired: the resourceVersion is too old) re-lists at once;
//   any other ERROR, a failed list or a failed watch re-lists after a pause (2 s while the resource is not
//   served, 404, as a CRD not yet established; else 0.5 s). Re-listing keeps the cache and tells handlers
//   only of differences, so nothing is missed and nothing is told twice.
// - An exception in a handler is the handler's bug: it is reported (onHandlerError, by default on stderr,
//   naming the resource and object) and neither stops the other handlers nor the watch. Ending the watch
//   would not deliver the event again (the cache already holds it) and would cost a re-list.
// - Objects are the client's: in the same process they are deep-frozen; handlers copy before changing one.
import { KubeApiError } from './apiError';
import { ApiClient, ResourceLocation, resourcePath } from './apiClient';
import type { WatchEventType, WatchHandle } from './transport';

export interface InformerHandlers {
  add?(obj: any): void;
  update?(obj: any, old: any): void;
  delete?(obj: any): void;
}

export interface InformerOptions {
  namespace?: string;
  labelSelector?: string;
  /** a field selector, as metadata.name=NAME to follow one object */
  fieldSelector?: string;
  /** cache only metadata (PartialObjectMetadata), for components that need no more */
  metadataOnly?: boolean;
  /** apiVersion and kind given to objects that come without them (list items do) */
  typeMeta?: { apiVersion: string; kind: string };
  /** asks the server to end each watch after this long (it is then resumed) */
  watchTimeoutSeconds?: number;
  onHandlerError?: (e: unknown, obj: any) => void;
}

/** Pauses before a re-list, in ms. */
const RETRY_MS = 500;
const NOT_SERVED_RETRY_MS = 2000;

function keyOf(obj: any): string {
  return `${obj?.metadata?.namespace ?? ''}/${obj?.metadata?.name}`;
}

export class Informer {
  private readonly cache = new Map<string, any>();
  private readonly handlers: InformerHandlers[] = [];
  private watch?: WatchHandle;
  private started = false;
  private stopped = false;
  private synced = false;
  private resourceVersion = '';
  private retryTimer?: NodeJS.Timeout;
  private syncWaiters: (() => void)[] = [];

  constructor(
    private readonly client: ApiClient,
    readonly info: ResourceLocation,
    private readonly opts: InformerOptions = {},
  ) {}

  on(h: InformerHandlers): this {
    this.handlers.push(h);
    return this;
  }

  /** Stops telling h (as given to on()): a view or a wait that is done with the objects. */
  off(h: InformerHandlers): this {
    const i = this.handlers.indexOf(h);
    if (i >= 0) this.handlers.splice(i, 1);
    return this;
  }

  get(namespace: string | undefined, name: string): any | undefined {
    return this.cache.get(`${namespace ?? ''}/${name}`);
  }

  list(): any[] {
    return [...this.cache.values()];
  }

  hasSynced(): boolean {
    return this.synced;
  }

  /** Resolves once the first list is in the cache, or when the informer is stopped. */
  waitForSync(): Promise<void> {
    return this.synced || this.stopped ? Promise.resolve() : new Promise((r) => this.syncWaiters.push(r));
  }

  /** Records an object this process just wrote, so reads do not wait for its watch event (no handler is told). */
  upsert(obj: any): void {
    const k = keyOf(obj);
    const old = this.cache.get(k);
    if (old && revisionNewer(old.metadata?.resourceVersion, obj.metadata?.resourceVersion)) return;
    this.cache.set(k, obj);
  }

  /** Forgets an object this process just deleted (no handler is told). */
  forget(namespace: string | undefined, name: string): void {
    this.cache.delete(`${namespace ?? ''}/${name}`);
  }

  start(): this {
    if (!this.started) {
      this.started = true;
      void this.relist();
    }
    return this;
  }

  stop(): void {
    this.stopped = true;
    this.watch?.stop();
    clearTimeout(this.retryTimer);
    for (const w of this.syncWaiters.splice(0)) w();
  }

  private query(): Record<string, string> {
    const q: Record<string, string> = {};
    if (this.opts.labelSelector) q.labelSelector = this.opts.labelSelector;
    if (this.opts.fieldSelector) q.fieldSelector = this.opts.fieldSelector;
    return q;
  }

  private collection(): string {
    return resourcePath(this.info, this.opts.namespace);
  }

  private withTypeMeta(obj: any): any {
    const t = this.opts.typeMeta;
    if (!t || (obj.apiVersion && obj.kind)) return obj;
    if (Object.isFrozen(obj)) return { ...obj, apiVersion: obj.apiVersion ?? t.apiVersion, kind: obj.kind ?? t.kind };
    obj.apiVersion ??= t.apiVersion;
    obj.kind ??= t.kind;
    return obj;
  }

  private async relist(): Promise<void> {
    if (this.stopped) return;
    let list: any;
    try {
      list = await this.client.list(this.collection(), this.query(), this.opts.metadataOnly);
    } catch (e) {
      this.retry(e instanceof KubeApiError && e.status === 404 ? NOT_SERVED_RETRY_MS : RETRY_MS);
      return;
    }
    if (this.stopped) return;
    const seen = new Set<string>();
    for (const raw of list?.items ?? []) {
      const item = this.withTypeMeta(raw);
      const k = keyOf(item);
      seen.add(k);
      const old = this.cache.get(k);
      if (old && old.metadata?.resourceVersion === item.metadata?.resourceVersion) continue;
      this.cache.set(k, item);
      this.tell(old ? 'MODIFIED' : 'ADDED', item, old);
    }
    for (const [k, old] of [...this.cache]) {
      if (seen.has(k)) continue;
      this.cache.delete(k);
      this.tell('DELETED', old);
    }
    this.resourceVersion = list?.metadata?.resourceVersion ?? '';
    if (!this.synced) {
      this.synced = true;
      for (const w of this.syncWaiters.splice(0)) w();
    }
    this.startWatch();
  }

  private retry(ms: number): void {
    if (this.stopped) return;
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => void this.relist(), ms);
  }

  private startWatch(): void {
    const query: Record<string, string> = { ...this.query(), resourceVersion: this.resourceVersion };
    if (this.opts.watchTimeoutSeconds) query.timeoutSeconds = String(this.opts.watchTimeoutSeconds);
    let errorEvent: any;
    // events of the same process may come before watch() returns
    let handle: WatchHandle | undefined;
    const handle_ = this.client.watch(
      this.collection(),
      query,
      (type, obj) => {
        if (errorEvent) return;
        if (type === 'ERROR') {
          errorEvent = obj ?? {};
          handle?.stop();
          if (this.stopped) return;
          // 410 Gone: the revision is too old to resume from; anything else is a failed watch
          this.retry(errorEvent.code === 410 ? 0 : RETRY_MS);
          return;
        }
        if (obj?.metadata?.resourceVersion) this.resourceVersion = obj.metadata.resourceVersion;
        if (type === 'BOOKMARK') return;
        this.onWatchEvent(type, this.withTypeMeta(obj));
      },
      (err) => {
        if (this.stopped || errorEvent) return;
        if (err) this.retry(RETRY_MS);
        else this.startWatch();
      },
      this.opts.metadataOnly,
    );
    handle = handle_;
    if (errorEvent) handle.stop();
    this.watch = handle;
  }

  private onWatchEvent(type: WatchEventType, obj: any): void {
    const k = keyOf(obj);
    const old = this.cache.get(k);
    if (type === 'DELETED') {
      this.cache.delete(k);
      this.tell('DELETED', obj);
      return;
    }
    this.cache.set(k, obj);
    this.tell(old ? 'MODIFIED' : 'ADDED', obj, old);
  }

  private tell(type: 'ADDED' | 'MODIFIED' | 'DELETED', obj: any, old?: any): void {
    // a copy: a handler may take itself off
    for (const h of [...this.handlers]) {
      try {
        if (type === 'ADDED') h.add?.(obj);
        else if (type === 'MODIFIED') h.update?.(obj, old);
        else h.delete?.(obj);
      } catch (e) {
        this.handlerFailed(e, obj);
      }
    }
  }

  private handlerFailed(e: unknown, obj: any): void {
    if (this.opts.onHandlerError) return this.opts.onHandlerError(e, obj);
    const what = `${this.collection()} ${keyOf(obj)}`;
    console.error(`informer of ${what}: a handler failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  }
}

/** Whether revision a is newer than b; resourceVersions are opaque, but etcd's (and ours) are integers. */
function revisionNewer(a: string | undefined, b: string | undefined): boolean {
  if (!a || !b || !/^\d+$/.test(a) || !/^\d+$/.test(b)) return false;
  return BigInt(a) > BigInt(b);
}
