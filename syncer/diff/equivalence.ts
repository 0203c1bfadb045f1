// When two values mean the same to Kubernetes although written differently.
import { FieldSchema } from '../../kube/fieldSchema';
import { parseQuantity } from '../../kube/semantics/quantity';

/** Types whose values Kubernetes reads as numbers: quantities ("1000m" = "1" = 1, "1Gi" = "1024Mi"), int-or-string ports ("80" = 80) */
const NUMERIC = new Set(['int-or-string', 'integer', 'number']);

/** Whether two scalars are equal, or the same quantity written differently where the schema says numeric. */
export function equivalentScalars(desired: unknown, live: unknown, schema: FieldSchema | undefined): boolean {
  if (desired === live) return true;
  if (!schema?.type || !NUMERIC.has(schema.type)) return false;
  const a = parseQuantity(desired);
  if (a === undefined) return false;
  const b = parseQuantity(live);
  return b !== undefined && (a === b || Math.abs(a - b) <= Math.abs(a) * 1e-12);
}

/**
 * A value the API server does not keep: null, "", false, 0, and empty lists and objects are
 * omitted when serialized, so a desired zero value matches a live object without the field.
 */
export function isZeroValue(v: unknown): boolean {
  if (v === null || v === undefined || v === '' || v === false || v === 0) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object') {
    for (const k in v as object) if (!isZeroValue((v as any)[k])) return false;
    return true;
  }
  return false;
}
