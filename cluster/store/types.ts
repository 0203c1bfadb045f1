// The contract of the embedded cluster's store ("our etcd"). Keys are strings such as
// "/registry/apps/deployments/default/web"; values are JSON objects (Kubernetes objects).
import type { KubeObject } from '../../kube/objects';

export type WatchEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: WatchEventType;
  key: string;
  /** the object after the change; for DELETED, the last state with resourceVersion = the deletion revision */
  value: KubeObject;
  /** the object before the change (MODIFIED, DELETED) */
  prev?: KubeObject;
  revision: number;
}

export interface StoreEntry {
  key: string;
  /** as stored: deep-frozen, with metadata.resourceVersion */
  value: KubeObject;
  /** revision of the last write to this key (= metadata.resourceVersion) */
  modRevision: number;
}

export interface Watcher {
  cancel(): void;
}

/** Errors carry a code the API server maps to a Status. */
export class StoreError extends Error {
  constructor(
    /** Unavailable: the write could not be made durable (disk full, I/O error); a later write may succeed */
    readonly code: 'NotFound' | 'AlreadyExists' | 'Conflict' | 'Gone' | 'Unavailable',
    message: string,
  ) {
    super(message);
  }
}

export interface PutOptions {
  /**
   * The caller hands the value over and never touches it again: the store may freeze its parts in place
   * instead of keeping a copy of its own.
   */
  handOver?: boolean;
}

export interface Store {
  /** current (latest assigned) revision */
  readonly revision: number;
  /** oldest revision a watch may still start after; older → StoreError('Gone') */
  readonly compactedRevision: number;
  /** why writes are failing now (the last one could not be made durable), undefined while they succeed */
  readonly writeFailure: string | undefined;
  get(key: string): StoreEntry | undefined;
  /** all entries whose key starts with prefix, sorted by key */
  list(prefix: string): { items: StoreEntry[]; revision: number };
  /**
   * Writes resolve once durable (fsynced). The store stamps metadata.resourceVersion on the value
   * with the write's revision and returns the stored value.
   */
  create(key: string, value: object, opts?: PutOptions): Promise<StoreEntry>;
  /** expectedRevision: fail with Conflict unless the key's modRevision equals it */
  update(key: string, value: object, expectedRevision?: number, opts?: PutOptions): Promise<StoreEntry>;
  delete(key: string, expectedRevision?: number): Promise<StoreEntry>;
  /**
   * Events for keys under prefix with revision > afterRevision, in revision order, then live ones.
   * Throws StoreError('Gone') when afterRevision < compactedRevision.
   */
  watch(prefix: string, afterRevision: number, onEvent: (e: StoreEvent) => void): Watcher;
  close(): Promise<void>;
}
