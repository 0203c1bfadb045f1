// RFC 7386 JSON merge patch, plus the JSON value helpers and error type that the other patch
// kinds build on (strategic merge and apply are both extensions of this merge).

export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

/** A patch the server cannot apply; `status` is the HTTP code the API answers with. */
export class PatchError extends Error {
  readonly status: 400 | 422;
  readonly reason: 'BadRequest' | 'Invalid';
  constructor(message: string, status: 400 | 422 = 422) {
    super(message);
    this.name = 'PatchError';
    this.status = status;
    this.reason = status === 400 ? 'BadRequest' : 'Invalid';
  }
}

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Sets a key as an own property. Plain assignment of "__proto__" would replace the prototype
 * instead, and JSON from a request may well carry that key (ConfigMap data keys allow it).
 */
export function setKey(obj: JsonObject, key: string, value: JsonValue): void {
  if (key === '__proto__')
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

export function cloneJson<T extends JsonValue | undefined>(v: T): T {
  if (Array.isArray(v)) return v.map((x) => cloneJson(x)) as T;
  if (isJsonObject(v)) {
    const out: JsonObject = {};
    for (const [k, x] of Object.entries(v)) setKey(out, k, cloneJson(x));
    return out as T;
  }
  return v;
}

/** Equality of JSON values: object key order is irrelevant, array order is not. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
  if (isJsonObject(a) && isJsonObject(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/** JSON text with object keys sorted, so equal values always give equal strings. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonicalJson).join(',')}]`;
  if (isJsonObject(v)) {
    const keys = Object.keys(v).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v ?? null);
}

/** Applies an RFC 7386 merge patch without touching either argument. */
export function applyMergePatch(target: unknown, patch: unknown): JsonValue {
  if (!isJsonObject(patch)) return cloneJson(patch as JsonValue);
  const out: JsonObject = isJsonObject(target) ? cloneJson(target) : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else setKey(out, k, applyMergePatch(Object.prototype.hasOwnProperty.call(out, k) ? out[k] : undefined, v));
  }
  return out;
}
