// Server-side apply (application/apply-patch+yaml): merge the applied configuration into the live
// object, make the manager own exactly the fields it applied, drop what it applied before and no
// longer does, and refuse to overwrite values other managers own unless forced.
import { FieldSchema } from '../fieldSchema';
import { childOf, formatManagedPath, itemKey, keyElement, listKindOf, matchItem, stepInto } from './fieldPaths';
import { FieldPath, FieldSet } from './fieldSet';
import {
  ManagedFieldsEntry,
  ManagerState,
  appliedFieldSet,
  decodeManagedFields,
  diffFields,
  encodeManagedFields,
  managerIdentity,
  stripUntracked,
  withoutManagedFields,
} from './managedFields';
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

export interface ApplyConflict {
  manager: string;
  operation: 'Apply' | 'Update';
  /** the API version the conflicting manager wrote with */
  apiVersion: string;
  subresource?: string;
  /** Kubernetes path notation, e.g. .spec.replicas */
  field: string;
}

export interface ServerSideApplyOptions {
  /** the stored object, or undefined when apply creates it */
  live: JsonObject | undefined;
  applied: JsonObject;
  manager: string;
  force: boolean;
  schema: FieldSchema | undefined;
  apiVersion: string;
  /** RFC 3339 time of the write */
  now: string;
}

export interface ServerSideApplyResult {
  /** the object to store (the live object unchanged when there are conflicts) */
  object: JsonObject;
  /** non-empty only when the apply was refused */
  conflicts: ApplyConflict[];
}

export function serverSideApply(opts: ServerSideApplyOptions): ServerSideApplyResult {
  const { live, applied, schema } = opts;
  if (!isJsonObject(applied)) throw new PatchError('an apply patch must be an object', 400);
  if (isJsonObject(applied.metadata) && applied.metadata.managedFields != null) {
    throw new PatchError('metadata.managedFields must be nil in an apply patch', 400);
  }
  const states = decodeManagedFields(
    isJsonObject(live) && isJsonObject(live.metadata) ? live.metadata.managedFields : undefined,
  );
  const before = (withoutManagedFields(live) ?? {}) as JsonObject;

  const merged = mergeApplied(cloneJson(before), applied, schema, []) as JsonObject;
  const self: ManagerState = {
    manager: opts.manager,
    operation: 'Apply',
    apiVersion: opts.apiVersion,
    set: new FieldSet(),
  };
  const id = managerIdentity(self);
  const previous = states.get(id);
  const applying = stripUntracked(appliedFieldSet(applied, schema, merged), false);

  let owned = applying;
  for (const [key, s] of states) if (key !== id) owned = owned.union(s.set);
  if (previous) prune(merged, previous.set.difference(owned), owned, schema);

  const diff = diffFields(before, merged, schema);
  const changed = stripUntracked(diff.changed, false);
  const removed = stripUntracked(diff.removed, false);
  const conflicts: ApplyConflict[] = [];
  for (const [key, s] of states) {
    if (key === id) continue;
    for (const path of s.set.intersection(changed).members()) {
      conflicts.push({
        manager: s.manager,
        operation: s.operation,
        apiVersion: s.apiVersion,
        subresource: s.subresource,
        field: formatManagedPath(path),
      });
    }
  }
  if (conflicts.length && !opts.force) return { object: cloneJson(live ?? {}), conflicts: sortConflicts(conflicts) };

  for (const [key, s] of states) {
    // forcing moves the contested fields to the applier; removed fields belong to nobody
    if (key !== id) s.set = s.set.difference(changed).difference(removed);
  }
  const objectChanged = !diff.changed.isEmpty() || !diff.removed.isEmpty();
  states.set(id, { ...self, time: objectChanged || !previous ? opts.now : previous.time, set: applying });
  return { object: withManagedFields(merged, encodeManagedFields(states.values())), conflicts: [] };
}

function withManagedFields(obj: JsonObject, entries: ManagedFieldsEntry[]): JsonObject {
  const metadata: JsonObject = isJsonObject(obj.metadata) ? obj.metadata : {};
  // re-added at the end, where the API server prints it
  delete metadata.managedFields;
  if (entries.length) {
    metadata.managedFields = entries as unknown as JsonValue[];
    obj.metadata = metadata;
  }
  return obj;
}

function sortConflicts(list: ApplyConflict[]): ApplyConflict[] {
  // managers alphabetically; each manager's fields stay in FieldsV1 order
  return list
    .map((c, i) => ({ c, i }))
    .sort((a, b) => a.c.manager.localeCompare(b.c.manager) || a.i - b.i)
    .map(({ c }) => c);
}

// ---- merging ----

function describePath(path: string[]): string {
  return formatManagedPath(path) || '.';
}

/**
 * Applied values win; maps merge; lists merge by their list type; null removes. `live` is a
 * private copy that is merged into in place; applied values are copied, never shared.
 */
function mergeApplied(
  live: JsonValue | undefined,
  applied: JsonValue,
  schema: FieldSchema | undefined,
  path: string[],
): JsonValue | undefined {
  if (applied === null) return undefined;
  if (Array.isArray(applied)) {
    const kind = listKindOf(schema);
    if (kind.type === 'atomic') return cloneJson(applied);
    const liveList = Array.isArray(live) ? live : [];
    if (kind.type === 'set') {
      const ids = applied.map(canonicalJson);
      const seen = new Set<string>();
      const unique = applied.filter((_, i) => !seen.has(ids[i]) && seen.add(ids[i]));
      const matches = unique.map((item) => liveList.findIndex((o) => jsonEqual(o, item)));
      return interleave(liveList, unique, matches, (_live, item) => cloneJson(item));
    }
    const taken = new Set<number>();
    const keys = new Set<string>();
    const matches = applied.map((item) => {
      const key = itemKey(item, kind);
      if (!key) {
        throw new PatchError(
          `${describePath(path)}: every item of this list needs the key field(s) ${kind.keys.map((k) => JSON.stringify(k)).join(', ')}`,
        );
      }
      const el = keyElement(key);
      if (keys.has(el))
        throw new PatchError(`${describePath(path)}: duplicate entries for key ${formatManagedPath([el])}`);
      keys.add(el);
      const i = matchItem(liveList, item, kind, taken);
      if (i >= 0) taken.add(i);
      return i;
    });
    return interleave(
      liveList,
      applied,
      matches,
      (liveItem, item) =>
        mergeApplied(liveItem, item, schema?.elements(), [...path, keyElement(itemKey(item, kind)!)]) as JsonValue,
    );
  }
  if (isJsonObject(applied)) {
    if (schema?.mapType === 'atomic') return cloneJson(applied);
    const out: JsonObject = isJsonObject(live) ? live : {};
    for (const [k, v] of Object.entries(applied)) {
      const has = Object.prototype.hasOwnProperty.call(out, k);
      const merged = mergeApplied(has ? out[k] : undefined, v, childOf(schema, k).schema, [...path, `f:${k}`]);
      if (merged === undefined) delete out[k];
      else setKey(out, k, merged);
    }
    return out;
  }
  return applied;
}

/**
 * Combines a live list with applied items: items both have appear in the applied order, new
 * items where the applied list puts them, and items only the live list has stay where they were.
 */
function interleave(
  live: readonly JsonValue[],
  applied: readonly JsonValue[],
  matches: readonly number[],
  merge: (liveItem: JsonValue | undefined, item: JsonValue) => JsonValue,
): JsonValue[] {
  const appliedOf = new Map<number, number>();
  matches.forEach((li, ai) => li >= 0 && appliedOf.set(li, ai));
  const out: JsonValue[] = [];
  const done = new Set<number>();
  let li = 0;
  let ai = 0;
  while (li < live.length || ai < applied.length) {
    if (li < live.length) {
      const a = appliedOf.get(li);
      if (a === undefined) {
        out.push(live[li++]);
        continue;
      }
      if (done.has(a)) {
        li++;
        continue;
      }
    }
    if (ai < applied.length) {
      const m = matches[ai];
      out.push(merge(m >= 0 ? live[m] : undefined, applied[ai]));
      done.add(ai++);
      continue;
    }
    li++;
  }
  return out;
}

// ---- pruning ----

/**
 * Removes the fields the manager applied last time and no longer applies, unless another
 * manager owns them. A node that still has owned fields below it stays; maps and lists that
 * the removal leaves empty go too, unless someone owns them.
 */
function prune(obj: JsonObject, candidates: FieldSet, owned: FieldSet, schema: FieldSchema | undefined): void {
  for (const path of candidates.members()) {
    if (owned.hasMemberBelow(path)) continue;
    removeAt(obj, path, owned, schema);
  }
}

function removeAt(root: JsonObject, path: FieldPath, owned: FieldSet, schema: FieldSchema | undefined): void {
  const steps: { value: JsonValue; remove(): void }[] = [];
  let cur: JsonValue = root;
  let s = schema;
  for (const el of path) {
    const step = stepInto(cur, el, s);
    if (!step) return; // already gone
    steps.push(step);
    cur = step.value;
    s = step.schema;
  }
  steps[steps.length - 1].remove();
  for (let depth = steps.length - 2; depth >= 0; depth--) {
    const v = steps[depth].value;
    const empty = Array.isArray(v) ? v.length === 0 : isJsonObject(v) && Object.keys(v).length === 0;
    if (!empty || owned.has(path.slice(0, depth + 1))) return;
    steps[depth].remove();
  }
}

// ---- the 409 a refused apply answers with ----

function describeManager(c: ApplyConflict): string {
  let out = JSON.stringify(c.manager);
  if (c.subresource) out += ` with subresource ${JSON.stringify(c.subresource)}`;
  if (c.operation === 'Update') out += ` using ${c.apiVersion}`;
  return out;
}

export interface ApplyConflictCause {
  reason: 'FieldManagerConflict';
  message: string;
  field: string;
}

/**
 * The message and details.causes of the 409 Conflict Status, worded as the Kubernetes API server
 * words them (kubectl prints them verbatim). `apiVersion` stands in for conflicts without one.
 */
export function formatApplyConflicts(
  conflicts: readonly ApplyConflict[],
  apiVersion?: string,
): { message: string; causes: ApplyConflictCause[] } {
  const withVersion = conflicts.map((c) => ({ ...c, apiVersion: c.apiVersion || apiVersion || '' }));
  const causes = withVersion.map((c) => ({
    reason: 'FieldManagerConflict' as const,
    message: `conflict with ${describeManager(c)}`,
    field: c.field,
  }));
  if (withVersion.length === 1) {
    return {
      message: `Apply failed with 1 conflict: conflict with ${describeManager(withVersion[0])}: ${withVersion[0].field}`,
      causes,
    };
  }
  const byManager = new Map<string, string[]>();
  for (const c of withVersion) {
    const who = describeManager(c);
    byManager.set(who, [...(byManager.get(who) ?? []), c.field]);
  }
  const lines: string[] = [];
  for (const who of [...byManager.keys()].sort()) {
    lines.push(`conflicts with ${who}:`);
    for (const f of byManager.get(who)!) lines.push(`- ${f}`);
  }
  return { message: `Apply failed with ${withVersion.length} conflicts: ${lines.join('\n')}`, causes };
}

/** The complete Status object for a refused apply. */
export function applyConflictStatus(conflicts: readonly ApplyConflict[], apiVersion?: string): JsonObject {
  const { message, causes } = formatApplyConflicts(conflicts, apiVersion);
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message,
    reason: 'Conflict',
    details: { causes: causes.map((c) => ({ ...c })) },
    code: 409,
  };
}
