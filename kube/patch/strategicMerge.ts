// Kubernetes strategic merge patch (application/strategic-merge-patch+json): a JSON merge patch
// whose lists follow the schema's patch strategy, plus the $-directives kubectl sends.
import { FieldSchema } from '../fieldSchema';
import {
  JsonObject,
  JsonValue,
  PatchError,
  canonicalJson,
  cloneJson,
  isJsonObject,
  jsonEqual,
  setKey,
} from './mergePatch';

const PATCH = '$patch';
const RETAIN_KEYS = '$retainKeys';
const SET_ORDER = '$setElementOrder/';
const DELETE_PRIMITIVE = '$deleteFromPrimitiveList/';

// What a nested `{"$patch":"delete"}` map turns into, so its parent drops the key.
const DELETED = Symbol('deleted');

function isDirective(key: string): boolean {
  return key === PATCH || key === RETAIN_KEYS || key.startsWith(SET_ORDER) || key.startsWith(DELETE_PRIMITIVE);
}

function strategies(schema: FieldSchema | undefined): string[] {
  return (schema?.patchStrategy ?? '').split(',').map((s) => s.trim());
}

function childSchema(schema: FieldSchema | undefined, name: string): FieldSchema | undefined {
  if (!schema) return undefined;
  if (schema.type === 'map') return schema.elements();
  return schema.field(name) ?? schema.elements();
}

/**
 * Applies a strategic merge patch to a copy of `target`. Without a schema (custom resources)
 * every list is replaced whole, which makes this a JSON merge patch that still honours the
 * map directives. Throws PatchError on malformed directives.
 */
export function applyStrategicMergePatch(target: unknown, patch: unknown, schema: FieldSchema | undefined): JsonObject {
  if (!isJsonObject(patch)) throw new PatchError('a strategic merge patch must be a JSON object', 400);
  // one copy up front; the merge below then works in place on it
  const merged = mergeMap(isJsonObject(target) ? cloneJson(target) : undefined, patch, schema);
  // `$patch: delete` at the top leaves an empty object; the object itself cannot vanish
  return merged === DELETED ? {} : merged;
}

/** Merges into `original` in place (it must be a private copy); values from the patch are never shared. */
function mergeMap(
  original: JsonObject | undefined,
  patch: JsonObject,
  schema: FieldSchema | undefined,
): JsonObject | typeof DELETED {
  if (PATCH in patch) {
    const directive = patch[PATCH];
    if (directive === 'delete') return DELETED;
    if (directive === 'replace') {
      const rest: JsonObject = {};
      for (const [k, v] of Object.entries(patch)) if (k !== PATCH) setKey(rest, k, v);
      return mergeMap(undefined, rest, schema);
    }
    throw new PatchError(`unknown patch directive ${JSON.stringify(directive)} (expected "replace" or "delete")`, 400);
  }
  const out: JsonObject = original ?? {};
  if (RETAIN_KEYS in patch) retainKeys(out, patch);
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(DELETE_PRIMITIVE)) deleteFromPrimitiveList(out, k.slice(DELETE_PRIMITIVE.length), v);
  }
  for (const [k, v] of Object.entries(patch)) {
    if (isDirective(k)) continue;
    if (v === null) {
      delete out[k];
      continue;
    }
    const fs = childSchema(schema, k);
    const current = Object.prototype.hasOwnProperty.call(out, k) ? out[k] : undefined;
    if (Array.isArray(v)) {
      setKey(out, k, mergeList(Array.isArray(current) ? current : [], v, fs));
    } else if (isJsonObject(v)) {
      const replace = strategies(fs).includes('replace');
      const merged = mergeMap(!replace && isJsonObject(current) ? current : undefined, v, fs);
      if (merged === DELETED) delete out[k];
      else setKey(out, k, merged);
    } else {
      setKey(out, k, v);
    }
  }
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith(SET_ORDER)) {
      const field = k.slice(SET_ORDER.length);
      const list = out[field];
      if (!Array.isArray(v)) throw new PatchError(`${k} must be a list`, 400);
      if (Array.isArray(list)) setKey(out, field, reorder(list, v, childSchema(schema, field)?.patchMergeKey));
    }
  }
  return out;
}

/** `$retainKeys`: the union-type strategy, where only the listed keys may survive. */
function retainKeys(out: JsonObject, patch: JsonObject): void {
  const keep = patch[RETAIN_KEYS];
  if (!Array.isArray(keep) || !keep.every((k) => typeof k === 'string'))
    throw new PatchError(`${RETAIN_KEYS} must be a list of field names`, 400);
  const allowed = new Set(keep as string[]);
  for (const [k, v] of Object.entries(patch)) {
    if (v !== null && !isDirective(k) && !allowed.has(k)) {
      throw new PatchError(`the patch sets ${JSON.stringify(k)}, which its ${RETAIN_KEYS} list does not include`);
    }
  }
  for (const k of Object.keys(out)) if (!allowed.has(k)) delete out[k];
}

function deleteFromPrimitiveList(out: JsonObject, field: string, values: JsonValue): void {
  if (!Array.isArray(values)) throw new PatchError(`${DELETE_PRIMITIVE}${field} must be a list`, 400);
  const list = out[field];
  if (!Array.isArray(list)) return;
  setKey(
    out,
    field,
    list.filter((item) => !values.some((d) => jsonEqual(d, item))),
  );
}

/** The value of a patch element that is only a directive marker, e.g. `{"$patch":"replace"}`. */
function markerOf(item: JsonValue): JsonValue | undefined {
  return isJsonObject(item) && PATCH in item ? item[PATCH] : undefined;
}

function mergeList(original: JsonValue[], patch: JsonValue[], schema: FieldSchema | undefined): JsonValue[] {
  const elements = schema?.elements();
  const key = schema?.patchMergeKey;
  const mergeable = strategies(schema).includes('merge');
  const hasMaps = patch.some(isJsonObject) || original.some(isJsonObject);
  // lists of maps without a merge key cannot be merged item by item: they are replaced whole
  if (!mergeable || (hasMaps && !key)) return cleanList(patch, elements);

  let out = original;
  const rest: JsonValue[] = [];
  let replace = false;
  for (const item of patch) {
    const marker = markerOf(item);
    if (marker === undefined) {
      rest.push(item);
    } else if (marker === 'replace') {
      replace = true;
    } else if (marker === 'delete') {
      const obj = item as JsonObject;
      if (!key || !(key in obj))
        throw new PatchError(
          `a {"$patch":"delete"} list element needs the merge key ${JSON.stringify(key ?? '')}`,
          400,
        );
      out = out.filter((o) => !(isJsonObject(o) && jsonEqual(o[key], obj[key])));
    } else {
      throw new PatchError(
        `unknown patch directive ${JSON.stringify(marker)} in a list (expected "replace" or "delete")`,
        400,
      );
    }
  }
  if (replace) return cleanList(rest, elements);

  if (!hasMaps) {
    // a set of primitives (finalizers): union, keeping the existing order
    for (const item of rest) if (!out.some((o) => jsonEqual(o, item))) out.push(item);
    return out;
  }
  for (const item of rest) {
    if (!isJsonObject(item))
      throw new PatchError(
        `a list merged by ${JSON.stringify(key)} can only hold objects, got ${JSON.stringify(item)}`,
      );
    if (!(key! in item))
      throw new PatchError(
        `a list element in the patch is missing its merge key ${JSON.stringify(key)}: ${JSON.stringify(item)}`,
      );
    const i = out.findIndex((o) => isJsonObject(o) && jsonEqual(o[key!], item[key!]));
    const merged = mergeMap(i >= 0 ? (out[i] as JsonObject) : undefined, item, elements);
    if (merged === DELETED) {
      if (i >= 0) out.splice(i, 1);
    } else if (i >= 0) {
      out[i] = merged;
    } else {
      out.push(merged);
    }
  }
  return out;
}

/** A list taken whole from the patch: directives inside it are resolved, not stored. */
function cleanList(items: JsonValue[], elements: FieldSchema | undefined): JsonValue[] {
  const out: JsonValue[] = [];
  for (const item of items) {
    if (markerOf(item) !== undefined && Object.keys(item as JsonObject).length === 1) continue;
    if (isJsonObject(item)) {
      const m = mergeMap(undefined, item, elements);
      if (m !== DELETED) out.push(m);
    } else if (Array.isArray(item)) {
      out.push(cleanList(item, elements?.elements()));
    } else {
      out.push(item);
    }
  }
  return out;
}

/**
 * `$setElementOrder`: the listed items take the listed order. Items the patch did not mention
 * (server-side additions) keep their positions, so the order is applied within the slots the
 * listed items occupy.
 */
function reorder(list: JsonValue[], order: JsonValue[], key: string | undefined): JsonValue[] {
  const idOf = (item: JsonValue): string | undefined => {
    if (isJsonObject(item)) return key && key in item ? canonicalJson(item[key]) : undefined;
    return canonicalJson(item);
  };
  const rank = new Map<string, number>();
  order.forEach((o, i) => {
    const id = idOf(o);
    if (id !== undefined && !rank.has(id)) rank.set(id, i);
  });
  const slots: number[] = [];
  list.forEach((item, i) => {
    const id = idOf(item);
    if (id !== undefined && rank.has(id)) slots.push(i);
  });
  const sorted = slots.map((i) => list[i]).sort((a, b) => rank.get(idOf(a)!)! - rank.get(idOf(b)!)!);
  const out = list.slice();
  slots.forEach((slot, n) => (out[slot] = sorted[n]));
  return out;
}
