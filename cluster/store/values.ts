// How caller objects become stored values. Stored values hold exactly the data of the JSON that
// goes to disk (so memory and a recovered store hold identical data) and are deep-frozen: they
// are shared by get/list results, watch events and history, so a caller mutating one would
// otherwise silently rewrite the store's past. Callers copy before modifying. Normally the store
// parses its own copy back from the JSON; a caller that hands its value over (it never touches it
// again) lets the store freeze that value in place instead, when it is plain JSON data already.
import { typeMetaFirst, type KubeObject } from '../../kube/objects';

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}

function assertObject(value: unknown, what: string): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${what} must be a JSON object`);
  }
}

/** The JSON text of a stored value, kept on it (not enumerable) so it is serialized only once. */
const JSON_TEXT = Symbol('json');

/** The JSON text a stored value was written as, or undefined for any other value. */
export function storedJson(value: unknown): string | undefined {
  return value && typeof value === 'object' ? (value as { [JSON_TEXT]?: string })[JSON_TEXT] : undefined;
}

/**
 * Deep-freezes value in place if it is what JSON.parse(JSON.stringify(value)) would give back, dropping
 * properties whose value is undefined as JSON does; false (value perhaps partly frozen) for anything
 * else: non-finite numbers, holes or undefined in arrays, class instances, functions. Frozen parts are
 * stored values already.
 */
function freezeJsonData(value: unknown): boolean {
  if (value === null) return true;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(value);
    case 'object':
      break;
    default:
      return false;
  }
  if (Object.isFrozen(value)) return true;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const v = value[i];
      if (v === undefined || !freezeJsonData(v)) return false;
    }
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    const obj = value as Record<string, unknown>;
    const keys = Object.keys(obj);
    for (let i = 0; i < keys.length; i++) {
      const v = obj[keys[i]];
      if (v === undefined) delete obj[keys[i]];
      else if (!freezeJsonData(v)) return false;
    }
  }
  Object.freeze(value);
  return true;
}

export interface StampedValue {
  /** serialized form, written to the log */
  json: string;
  /** frozen copy held in memory */
  stored: KubeObject;
}

/**
 * The stored form of value with metadata.resourceVersion set to the write's revision: a frozen copy,
 * or with handedOver, value's own parts frozen in place (the top level and metadata are copied).
 */
export function stampValue(value: unknown, revision: number, handedOver = false): StampedValue {
  assertObject(value, 'value');
  const v = value as Record<string, unknown>;
  if (v.metadata !== undefined) assertObject(v.metadata, 'value.metadata');
  // kind, apiVersion and metadata first, as kube-apiserver's serializer writes objects: the stored JSON is what
  // every get, list and watch answer reuses, so ordering once here costs nothing on the way out
  const withVersion = typeMetaFirst(v);
  withVersion.metadata = { ...(v.metadata as object | undefined), resourceVersion: String(revision) };
  const json = JSON.stringify(withVersion);
  if (handedOver) {
    Object.defineProperty(withVersion, JSON_TEXT, { value: json });
    if (freezeJsonData(withVersion)) return { json, stored: withVersion as KubeObject };
  }
  const stored = JSON.parse(json);
  Object.defineProperty(stored, JSON_TEXT, { value: json });
  return { json, stored: deepFreeze(stored) };
}

/** The last state of a deleted object, carrying the deletion's revision as Kubernetes reports it. */
export function deletedView(prev: KubeObject, revision: number): KubeObject {
  return Object.freeze({
    ...prev,
    metadata: Object.freeze({ ...prev.metadata, resourceVersion: String(revision) }),
  });
}
