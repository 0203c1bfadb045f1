// The static rules apiextensions-apiserver applies to a CRD's openAPIV3Schema before storing it: the keywords it
// refuses (uniqueItems, $ref, patternProperties...), the list/map extensions' consistency, and the structural
// schema rules (a type at every level, metadata limited to name and generateName, nothing structural under
// allOf/anyOf/oneOf/not). Paths and messages are kube-apiserver's.

import { FieldError, formatFieldPath, mapKey, PathSegment } from '../fieldErrors';
import { arr, at, forbidden, invalid, isObject, Json, notSupported, obj, Path, required, str } from './util';

/** The keywords kube refuses outright, with its words. */
const UNSUPPORTED: [string, string][] = [
  ['id', 'id is not supported'],
  ['additionalItems', 'additionalItems is not supported'],
  ['patternProperties', 'patternProperties is not supported'],
  ['definitions', 'definitions is not supported'],
  ['dependencies', 'dependencies is not supported'],
  ['$ref', '$ref is not supported'],
];

function present(s: Json, key: string): boolean {
  const v = s[key];
  if (v === undefined || v === null || v === '') return false;
  // patternProperties and definitions count only when non-empty, as kube reads them
  if ((key === 'patternProperties' || key === 'definitions') && isObject(v)) return Object.keys(v).length > 0;
  return true;
}

/** Where a schema sits: within an object's apiVersion, kind or metadata, and why defaults are refused there. */
interface Context {
  root?: boolean;
  insideMeta?: boolean;
  noDefaults?: string;
  /** skip the checks an update need not pass when the stored CRD already failed them (see ratchet) */
  lenient?: Lenient;
}

/** Rules kube-apiserver waives on an update of a CRD whose stored schema already breaks them. */
export interface Lenient {
  listKeys?: boolean;
  atomicSets?: boolean;
}

const META_FIELDS = new Set(['apiVersion', 'kind', 'metadata']);

function propertyContext(s: Json, k: string, ctx: Context): Context {
  if (!(ctx.root || s['x-kubernetes-embedded-resource'] === true) || !META_FIELDS.has(k))
    return { ...ctx, root: false };
  return { ...ctx, root: false, insideMeta: true, noDefaults: ctx.root ? `in top-level ${k}` : ctx.noDefaults };
}

/** The keyword checks of validation.go's ValidateCustomResourceDefinitionOpenAPISchema, recursively. */
export function openAPISchemaErrors(s: Json, path: Path, ctx: Context = { root: true }): FieldError[] {
  const errors: FieldError[] = [];
  const sub: Context = { ...ctx, root: false };
  if (s.default !== undefined && ctx.noDefaults !== undefined)
    errors.push(forbidden(at(path, 'default'), `must not be set ${ctx.noDefaults}`));
  if (ctx.insideMeta && s['x-kubernetes-embedded-resource'] === true)
    errors.push(forbidden(at(path, 'x-kubernetes-embedded-resource'), 'must not be used inside of resource meta'));
  for (const [key, detail] of UNSUPPORTED) if (present(s, key)) errors.push(forbidden(at(path, key), detail));
  if (s.type === 'null')
    errors.push(forbidden(at(path, 'type'), 'type cannot be set to null, use nullable as an alternative'));
  if (Array.isArray(s.items))
    errors.push(forbidden(at(path, 'items'), 'items must be a schema object and not an array'));
  if (s.uniqueItems === true)
    errors.push(
      forbidden(
        at(path, 'uniqueItems'),
        'uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
      ),
    );
  const props = obj(s.properties);
  const ap = s.additionalProperties;
  if (ap !== undefined && ap !== null && Object.keys(props).length > 0 && (ap === false || isObject(ap)))
    errors.push(
      forbidden(at(path, 'additionalProperties'), 'additionalProperties and properties are mutual exclusive'),
    );
  // a default inside a map of object metadata could not be pruned without a value to prune by
  const apCtx = ctx.insideMeta
    ? { ...sub, noDefaults: 'inside additionalProperties applying to object metadata' }
    : sub;
  if (isObject(ap)) errors.push(...openAPISchemaErrors(ap, at(path, 'additionalProperties'), apCtx));
  for (const k of Object.keys(props))
    if (isObject(props[k]))
      errors.push(
        ...openAPISchemaErrors(props[k] as Json, at(path, 'properties', mapKey(k)), propertyContext(s, k, ctx)),
      );
  if (isObject(s.not)) errors.push(...openAPISchemaErrors(s.not, at(path, 'not'), sub));
  for (const junctor of ['allOf', 'oneOf', 'anyOf'])
    arr(s[junctor]).forEach((branch, i) => {
      if (isObject(branch)) errors.push(...openAPISchemaErrors(branch, at(path, junctor, i), sub));
    });
  const defs = obj(s.definitions);
  for (const k of Object.keys(defs))
    if (isObject(defs[k]))
      errors.push(...openAPISchemaErrors(defs[k] as Json, at(path, 'definitions', mapKey(k)), sub));
  if (isObject(s.items)) errors.push(...openAPISchemaErrors(s.items, at(path, 'items'), sub));
  else
    arr(s.items).forEach((item, i) => {
      if (isObject(item)) errors.push(...openAPISchemaErrors(item, at(path, 'items', i), sub));
    });
  const deps = obj(s.dependencies);
  for (const k of Object.keys(deps))
    if (isObject(deps[k]))
      errors.push(...openAPISchemaErrors(deps[k] as Json, at(path, 'dependencies', mapKey(k)), sub));
  errors.push(...extensionErrors(s, path, ctx.lenient ?? {}));
  return errors;
}

/** x-kubernetes-preserve-unknown-fields, -map-type, -list-type and -list-map-keys as kube checks them. */
function extensionErrors(s: Json, path: Path, lenient: Lenient): FieldError[] {
  const errors: FieldError[] = [];
  const type = str(s.type) ?? '';
  if (s['x-kubernetes-preserve-unknown-fields'] === false)
    errors.push(invalid(at(path, 'x-kubernetes-preserve-unknown-fields'), false, 'must be true or undefined'));
  const mapType = str(s['x-kubernetes-map-type']);
  if (mapType !== undefined && type !== 'object')
    errors.push(typeMust(path, type, 'must be object if x-kubernetes-map-type is specified'));
  if (mapType !== undefined && mapType !== 'atomic' && mapType !== 'granular')
    errors.push(notSupported(at(path, 'x-kubernetes-map-type'), mapType, ['atomic', 'granular']));
  const listType = str(s['x-kubernetes-list-type']);
  const items = isObject(s.items) ? s.items : undefined;
  if (listType !== undefined && type !== 'array') {
    errors.push(typeMust(path, type, 'must be array if x-kubernetes-list-type is specified'));
  } else if (listType === 'set' && items && !lenient.atomicSets) {
    const itemsAt = at(path, 'items');
    const setItem = 'must be atomic as item of a list with x-kubernetes-list-type=set';
    const itemList = str(items['x-kubernetes-list-type']);
    if (items.type === 'array' && itemList !== undefined && itemList !== 'atomic')
      errors.push(invalid(at(itemsAt, 'x-kubernetes-list-type'), itemList, setItem));
    // kube reports the item's list type as the value here, which is unset for an object item
    if (items.type === 'object' && items['x-kubernetes-map-type'] !== 'atomic')
      errors.push(invalid(at(itemsAt, 'x-kubernetes-map-type'), itemList ?? null, setItem));
  }
  if (listType !== undefined && listType !== 'atomic' && listType !== 'set' && listType !== 'map')
    errors.push(notSupported(at(path, 'x-kubernetes-list-type'), listType, ['atomic', 'set', 'map']));
  const keys = arr(s['x-kubernetes-list-map-keys']).filter((k): k is string => typeof k === 'string');
  const mapKeysNeedMap = 'must be map if x-kubernetes-list-map-keys is non-empty';
  if (keys.length > 0 && listType === undefined)
    errors.push(required(at(path, 'x-kubernetes-list-type'), mapKeysNeedMap));
  else if (keys.length > 0 && listType !== 'map')
    errors.push(invalid(at(path, 'x-kubernetes-list-type'), listType, mapKeysNeedMap));
  if (listType === 'map') errors.push(...listMapErrors(s, keys, path));
  if ((listType === 'set' || listType === 'map') && items && !lenient.listKeys)
    errors.push(...listKeyErrors(items, listType, keys, path));
  return errors;
}

function typeMust(path: Path, type: string, detail: string): FieldError {
  return type === '' ? required(at(path, 'type'), detail) : invalid(at(path, 'type'), type, detail);
}

function listMapErrors(s: Json, keys: string[], path: Path): FieldError[] {
  const errors: FieldError[] = [];
  if (keys.length === 0)
    errors.push(required(at(path, 'x-kubernetes-list-map-keys'), 'must not be empty if x-kubernetes-list-type is map'));
  if (s.items === undefined || s.items === null)
    errors.push(required(at(path, 'items'), 'must have a schema if x-kubernetes-list-type is map'));
  else if (!isObject(s.items))
    errors.push(invalid(at(path, 'items'), s.items, 'must only have a single schema if x-kubernetes-list-type is map'));
  if (!isObject(s.items)) return errors;
  const itemType = str(s.items.type) ?? '';
  if (itemType !== 'object') {
    errors.push(
      invalid(at(path, 'items', 'type'), itemType, "must be object if parent array's x-kubernetes-list-type is map"),
    );
    return errors;
  }
  const props = obj(s.items.properties);
  const seen = new Set<string>();
  for (const k of keys) {
    const p = props[k];
    if (isObject(p)) {
      if (p.type === 'array' || p.type === 'object')
        errors.push(
          invalid(
            at(path, 'items', 'properties', mapKey(k), 'type'),
            itemType,
            "must be a scalar type if parent array's x-kubernetes-list-type is map",
          ),
        );
    } else {
      errors.push(
        invalid(at(path, 'x-kubernetes-list-map-keys'), keys, 'entries must all be names of item properties'),
      );
    }
    if (seen.has(k))
      errors.push(invalid(at(path, 'x-kubernetes-list-map-keys'), keys, 'must not contain duplicate entries'));
    seen.add(k);
  }
  return errors;
}

/** validateMapListKeysMapSet: set and map items are never null, map keys are required or defaulted. */
function listKeyErrors(items: Json, listType: string, keys: string[], path: Path): FieldError[] {
  const errors: FieldError[] = [];
  if (items.nullable === true)
    errors.push(
      forbidden(at(path, 'items', 'nullable'), `cannot be nullable when x-kubernetes-list-type is ${listType}`),
    );
  if (listType !== 'map') return errors;
  const requiredKeys = new Set(arr(items.required));
  const props = obj(items.properties);
  for (const k of keys) {
    const p = props[k];
    if (!isObject(p)) continue;
    const keyAt = at(path, 'items', 'properties', mapKey(k));
    if (!requiredKeys.has(k) && p.default === undefined)
      errors.push(
        required(
          at(keyAt, 'default'),
          'this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property',
        ),
      );
    if (p.nullable === true)
      errors.push(
        forbidden(at(keyAt, 'nullable'), 'this property is in x-kubernetes-list-map-keys, so it cannot be nullable'),
      );
  }
  return errors;
}

type Level = 'root' | 'item' | 'field';

const EMPTY_TYPE: Record<Level, string> = {
  root: 'must not be empty at the root',
  item: 'must not be empty for specified array items',
  field: 'must not be empty for specified object fields',
};

/** The structural schema invariants (apiserver/schema/validation.go), for the schema at `path`. */
export function structuralErrors(s: Json, level: Level, path: Path): FieldError[] {
  const errors: FieldError[] = [];
  const type = str(s.type) ?? '';
  if (type === 'array' && (s.items === undefined || s.items === null))
    errors.push(required(at(path, 'items'), 'must be specified'));
  if (isObject(s.items)) errors.push(...structuralErrors(s.items, 'item', at(path, 'items')));
  const props = obj(s.properties);
  for (const k of Object.keys(props))
    if (isObject(props[k]))
      errors.push(...structuralErrors(props[k] as Json, 'field', at(path, 'properties', mapKey(k))));
  if (s.additionalProperties !== undefined && s.additionalProperties !== null) {
    if (level === 'root') errors.push(forbidden(at(path, 'additionalProperties'), 'must not be used at the root'));
    if (isObject(s.additionalProperties))
      errors.push(...structuralErrors(s.additionalProperties, 'field', at(path, 'additionalProperties')));
  }
  const intOrString = s['x-kubernetes-int-or-string'] === true;
  const preserve = s['x-kubernetes-preserve-unknown-fields'] === true;
  const embedded = s['x-kubernetes-embedded-resource'] === true;
  if (intOrString && preserve)
    errors.push(
      invalid(
        at(path, 'x-kubernetes-preserve-unknown-fields'),
        true,
        'must be false if x-kubernetes-int-or-string is true',
      ),
    );
  if (intOrString && embedded)
    errors.push(
      invalid(at(path, 'x-kubernetes-embedded-resource'), true, 'must be false if x-kubernetes-int-or-string is true'),
    );
  errors.push(...junctorErrors(s, path), ...completenessErrors(s, s, path, path));
  if (embedded && type !== 'object')
    errors.push(typeMust(path, type, 'must be object if x-kubernetes-embedded-resource is true'));
  else if (type === '' && !intOrString && !preserve) errors.push(required(at(path, 'type'), EMPTY_TYPE[level]));
  if (embedded && s.additionalProperties !== undefined && s.additionalProperties !== null)
    errors.push(
      forbidden(at(path, 'additionalProperties'), 'must not be used if x-kubernetes-embedded-resource is set'),
    );
  if (level === 'root' && type !== '' && type !== 'object')
    errors.push(invalid(at(path, 'type'), type, 'must be object at the root'));
  errors.push(...metaFieldErrors(props, level === 'root', embedded, path));
  if (embedded && !preserve && Object.keys(props).length === 0)
    errors.push(
      required(
        at(path, 'properties'),
        'must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields',
      ),
    );
  return errors;
}

/** kind and apiVersion are strings and metadata an object; at the root metadata may name only name/generateName. */
function metaFieldErrors(props: Json, root: boolean, embedded: boolean, path: Path): FieldError[] {
  const errors: FieldError[] = [];
  if (!root && !embedded) return errors;
  const propAt = (k: string): PathSegment[] => at(path, 'properties', mapKey(k));
  for (const k of ['kind', 'apiVersion'])
    if (isObject(props[k]) && (props[k] as Json).type !== 'string')
      errors.push(invalid(at(propAt(k), 'type'), str((props[k] as Json).type) ?? '', 'must be string'));
  const meta = props.metadata;
  if (!isObject(meta)) return errors;
  if (meta.type !== 'object')
    errors.push(invalid(at(propAt('metadata'), 'type'), str(meta.type) ?? '', 'must be object'));
  if (!root) return errors;
  const names = Object.keys(obj(meta.properties));
  const onlyNames = names.every((n) => n === 'name' || n === 'generateName');
  // type and default are judged elsewhere; anything else said of metadata is a restriction kube will not take
  const other = Object.keys(meta).filter((k) => k !== 'type' && k !== 'default' && k !== 'properties');
  if (!onlyNames || other.length > 0)
    errors.push(
      forbidden(
        propAt('metadata'),
        'must not specify anything other than name and generateName, but metadata is implicitly specified',
      ),
    );
  return errors;
}

/** A field or items a junctor (allOf/anyOf/oneOf/not) at `vPath` speaks of must be specified in the schema too. */
function completenessErrors(v: Json, s: Json, sPath: Path, vPath: Path): FieldError[] {
  const errors: FieldError[] = [];
  for (const junctor of ['allOf', 'anyOf', 'oneOf'])
    arr(v[junctor]).forEach((branch, i) => {
      if (isObject(branch)) errors.push(...nestedCompleteness(branch, s, sPath, at(vPath, junctor, i)));
    });
  if (isObject(v.not)) errors.push(...nestedCompleteness(v.not, s, sPath, at(vPath, 'not')));
  return errors;
}

function nestedCompleteness(v: Json, s: Json | undefined, sPath: Path, vPath: Path): FieldError[] {
  if (!s) return [required(sPath, `because it is defined in ${formatFieldPath(vPath)}`)];
  const errors = completenessErrors(v, s, sPath, vPath);
  if (isObject(v.items))
    errors.push(
      ...nestedCompleteness(v.items, isObject(s.items) ? s.items : undefined, at(sPath, 'items'), at(vPath, 'items')),
    );
  const props = obj(v.properties);
  const specified = obj(s.properties);
  for (const k of Object.keys(props)) {
    const vp = props[k];
    if (!isObject(vp)) continue;
    const sp = specified[k];
    // a key of a map is specified by its value schema
    const target = isObject(sp) ? sp : isObject(s.additionalProperties) ? s.additionalProperties : undefined;
    if (!isObject(sp) && s.additionalProperties === true) continue;
    const sAt = isObject(sp) || !target ? at(sPath, 'properties', mapKey(k)) : at(sPath, 'additionalProperties');
    errors.push(...nestedCompleteness(vp, target, sAt, at(vPath, 'properties', mapKey(k))));
  }
  return errors;
}

/** Under allOf/anyOf/oneOf/not only value validations may appear (the int-or-string anyOf pattern aside). */
function junctorErrors(s: Json, path: Path): FieldError[] {
  const errors: FieldError[] = [];
  const skipAnyOf = isIntOrStringAnyOf(s.anyOf);
  const skipFirstAllOfAnyOf = isIntOrStringAnyOf(obj(arr(s.allOf)[0]).anyOf);
  if (!skipAnyOf)
    arr(s.anyOf).forEach((sub, i) => {
      if (isObject(sub)) errors.push(...nestedErrors(sub, false, at(path, 'anyOf', i)));
    });
  arr(s.allOf).forEach((sub, i) => {
    if (isObject(sub)) errors.push(...nestedErrors(sub, skipFirstAllOfAnyOf && i === 0, at(path, 'allOf', i)));
  });
  arr(s.oneOf).forEach((sub, i) => {
    if (isObject(sub)) errors.push(...nestedErrors(sub, false, at(path, 'oneOf', i)));
  });
  if (isObject(s.not)) errors.push(...nestedErrors(s.not, false, at(path, 'not')));
  return errors;
}

function isIntOrStringAnyOf(v: unknown): boolean {
  const list = arr(v);
  if (list.length !== 2) return false;
  const [a, b] = list.map(obj);
  return JSON.stringify(a) === '{"type":"integer"}' && JSON.stringify(b) === '{"type":"string"}';
}

const NESTED_FORBIDDEN: [string, (v: unknown) => boolean, string][] = [
  ['type', (v) => typeof v === 'string' && v !== '', 'must be empty to be structural'],
  ['additionalProperties', (v) => v !== undefined && v !== null, 'must be undefined to be structural'],
  ['default', (v) => v !== undefined && v !== null, 'must be undefined to be structural'],
  ['title', (v) => typeof v === 'string' && v !== '', 'must be empty to be structural'],
  ['description', (v) => typeof v === 'string' && v !== '', 'must be empty to be structural'],
  ['nullable', (v) => v === true, 'must be false to be structural'],
  ['x-kubernetes-preserve-unknown-fields', (v) => v === true, 'must be false to be structural'],
  ['x-kubernetes-embedded-resource', (v) => v === true, 'must be false to be structural'],
  ['x-kubernetes-int-or-string', (v) => v === true, 'must be false to be structural'],
  ['x-kubernetes-list-map-keys', (v) => arr(v).length > 0, 'must be empty to be structural'],
  ['x-kubernetes-list-type', (v) => v !== undefined && v !== null, 'must be undefined to be structural'],
];

function nestedErrors(v: Json, skipAnyOf: boolean, path: Path): FieldError[] {
  const errors: FieldError[] = [];
  if (!skipAnyOf)
    arr(v.anyOf).forEach((sub, i) => {
      if (isObject(sub)) errors.push(...nestedErrors(sub, false, at(path, 'anyOf', i)));
    });
  arr(v.allOf).forEach((sub, i) => {
    if (isObject(sub)) errors.push(...nestedErrors(sub, false, at(path, 'allOf', i)));
  });
  arr(v.oneOf).forEach((sub, i) => {
    if (isObject(sub)) errors.push(...nestedErrors(sub, false, at(path, 'oneOf', i)));
  });
  if (isObject(v.not)) errors.push(...nestedErrors(v.not, false, at(path, 'not')));
  if (isObject(v.items)) errors.push(...nestedErrors(v.items, false, at(path, 'items')));
  const props = obj(v.properties);
  for (const k of Object.keys(props))
    if (isObject(props[k])) errors.push(...nestedErrors(props[k] as Json, false, at(path, 'properties', mapKey(k))));
  for (const [key, set, detail] of NESTED_FORBIDDEN) if (set(v[key])) errors.push(forbidden(at(path, key), detail));
  if ('metadata' in props)
    errors.push(forbidden(at(path, 'properties', mapKey('metadata')), 'must not be specified in a nested context'));
  return errors;
}
