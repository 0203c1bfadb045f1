// FieldsV1 the applier owns in live (metadata.managedFields, FieldsV1) that the desired object no
// longer has: the user deleted them from git, and the next server-side apply removes them, unless
// another manager also owns them.
import { FieldSchema } from '../../kube/fieldSchema';
import { childOf, formatManagedPath, listKindOf } from '../../kube/patch/fieldPaths';
import type { FieldsV1 } from '../../kube/patch/fieldSet';
import { canonicalJson } from '../../kube/patch/mergePatch';
import { isRecord } from '../../kube/objects';
import { SERVER_ANNOTATIONS } from './normalize';

/** The FieldsV1 trees of the manager's apply entry, and of every other entry. */
function ownership(live: unknown, manager: string): { own?: FieldsV1; others: FieldsV1[] } {
  const metadata = isRecord(live) ? live.metadata : undefined;
  const entries = isRecord(metadata) ? metadata.managedFields : undefined;
  let own: FieldsV1 | undefined;
  const others: FieldsV1[] = [];
  if (!Array.isArray(entries)) return { others };
  for (const e of entries) {
    if (!isRecord(e) || !isRecord(e.fieldsV1)) continue;
    if (e.manager === manager && e.operation === 'Apply' && !e.subresource) own = e.fieldsV1 as FieldsV1;
    else others.push(e.fieldsV1 as FieldsV1);
  }
  return { own, others };
}

function parseKey(text: string): Record<string, unknown> | undefined {
  try {
    const v = JSON.parse(text);
    return isRecord(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The item of a keyed list whose key fields agree with `key` (a desired item may leave a defaulted key field out). */
function findByKey(list: unknown, key: Record<string, unknown>, keys: readonly string[], partial: boolean): unknown {
  if (!Array.isArray(list)) return undefined;
  return list.find((item) => {
    if (!isRecord(item)) return false;
    let some = false;
    for (const k of keys) {
      if (!(k in item)) {
        if (partial) continue;
        if (k in key) return false;
        continue;
      }
      const a = item[k];
      const b = key[k];
      if (a !== b && (typeof a !== 'object' || typeof b !== 'object' || canonicalJson(a) !== canonicalJson(b)))
        return false;
      some = true;
    }
    return some;
  });
}

/**
 * The first field (Kubernetes path notation, e.g. .spec.replicas) the manager applied before, that
 * live still has and desired no longer has, and no other manager owns; undefined when none.
 */
export function droppedOwnedField(
  desired: unknown,
  live: unknown,
  manager: string,
  schema: FieldSchema | undefined,
): string | undefined {
  const { own, others } = ownership(live, manager);
  if (!own) return undefined;
  const path: string[] = [];
  const walk = (
    ownNode: FieldsV1,
    otherNodes: FieldsV1[],
    d: unknown,
    l: unknown,
    s: FieldSchema | undefined,
  ): boolean => {
    for (const el in ownNode) {
      if (el === '.') continue;
      let dChild: unknown;
      let lChild: unknown;
      let cs: FieldSchema | undefined;
      if (el.startsWith('f:')) {
        const name = el.slice(2);
        if (path.length === 0 && name === 'status') continue;
        if (
          path.length === 2 &&
          path[0] === 'f:metadata' &&
          path[1] === 'f:annotations' &&
          SERVER_ANNOTATIONS.has(name)
        )
          continue;
        if (!isRecord(l) || l[name] === undefined || l[name] === null) continue;
        lChild = l[name];
        dChild = isRecord(d) ? d[name] : undefined;
        cs = childOf(s, name).schema;
      } else if (el.startsWith('k:')) {
        const key = parseKey(el.slice(2));
        const kind = listKindOf(s);
        const keys = kind.type === 'map' ? kind.keys : key ? Object.keys(key) : [];
        if (!key) continue;
        lChild = findByKey(l, key, keys, false);
        if (lChild === undefined) continue;
        dChild = findByKey(d, key, keys, true);
        cs = s?.elements();
      } else if (el.startsWith('v:')) {
        if (!Array.isArray(l) || !l.some((x) => canonicalJson(x) === el.slice(2))) continue;
        lChild = true;
        dChild = Array.isArray(d) && d.some((x) => canonicalJson(x) === el.slice(2)) ? true : undefined;
      } else {
        continue; // positions (i:) are not stable enough to reason about
      }
      const otherChildren: FieldsV1[] = [];
      for (const o of otherNodes) if (isRecord(o[el])) otherChildren.push(o[el]);
      path.push(el);
      if (dChild === undefined || dChild === null) {
        // gone from desired: removed by apply unless someone else holds (part of) it
        if (!otherChildren.length) return true;
        if (walk(ownNode[el], otherChildren, undefined, lChild, cs)) return true;
      } else if (
        isRecord(ownNode[el]) &&
        Object.keys(ownNode[el]).length &&
        walk(ownNode[el], otherChildren, dChild, lChild, cs)
      ) {
        return true;
      }
      path.pop();
    }
    return false;
  };
  return walk(own, others, desired, live, schema) ? formatManagedPath(path) : undefined;
}
