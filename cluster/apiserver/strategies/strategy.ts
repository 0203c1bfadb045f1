// What a kind does differently when it is written or deleted, as Kubernetes' pkg/registry/<group>/<kind>/strategy.go:
// ObjectStorage (the generic registry) calls these hooks of the object's strategy; a kind without special
// behaviour gets the default strategy. Each hook is optional and named for the moment it runs.
import type { KubeObject } from '../../../kube/objects';
import type { UserInfo } from '../access/userInfo';

export interface Strategy {
  /** The status a new object starts with (only kinds with a status subresource); undefined: none. */
  initialStatus?(obj: KubeObject): object | undefined;
  /** Create, after mutating admission, before validating admission: server-side defaults and allocations. */
  prepareForCreate?(obj: KubeObject, dryRun: boolean, requester: UserInfo | undefined): void;
  /**
   * A create failed after prepareForCreate (validating admission refused it, the name was taken): release what
   * it allocated, as kube-apiserver's finishCreate(false).
   */
  abortCreate?(obj: KubeObject): void;
  /** Update, before admission: carry over what the server set and the request left out. */
  prepareForUpdate?(obj: KubeObject, old: KubeObject, requester: UserInfo | undefined): void;
  /** A status write: keep what status writers may not change (a CSR's approval). */
  prepareForStatusUpdate?(obj: KubeObject, old: KubeObject): void;
  /** Update, after mutating admission, before validating admission: allocations. */
  beforeUpdate?(obj: KubeObject, old: KubeObject, dryRun: boolean): void;
  /** An update failed after beforeUpdate (validating admission refused it, a conflict): release what it took. */
  abortUpdate?(obj: KubeObject): void;
  /** A create or update (not of status) was stored: the server reacts to the new object. */
  afterWrite?(written: KubeObject, old: KubeObject | undefined): Promise<void>;
  /** Refuses a delete that admission forbids (dry runs included). */
  validateDelete?(name: string): void;
  /** Seconds an object stays after a delete before it goes (0: at once, the default). */
  gracePeriod?(obj: KubeObject, requested: number | undefined): number;
  /** Deletion also waits for something other than metadata.finalizers (a namespace's spec.finalizers). */
  pendingFinalization?(obj: KubeObject): boolean;
  /** The deletion of an object that stays for a while has begun. */
  beginDelete?(obj: KubeObject): void;
  /** The object is gone from the store: release what it held. */
  afterDelete?(obj: KubeObject): void | Promise<void>;
  /** The finalize subresource (namespaces): the object with the finalizers of the request. */
  finalize?(current: KubeObject, requested: unknown): KubeObject;
}

/** Built-in kinds start with an empty status, custom resources with none. */
export function defaultStrategy(custom: boolean): Strategy {
  return custom ? { initialStatus: () => undefined } : { initialStatus: () => ({}) };
}
