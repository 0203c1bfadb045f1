// metadata.managedFields: which manager owns which fields (field sets in fieldSet.ts, paths followed through
// objects in fieldPaths.ts), the field set an applied object makes, and the bookkeeping an ordinary write (POST,
// PUT, non-apply PATCH with a fieldManager) does on the entries.
import { FieldSchema } from '../fieldSchema';
import { childOf, fieldElement, itemKey, keyElement, listKindOf, matchItem, valueElement } from './fieldPaths';
import { FieldSet, FieldsV1 } from './fieldSet';
import { JsonObject, JsonValue, isJsonObject, jsonEqual } from './mergePatch';

export interface ManagedFieldsEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  fieldsType: 'FieldsV1';
  fieldsV1: FieldsV1;
  subresource?: string;
}

// ---- field sets of objects ----

function isStruct(schema: FieldSchema | undefined): boolean {
  return schema?.type === 'object';
}

/**
 * The fields an applied configuration sets. As in Kubernetes, a declared field holding a
 * non-empty object is only a parent, while map entries, list items, leaves and empty objects
 * are members. Key elements use the key fields of the matching item in `reference` (the merged
 * object), so a key field defaulted on the live item keeps naming the same item.
 */
export function appliedFieldSet(applied: JsonObject, schema: FieldSchema | undefined, reference?: JsonValue): FieldSet {
  const set = new FieldSet();
  const visit = (
    value: JsonValue,
    s: FieldSchema | undefined,
    ref: JsonValue | undefined,
    path: string[],
    declared: boolean,
  ): void => {
    if (Array.isArray(value)) {
      const kind = listKindOf(s);
      if (kind.type === 'atomic') return set.insert(path);
      if (kind.type === 'set') {
        for (const item of value) set.insert([...path, valueElement(item)]);
        return;
      }
      const refList = Array.isArray(ref) ? ref : [];
      for (const item of value) {
        const r = refList[matchItem(refList, item, kind)];
        const key = itemKey(r ?? item, kind);
        if (!key) continue;
        const itemPath = [...path, keyElement(key)];
        set.insert(itemPath);
        visitObject(item, s?.elements(), r, itemPath);
      }
      return;
    }
    if (isJsonObject(value) && s?.mapType !== 'atomic' && Object.keys(value).length > 0) {
      visitObject(value, s, ref, path);
      if (!declared) set.insert(path);
      return;
    }
    set.insert(path);
  };
  const visitObject = (
    value: JsonValue,
    s: FieldSchema | undefined,
    ref: JsonValue | undefined,
    path: string[],
  ): void => {
    if (!isJsonObject(value)) return;
    for (const [k, v] of Object.entries(value)) {
      const c = childOf(s, k);
      visit(v, c.schema, isJsonObject(ref) ? ref[k] : undefined, [...path, fieldElement(k)], c.declared);
    }
  };
  visitObject(applied, schema, reference, []);
  return set;
}

/**
 * Every path in a subtree that appeared or vanished. Nodes that are new get their own "." entry,
 * as Kubernetes records them, except declared struct fields, which Go objects always carry.
 */
function collectAll(
  value: JsonValue,
  schema: FieldSchema | undefined,
  path: string[],
  declared: boolean,
  set: FieldSet,
): void {
  if (Array.isArray(value)) {
    set.insert(path);
    const kind = listKindOf(schema);
    if (kind.type === 'set') for (const item of value) set.insert([...path, valueElement(item)]);
    if (kind.type === 'map') {
      for (const item of value) {
        const key = itemKey(item, kind);
        if (key) collectAll(item, schema?.elements(), [...path, keyElement(key)], false, set);
      }
    }
    return;
  }
  if (isJsonObject(value) && schema?.mapType !== 'atomic' && Object.keys(value).length > 0) {
    if (!(declared && isStruct(schema))) set.insert(path);
    for (const [k, v] of Object.entries(value)) {
      const c = childOf(schema, k);
      collectAll(v, c.schema, [...path, fieldElement(k)], c.declared, set);
    }
    return;
  }
  set.insert(path);
}

export interface FieldChanges {
  /** paths that are new or have a new value */
  changed: FieldSet;
  /** paths that no longer exist */
  removed: FieldSet;
}

/** What a write changed, path by path, following the schema's list semantics. */
export function diffFields(
  before: JsonValue | undefined,
  after: JsonValue | undefined,
  schema: FieldSchema | undefined,
): FieldChanges {
  const changed = new FieldSet();
  const removed = new FieldSet();
  const compare = (
    a: JsonValue | undefined,
    b: JsonValue | undefined,
    s: FieldSchema | undefined,
    path: string[],
    declared: boolean,
  ): void => {
    if (a === undefined && b === undefined) return;
    if (a === undefined) return collectAll(b!, s, path, declared, changed);
    if (b === undefined) return collectAll(a, s, path, declared, removed);
    if (Array.isArray(a) && Array.isArray(b)) {
      const kind = listKindOf(s);
      if (kind.type === 'atomic') {
        if (!jsonEqual(a, b)) changed.insert(path);
        return;
      }
      const index = (list: JsonValue[]): Map<string, JsonValue> => {
        const m = new Map<string, JsonValue>();
        for (const item of list) {
          const key = kind.type === 'set' ? item : itemKey(item, kind);
          if (key !== undefined) {
            const el = kind.type === 'set' ? valueElement(key) : keyElement(key as JsonObject);
            if (!m.has(el)) m.set(el, item);
          }
        }
        return m;
      };
      const ia = index(a);
      const ib = index(b);
      for (const el of new Set([...ia.keys(), ...ib.keys()])) {
        if (kind.type === 'set') {
          if (!ia.has(el)) changed.insert([...path, el]);
          else if (!ib.has(el)) removed.insert([...path, el]);
        } else {
          compare(ia.get(el), ib.get(el), s?.elements(), [...path, el], false);
        }
      }
      return;
    }
    if (isJsonObject(a) && isJsonObject(b) && s?.mapType !== 'atomic') {
      for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
        const c = childOf(s, k);
        const has = (o: JsonObject): boolean => Object.prototype.hasOwnProperty.call(o, k);
        compare(has(a) ? a[k] : undefined, has(b) ? b[k] : undefined, c.schema, [...path, fieldElement(k)], c.declared);
      }
      return;
    }
    if (jsonEqual(a, b)) return;
    changed.insert(path);
    // a value that changed shape: what was below it is gone, what is below it now is new
    if (typeof a === 'object' && a !== null) collectAll(a, s, path, declared, removed);
    if (typeof b === 'object' && b !== null) collectAll(b, s, path, declared, changed);
  };
  compare(before, after, schema, [], false);
  // a path both removed and changed is a replaced value: it still exists
  return { changed, removed: removed.difference(changed) };
}

// ---- fields Kubernetes never assigns to a manager ----

const UNTRACKED = (() => {
  const set = new FieldSet();
  set.insert(['f:apiVersion']);
  set.insert(['f:kind']);
  set.insert(['f:metadata']);
  for (const f of [
    'name',
    'namespace',
    'uid',
    'resourceVersion',
    'generation',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'selfLink',
  ]) {
    set.insert(['f:metadata', fieldElement(f)]);
  }
  return set;
})();

/**
 * Drops the server-owned identity and bookkeeping fields. Status is tracked only for writes to
 * the status subresource: for main-resource writes the server resets it, as for built-in kinds.
 */
export function stripUntracked(set: FieldSet, trackStatus: boolean): FieldSet {
  let out = set.difference(UNTRACKED).withoutSubtree(['f:metadata', 'f:managedFields']);
  if (!trackStatus) out = out.withoutSubtree(['f:status']);
  return out;
}

/** A shallow copy without metadata.managedFields, so bookkeeping never diffs itself. */
export function withoutManagedFields(obj: JsonValue | undefined): JsonValue | undefined {
  if (!isJsonObject(obj) || !isJsonObject(obj.metadata) || !('managedFields' in obj.metadata)) return obj;
  const { managedFields: _drop, ...metadata } = obj.metadata;
  return { ...obj, metadata };
}

// ---- entries ----

export interface ManagerState {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

/** Kubernetes keeps one entry per manager, operation and (for updates) API version and subresource. */
export function managerIdentity(m: Pick<ManagerState, 'manager' | 'operation' | 'apiVersion' | 'subresource'>): string {
  return JSON.stringify([m.manager, m.operation, m.operation === 'Update' ? m.apiVersion : '', m.subresource ?? '']);
}

/** Parses metadata.managedFields, skipping entries that are not FieldsV1 (they cannot be interpreted). */
export function decodeManagedFields(raw: unknown): Map<string, ManagerState> {
  const out = new Map<string, ManagerState>();
  if (!Array.isArray(raw)) return out;
  for (const e of raw) {
    if (!isJsonObject(e) || typeof e.manager !== 'string' || (e.operation !== 'Apply' && e.operation !== 'Update'))
      continue;
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') continue;
    const state: ManagerState = {
      manager: e.manager,
      operation: e.operation,
      apiVersion: typeof e.apiVersion === 'string' ? e.apiVersion : '',
      time: typeof e.time === 'string' ? e.time : undefined,
      subresource: typeof e.subresource === 'string' && e.subresource ? e.subresource : undefined,
      set: FieldSet.fromFieldsV1(e.fieldsV1),
    };
    const id = managerIdentity(state);
    const prev = out.get(id);
    out.set(id, prev ? { ...state, set: prev.set.union(state.set) } : state);
  }
  return out;
}

function seconds(time: string | undefined): number {
  const t = time ? Date.parse(time) : NaN;
  return Number.isNaN(t) ? 0 : Math.floor(t / 1000);
}

/** Entries in the order the API server stores them: Apply before Update, then oldest first. */
export function encodeManagedFields(states: Iterable<ManagerState>): ManagedFieldsEntry[] {
  const list = [...states].filter((s) => !s.set.isEmpty());
  list.sort(
    (p, q) =>
      p.operation.localeCompare(q.operation) ||
      seconds(p.time) - seconds(q.time) ||
      (p.manager < q.manager ? -1 : p.manager > q.manager ? 1 : 0) ||
      (p.apiVersion < q.apiVersion ? -1 : p.apiVersion > q.apiVersion ? 1 : 0) ||
      (p.subresource ?? '').localeCompare(q.subresource ?? ''),
  );
  // key order as the API server serialises an entry
  return list.map((s) => ({
    manager: s.manager,
    operation: s.operation,
    apiVersion: s.apiVersion,
    ...(s.time !== undefined ? { time: s.time } : {}),
    fieldsType: 'FieldsV1',
    fieldsV1: s.set.toFieldsV1(),
    ...(s.subresource ? { subresource: s.subresource } : {}),
  }));
}

export interface UpdateManagedFieldsOptions {
  /** the stored object, or undefined on create */
  old: unknown;
  /** the object about to be stored */
  updated: unknown;
  manager: string;
  operation: 'Update';
  /** the API version the request was made in, e.g. apps/v1 */
  apiVersion: string;
  /** RFC 3339 time of the write */
  now: string;
  schema: FieldSchema | undefined;
  /** 'status' or 'scale' for writes to a subresource */
  subresource?: string;
}

/**
 * The managedFields after an ordinary write: fields the write added or changed now belong to
 * `manager` alone, fields it removed belong to nobody. Returns undefined when no manager owns
 * anything (the object then carries no managedFields).
 */
export function updateManagedFields(opts: UpdateManagedFieldsOptions): ManagedFieldsEntry[] | undefined {
  const states = startingEntries(opts.old, opts.updated);
  const diff = diffFields(
    withoutManagedFields(opts.old as JsonValue) ?? {},
    withoutManagedFields(opts.updated as JsonValue),
    opts.schema,
  );
  const trackStatus = opts.subresource === 'status';
  const changed = stripUntracked(diff.changed, trackStatus);
  const removed = stripUntracked(diff.removed, trackStatus);
  const self: ManagerState = {
    manager: opts.manager,
    operation: 'Update',
    apiVersion: opts.apiVersion,
    subresource: opts.subresource,
    set: new FieldSet(),
  };
  const id = managerIdentity(self);
  for (const [key, s] of states) {
    if (key === id) continue;
    s.set = s.set.difference(changed).difference(removed);
  }
  const prev = states.get(id);
  const set = (prev?.set ?? new FieldSet()).difference(removed).union(changed);
  // the timestamp moves only when this write took ownership of something
  const time = changed.isEmpty() ? (prev?.time ?? opts.now) : opts.now;
  states.set(id, { ...self, time, set });
  const entries = encodeManagedFields(states.values());
  return entries.length ? entries : undefined;
}

/**
 * As the API server does: managedFields sent with the write win, an explicit empty list resets
 * them, and a request without them keeps the stored ones.
 */
function startingEntries(old: unknown, updated: unknown): Map<string, ManagerState> {
  const sent = isJsonObject(updated) && isJsonObject(updated.metadata) ? updated.metadata.managedFields : undefined;
  if (Array.isArray(sent) && sent.length === 0) return new Map();
  if (Array.isArray(sent)) {
    const decoded = decodeManagedFields(sent);
    if (decoded.size) return decoded;
  }
  return decodeManagedFields(isJsonObject(old) && isJsonObject(old.metadata) ? old.metadata.managedFields : undefined);
}
