// Shared building blocks for the semantic checks: reading untyped JSON safely and building FieldErrors.

import { FieldError, mapKey, PathSegment } from '../fieldErrors';

export type Json = Record<string, unknown>;
export type Path = readonly PathSegment[];

export function isObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function obj(v: unknown): Json {
  return isObject(v) ? v : {};
}

export function arr(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** string→string maps such as labels; non-string values are ignored here (the schema reports them). */
export function strMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  // keys and a lookup, not entries: this runs for every label map of every object checked
  for (const k of Object.keys(v)) {
    const val = v[k];
    if (typeof val === 'string') out[k] = val;
  }
  return out;
}

/** A child's path, copied by a plain loop: paths are built for every field checked, most never reported. */
export function at(path: Path, ...more: PathSegment[]): PathSegment[] {
  const out = new Array<PathSegment>(path.length + more.length);
  for (let i = 0; i < path.length; i++) out[i] = path[i];
  for (let i = 0; i < more.length; i++) out[path.length + i] = more[i];
  return out;
}

export function required(path: Path, detail?: string): FieldError {
  return detail
    ? { type: 'FieldValueRequired', path: [...path], detail }
    : { type: 'FieldValueRequired', path: [...path] };
}

export function invalid(path: Path, value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', path: [...path], value, detail };
}

export function notSupported(path: Path, value: unknown, supported: string[]): FieldError {
  return { type: 'FieldValueNotSupported', path: [...path], value, supported };
}

export function duplicate(path: Path, value: unknown): FieldError {
  return { type: 'FieldValueDuplicate', path: [...path], value };
}

export function notFound(path: Path, value: unknown): FieldError {
  return { type: 'FieldValueNotFound', path: [...path], value };
}

export function forbidden(path: Path, detail: string): FieldError {
  return { type: 'FieldValueForbidden', path: [...path], detail };
}

export function tooLong(path: Path, maxBytes: number): FieldError {
  return {
    type: 'FieldValueTooLong',
    path: [...path],
    detail: `may not be more than ${maxBytes} ${maxBytes === 1 ? 'byte' : 'bytes'}`,
  };
}

export const IMMUTABLE = 'field is immutable';

/** Messages from a name check become one Invalid error each, as Kubernetes reports them. */
export function invalidEach(path: Path, value: unknown, msgs: string[]): FieldError[] {
  return msgs.map((m) => invalid(path, value, m));
}

/** invalidEach on a child of `path`, whose path is built only when there is something to report. */
export function invalidEachAt(path: Path, key: PathSegment, value: unknown, msgs: string[]): FieldError[] {
  return msgs.length ? invalidEach(at(path, key), value, msgs) : [];
}

/** invalidEach on a map key of `path` (`data[key]`), whose path is built only when there is something to report. */
export function invalidEachAtKey(path: Path, key: string, value: unknown, msgs: string[]): FieldError[] {
  return msgs.length ? invalidEach(at(path, mapKey(key)), value, msgs) : [];
}

export function nonNegative(path: Path, value: unknown): FieldError[] {
  const n = num(value);
  return n !== undefined && n < 0 ? [invalid(path, n, 'must be greater than or equal to 0')] : [];
}

/** nonNegative on a child of `path`, whose path is built only when there is something to report. */
export function nonNegativeAt(path: Path, key: PathSegment, value: unknown): FieldError[] {
  const n = num(value);
  return n !== undefined && n < 0 ? [invalid(at(path, key), n, 'must be greater than or equal to 0')] : [];
}

function isEmpty(v: unknown): boolean {
  return (
    v === undefined ||
    v === null ||
    v === '' ||
    (Array.isArray(v) && v.length === 0) ||
    (isObject(v) && Object.keys(v).length === 0)
  );
}

/** Equality as Kubernetes' semantic DeepEqual sees it after decoding: absent, null, "" and empty collections are alike. */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (isEmpty(a) && isEmpty(b)) return true;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => semanticEqual(x, b[i]));
  if (isObject(a) && isObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    for (const k of keys) if (!semanticEqual(a[k], b[k])) return false;
    return true;
  }
  return a === b;
}

/** Invalid "field is immutable" when the value at path changed. */
export function immutable(path: Path, now: unknown, before: unknown): FieldError[] {
  return semanticEqual(now, before) ? [] : [invalid(path, now, IMMUTABLE)];
}

/** Deep copy of plain JSON. */
export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
