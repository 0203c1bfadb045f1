// A rule's `fieldPath` (".spec.x", ".map['key.with.dots']"): relative to the schema the rule sits on, through
// declared properties and map keys only, as Kubernetes accepts it; resolved to path segments.
import { mapKey, PathSegment } from '../fieldErrors';
import type { SchemaObject } from '../schemas';

export type FieldPathResult = { ok: true; path: PathSegment[] } | { ok: false; error: string };

const TOKEN = /\.([^.[\]]+)|\['((?:[^'\\]|\\.)*)'\]/y;

export function resolveRuleFieldPath(fieldPath: string, schema: SchemaObject): FieldPathResult {
  const path: PathSegment[] = [];
  let at: SchemaObject | undefined = schema;
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < fieldPath.length) {
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(fieldPath);
    if (!m) return { ok: false, error: `expected [ or . at character ${start + 1}` };
    const name = m[1] ?? m[2].replace(/\\(.)/g, '$1');
    const additional: SchemaObject | undefined =
      typeof at?.additionalProperties === 'object' ? at.additionalProperties : undefined;
    const properties: Record<string, SchemaObject> | undefined = at?.properties;
    at = properties ? properties[name] : additional;
    if (!at) return { ok: false, error: 'does not refer to a valid field' };
    // a declared field is `.name`, a map's key `[key]`, as Kubernetes names them
    path.push(properties ? name : mapKey(name));
  }
  return { ok: true, path };
}
