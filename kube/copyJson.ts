// Deep copies of API objects (JSON data), as components make before changing what the API or an
// informer handed them, and as a request body to the API server of the same process is handed over.
// Several times cheaper than structuredClone, which goes through a serializer, or JSON text and back.

/** A deep copy of JSON data; an own "__proto__" key stays a data key (ConfigMap keys may be that). */
export function copyJson<T>(value: T): T {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copyJson(value[i]);
    return out as T;
  }
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = copyJson((value as Record<string, unknown>)[k]);
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out as T;
}

const OMIT = Symbol('omit');

/**
 * What JSON.parse(JSON.stringify(value)) gives, without the text: toJSON is called, undefined,
 * functions and symbols are left out of objects (null in arrays), non-finite numbers become null.
 */
export function jsonValueOf(value: unknown): unknown {
  const v = toJsonValue(value, false);
  return v === OMIT ? undefined : v;
}

function toJsonValue(value: unknown, inArray: boolean): unknown {
  const withToJson = value as { toJSON?: unknown } | null;
  if (withToJson !== null && typeof withToJson === 'object' && typeof withToJson.toJSON === 'function') {
    value = (withToJson as { toJSON(): unknown }).toJSON();
  }
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      return Number.isFinite(value) ? value : null;
    case 'object':
      break;
    case 'bigint':
      throw new TypeError('Do not know how to serialize a BigInt');
    default:
      return inArray ? null : OMIT;
  }
  if (value === null) return null;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = toJsonValue(value[i], true);
    return out;
  }
  const out: Record<string, unknown> = {};
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i];
    const v = toJsonValue(obj[k], false);
    if (v === OMIT) continue;
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}
