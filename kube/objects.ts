// The object shape every Kubernetes resource shares, and the few generic helpers
// the selectors, printers and stores need to read and compare objects.

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller?: boolean;
  blockOwnerDeletion?: boolean;
}

export interface ObjectMeta {
  name?: string;
  generateName?: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  deletionTimestamp?: string;
  deletionGracePeriodSeconds?: number;
  ownerReferences?: OwnerReference[];
  finalizers?: string[];
  managedFields?: unknown[];
  [key: string]: unknown;
}

export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  [key: string]: unknown;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Splits 'spec.containers[0].image' or 'spec.containers.0.image' into segments. */
/**
 * A shallow copy of an object with kind, apiVersion and metadata as its first keys, the order kube-apiserver's
 * serializer writes (Go struct order); the other keys keep theirs. Absent ones stay absent once serialized.
 */
export function typeMetaFirst(v: Record<string, unknown>): Record<string, unknown> {
  return { kind: v.kind, apiVersion: v.apiVersion, metadata: v.metadata, ...v };
}

export function splitPath(path: string): string[] {
  if (path === '') return [];
  return path
    .replace(/\[(\d+)\]/g, '.$1')
    .split('.')
    .filter((s) => s !== '');
}

/**
 * Reads a nested value. A string path is dotted; pass an array when a key itself
 * contains dots (annotation and label keys usually do).
 */
export function getPath(obj: unknown, path: string | readonly (string | number)[]): unknown {
  const segs = typeof path === 'string' ? splitPath(path) : path;
  let cur: unknown = obj;
  for (const seg of segs) {
    if (Array.isArray(cur)) {
      const i = typeof seg === 'number' ? seg : /^\d+$/.test(seg) ? Number(seg) : NaN;
      if (!Number.isInteger(i)) return undefined;
      cur = cur[i];
    } else if (isRecord(cur)) {
      cur = cur[String(seg)];
    } else {
      return undefined;
    }
  }
  return cur;
}

/** A structural copy of JSON data; objects from the store must never be shared with callers. */
export function deepClone<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => deepClone(x)) as unknown as T;
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) out[keys[i]] = deepClone(v[keys[i]]);
    return out as T;
  }
  return v;
}

/** deepClone without the null fields of objects (Kubernetes decodes them as unset); one pass for both. */
export function cloneWithoutNulls<T>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => cloneWithoutNulls(x)) as unknown as T;
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    const keys = Object.keys(v);
    for (let i = 0; i < keys.length; i++) {
      const x = v[keys[i]];
      if (x !== null) out[keys[i]] = cloneWithoutNulls(x);
    }
    return out as T;
  }
  return v;
}

/** JSON equality: key order does not matter, array order does. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a).filter((k) => a[k] !== undefined);
    const kb = Object.keys(b).filter((k) => b[k] !== undefined);
    if (ka.length !== kb.length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** "namespace/name" for namespaced objects, "name" for cluster-scoped ones (the cache key client-go uses). */
export function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

/** The objectKey of an object. */
export function keyOf(obj: KubeObject): string {
  return objectKey(obj.metadata.namespace, obj.metadata.name ?? '');
}

/** The namespace and name of a key made by objectKey; a key without "/" is a cluster-scoped name (namespace ''). */
export function splitKey(key: string): [string, string] {
  const i = key.indexOf('/');
  return i < 0 ? ['', key] : [key.slice(0, i), key.slice(i + 1)];
}

/** The owner reference marked controller: true, if any. */
export function controllerOf(obj: KubeObject): OwnerReference | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller === true);
}
