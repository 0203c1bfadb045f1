// Following a FieldsV1 path through an object with its schema: how a list is keyed (list type, merge keys), which
// item an element names, one step down, and the path as Kubernetes prints it in conflict messages. Shared by
// managedFields bookkeeping, server-side apply and the syncer's diff.
import { FieldSchema } from '../fieldSchema';
import type { FieldPath } from './fieldSet';
import { JsonObject, JsonValue, canonicalJson, isJsonObject, jsonEqual } from './mergePatch';

/** The key fields of a list map's items, and the schema defaults of those an item may leave out. */
export interface MapKeys {
  readonly keys: readonly string[];
  readonly defaults?: JsonObject;
}

export type ListKind = { type: 'atomic' } | { type: 'set' } | ({ type: 'map' } & MapKeys);

/** How apply treats a list: x-kubernetes-list-type first, then the patch strategy. */
export function listKindOf(schema: FieldSchema | undefined): ListKind {
  if (!schema) return { type: 'atomic' };
  if (schema.listType === 'map' && schema.listMapKeys?.length) return mapKind(schema, schema.listMapKeys);
  if (schema.listType === 'map' && schema.patchMergeKey) return mapKind(schema, [schema.patchMergeKey]);
  if (schema.listType === 'set') return { type: 'set' };
  if (schema.listType === 'atomic') return { type: 'atomic' };
  if ((schema.patchStrategy ?? '').split(',').includes('merge')) {
    return schema.patchMergeKey ? mapKind(schema, [schema.patchMergeKey]) : { type: 'set' };
  }
  return { type: 'atomic' };
}

function mapKind(schema: FieldSchema, keys: readonly string[]): ListKind {
  const items = schema.elements();
  const defaults: JsonObject = {};
  for (const k of keys) {
    const d = items?.field(k)?.default;
    if (d !== undefined) defaults[k] = d as JsonValue;
  }
  return Object.keys(defaults).length ? { type: 'map', keys, defaults } : { type: 'map', keys };
}

/** The schema of a key, and whether the key is a declared property (not a map entry or unknown field). */
export function childOf(
  schema: FieldSchema | undefined,
  name: string,
): { schema: FieldSchema | undefined; declared: boolean } {
  if (!schema) return { schema: undefined, declared: false };
  if (schema.type === 'map') return { schema: schema.elements(), declared: false };
  const f = schema.field(name);
  return f ? { schema: f, declared: true } : { schema: schema.elements(), declared: false };
}

/**
 * The key of an item: the key fields it carries, with the schema default for a key field it leaves out (as
 * Kubernetes keys a Service port without protocol as protocol TCP), or undefined if it carries none.
 */
export function itemKey(item: JsonValue, { keys, defaults }: MapKeys): JsonObject | undefined {
  if (!isJsonObject(item)) return undefined;
  const out: JsonObject = {};
  for (const k of keys) if (Object.prototype.hasOwnProperty.call(item, k)) out[k] = item[k];
  if (!Object.keys(out).length) return undefined;
  for (const k of keys) if (!(k in out) && defaults?.[k] !== undefined) out[k] = defaults[k];
  return out;
}

export const fieldElement = (name: string): string => `f:${name}`;
export const keyElement = (key: JsonObject): string => `k:${canonicalJson(key)}`;
export const valueElement = (v: JsonValue): string => `v:${canonicalJson(v)}`;

/**
 * The index of the item in `list` that `item` denotes: the same key fields, or failing that an
 * item agreeing on the key fields `item` has (a key field the server defaulted, such as a
 * port's protocol, is absent from the applied item but present in the live one).
 */
export function matchItem(
  list: readonly JsonValue[],
  item: JsonValue,
  keys: MapKeys,
  taken?: ReadonlySet<number>,
): number {
  const key = itemKey(item, keys);
  if (!key) return -1;
  const free = (i: number): boolean => !taken?.has(i);
  const exact = list.findIndex((o, i) => free(i) && jsonEqual(itemKey(o, keys), key));
  if (exact >= 0) return exact;
  return list.findIndex(
    (o, i) => free(i) && isJsonObject(o) && Object.entries(key).every(([k, v]) => jsonEqual(o[k], v)),
  );
}

/** One step down a path: the child value, its schema, and how to remove it from its container. */
export function stepInto(
  container: JsonValue | undefined,
  el: string,
  schema: FieldSchema | undefined,
): { value: JsonValue; schema: FieldSchema | undefined; remove(): void } | undefined {
  if (el.startsWith('f:') && isJsonObject(container)) {
    const name = el.slice(2);
    if (!Object.prototype.hasOwnProperty.call(container, name)) return undefined;
    return { value: container[name], schema: childOf(schema, name).schema, remove: () => delete container[name] };
  }
  if (!Array.isArray(container)) return undefined;
  let i = -1;
  if (el.startsWith('k:')) {
    const key = parseJson(el.slice(2));
    if (!isJsonObject(key)) return undefined;
    const kind = listKindOf(schema);
    const keys: MapKeys = kind.type === 'map' ? kind : { keys: Object.keys(key) };
    i = container.findIndex((o) => jsonEqual(itemKey(o, keys), key));
  } else if (el.startsWith('v:')) {
    const text = el.slice(2);
    i = container.findIndex((o) => canonicalJson(o) === text);
  } else if (el.startsWith('i:')) {
    i = Number(el.slice(2));
  }
  if (!(i >= 0 && i < container.length)) return undefined;
  return { value: container[i], schema: schema?.elements(), remove: () => container.splice(i, 1) };
}

function parseJson(text: string): JsonValue | undefined {
  try {
    return JSON.parse(text) as JsonValue;
  } catch {
    return undefined;
  }
}

/** Kubernetes' notation for a path in conflict messages: .spec.containers[name="web"].image */
export function formatManagedPath(path: FieldPath): string {
  let out = '';
  for (const el of path) {
    const body = el.slice(2);
    if (el.startsWith('f:')) out += `.${body}`;
    else if (el.startsWith('i:')) out += `[${body}]`;
    else if (el.startsWith('v:')) out += `[=${body}]`;
    else if (el.startsWith('k:')) {
      const key = parseJson(body);
      out += isJsonObject(key)
        ? `[${Object.entries(key)
            .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
            .join(',')}]`
        : `[${body}]`;
    }
  }
  return out;
}
