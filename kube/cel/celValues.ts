// Objects as CEL sees them, as Kubernetes converts them: integers are CEL ints (BigInt here), other numbers
// doubles; with a structural schema, `number` fields are doubles, date-time strings timestamps, duration strings
// durations and `byte` strings bytes, and declared field names are escaped (`x-y` is `x__dash__y`).
import type { SchemaObject } from '../schemas';
import { isRecord } from '../objects';
import { durationOf } from './durations';

// CEL's reserved words, which a field name can only be reached by as `__word__`
const RESERVED = new Set([
  ...['true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if'],
  ...['import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while'],
]);
const ESCAPABLE = /^[a-zA-Z_.\-/][a-zA-Z0-9_.\-/]*$/;

/** A declared field's name in CEL, or undefined when CEL cannot reach it (Kubernetes' escaping rules). */
export function celFieldName(name: string): string | undefined {
  if (RESERVED.has(name)) return `__${name}__`;
  if (!ESCAPABLE.test(name)) return undefined;
  return name.replace(/__|[.\-/]/g, (m) =>
    m === '__' ? '__underscores__' : m === '.' ? '__dot__' : m === '-' ? '__dash__' : '__slash__',
  );
}

/** A JSON value without a schema: numbers that are whole are ints. */
export function jsonToCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(jsonToCel);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = jsonToCel(v);
    return out;
  }
  return value;
}

function stringToCel(value: string, format: string | undefined): unknown {
  if (format === 'date-time' || format === 'date') {
    const d = new Date(value);
    return Number.isNaN(d.getTime()) ? value : d;
  }
  if (format === 'duration') return durationOf(value) ?? value;
  if (format === 'byte') return Buffer.from(value, 'base64');
  return value;
}

/** A value with its structural schema, as Kubernetes' UnstructuredToVal converts it. */
export function schemaValueToCel(value: unknown, schema: SchemaObject | undefined): unknown {
  const untyped =
    !schema ||
    schema['x-kubernetes-int-or-string'] ||
    (schema['x-kubernetes-preserve-unknown-fields'] &&
      !schema.properties &&
      !schema.items &&
      typeof schema.additionalProperties !== 'object');
  if (untyped) return jsonToCel(value);
  if (typeof value === 'number') return schema?.type === 'number' ? value : jsonToCel(value);
  if (typeof value === 'string') return stringToCel(value, schema?.format);
  if (Array.isArray(value)) return value.map((v) => schemaValueToCel(v, schema?.items));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  const props = schema?.properties;
  const additional = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const [k, v] of Object.entries(value)) {
    const declared = props?.[k];
    if (declared) {
      const name = celFieldName(k);
      if (name !== undefined) out[name] = schemaValueToCel(v, declared);
    } else if (additional) {
      out[k] = schemaValueToCel(v, additional);
    } else if (schema?.['x-kubernetes-preserve-unknown-fields'] || !props) {
      out[k] = jsonToCel(v); // fields the schema does not declare are pruned unless it keeps them
    }
  }
  return out;
}

/** CEL equality over converted values (lists and maps compared element by element). */
export function celEquals(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((v, i) => celEquals(v, b[i]));
  if (isRecord(a) && isRecord(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && celEquals(a[k], b[k]));
  }
  return false;
}

/** CEL ordering of two comparable values (numbers, strings, bools, timestamps). */
export function celCompare(a: unknown, b: unknown): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if ((typeof a === 'bigint' || typeof a === 'number') && (typeof b === 'bigint' || typeof b === 'number'))
    return a < b ? -1 : a > b ? 1 : 0;
  if (typeof a === typeof b && (typeof a === 'string' || typeof a === 'boolean'))
    return (a as string) < (b as string) ? -1 : (a as string) > (b as string) ? 1 : 0;
  throw new Error(`no such overload: comparing ${typeof a} with ${typeof b}`);
}
