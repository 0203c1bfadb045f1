// How caller objects become stored values. Stored values are parsed back from the exact JSON
// that goes to disk (so memory and a recovered store hold identical data) and deep-frozen:
// they are shared by get/list results, watch events and history, so a caller mutating one
// would otherwise silently rewrite the store's past. Callers copy before modifying.

export function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const k of Object.keys(value)) deepFreeze((value as any)[k]);
  }
  return value;
}

function assertObject(value: unknown, what: string): void {
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new TypeError(`${what} must be a JSON object`);
  }
}

export interface StampedValue {
  /** serialized form, written to the log */
  json: string;
  /** frozen copy held in memory */
  stored: any;
}

/** Copies value with metadata.resourceVersion set to the write's revision. */
export function stampValue(value: unknown, revision: number): StampedValue {
  assertObject(value, 'value');
  const v = value as Record<string, unknown>;
  if (v.metadata !== undefined) assertObject(v.metadata, 'value.metadata');
  const withVersion = {
    ...v,
    metadata: { ...(v.metadata as object | undefined), resourceVersion: String(revision) },
  };
  const json = JSON.stringify(withVersion);
  return { json, stored: deepFreeze(JSON.parse(json)) };
}

/** The last state of a deleted object, carrying the deletion's revision as Kubernetes reports it. */
export function deletedView(prev: any, revision: number): any {
  return Object.freeze({
    ...prev,
    metadata: Object.freeze({ ...prev.metadata, resourceVersion: String(revision) }),
  });
}
