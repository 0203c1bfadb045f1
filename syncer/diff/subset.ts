// The desired object as a subset of the live one: every field the user wrote must be in live with
// an equivalent value; what else live has (defaults, other managers' fields) does not matter.
// Lists follow the schema: keyed lists match items by their merge key, sets by value, and
// atomic lists item by item in order.
import { FieldSchema } from '../../kube/fieldSchema';
import { childOf, listKindOf, matchItem } from '../../kube/patch/fieldPaths';
import { isRecord } from '../../kube/objects';
import { JsonValue } from '../../kube/patch/mergePatch';
import { equivalentScalars, isZeroValue } from './equivalence';

function hasOwn(o: object, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, k);
}

/** Whether live holds everything desired says. */
export function covers(desired: unknown, live: unknown, schema: FieldSchema | undefined): boolean {
  if (desired === null || desired === undefined) return true;
  if (live === null || live === undefined) return isZeroValue(desired);
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return false;
    const kind = listKindOf(schema);
    const items = schema?.elements();
    if (kind.type === 'map') {
      for (const d of desired) {
        const i = matchItem(live as JsonValue[], d as JsonValue, kind);
        if (i < 0 || !covers(d, live[i], items)) return false;
      }
      return true;
    }
    if (kind.type === 'set') return desired.every((d) => live.some((l) => covers(d, l, items) && covers(l, d, items)));
    if (desired.length !== live.length) return false;
    for (let i = 0; i < desired.length; i++) if (!covers(desired[i], live[i], items)) return false;
    return true;
  }
  if (isRecord(desired)) {
    if (!isRecord(live)) return false;
    // an atomic map (nodeSelector) is replaced whole: extra live keys are a difference
    if (schema?.type === 'map' && schema.mapType === 'atomic') {
      for (const k in live) if (!hasOwn(desired, k) && !isZeroValue(live[k])) return false;
    }
    for (const k in desired) {
      if (!covers(desired[k], live[k], childOf(schema, k).schema)) return false;
    }
    return true;
  }
  return equivalentScalars(desired, live, schema);
}

/**
 * The desired value spelled as live spells it wherever the two mean the same, with zero values
 * live does not keep left out; so applying it over live shows only real changes.
 */
export function align(desired: unknown, live: unknown, schema: FieldSchema | undefined): unknown {
  if (desired === null || desired === undefined) return undefined;
  if (live === null || live === undefined) return isZeroValue(desired) ? undefined : desired;
  if (Array.isArray(desired)) {
    if (!Array.isArray(live)) return desired;
    const kind = listKindOf(schema);
    const items = schema?.elements();
    if (kind.type === 'map') {
      return desired.map((d) => {
        const i = matchItem(live as JsonValue[], d as JsonValue, kind);
        return i < 0 ? d : (align(d, live[i], items) ?? d);
      });
    }
    if (kind.type === 'set')
      return desired.map((d) => live.find((l) => covers(d, l, items) && covers(l, d, items)) ?? d);
    // an atomic list is replaced whole: keep live's (with its defaults) when it already holds the desired items
    if (covers(desired, live, schema)) return live;
    return desired.map((d, i) => (i < live.length ? (align(d, live[i], items) ?? d) : d));
  }
  if (isRecord(desired)) {
    if (!isRecord(live)) return desired;
    const out: Record<string, unknown> = {};
    for (const k in desired) {
      const v = align(desired[k], live[k], childOf(schema, k).schema);
      if (v !== undefined) out[k] = v;
    }
    return out;
  }
  return equivalentScalars(desired, live, schema) ? live : desired;
}
