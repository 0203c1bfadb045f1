// Schema validation of built-in kinds against the Kubernetes OpenAPI schemas, with errors in the
// API server's FieldError form. Also the OpenAPI-to-ajv translation and error mapping that
// custom resource validation (kube/crdSchema) shares.

import Ajv, { ErrorObject, ValidateFunction } from 'ajv';
import type { DataValidateFunction } from 'ajv/dist/types';
import { FieldError, mapKey, PathSegment, segmentName } from './fieldErrors';
import { definitionFor, kindsWithSchemas, refName, resolveSchema, schemaByName, SchemaObject } from './schemas';
import { splitApiVersion } from './registry';
import { isQuantityText, QUANTITY_FORMAT_MESSAGE } from './semantics/quantity';

export type FieldValidationMode = 'Strict' | 'Warn' | 'Ignore';

export interface ValidateOptions {
  /**
   * The request's fieldValidation. Unknown fields are reported in every mode, since the caller
   * rejects (Strict), warns about (Warn) or prunes (Ignore) them; the mode does not change the result.
   */
  fieldValidation?: FieldValidationMode;
  /** the object holds no null fields (the caller copied it without them), so it is not searched for any */
  nullFree?: boolean;
}

export interface ValidationResult {
  /** schema violations: missing, mistyped and unsupported values */
  errors: FieldError[];
  /** fields the schema does not declare (FieldValueUnknown) */
  unknownFields: FieldError[];
}

// ---------------------------------------------------------------------------------------------
// OpenAPI v3 (Kubernetes flavour) -> ajv (JSON Schema draft-07)

export type AjvSchema = Record<string, unknown>;

export interface ConvertOptions {
  /** the ajv schema standing for a referenced definition */
  ref: (definition: string) => AjvSchema;
  /** formats to check; others are accepted as Kubernetes accepts unknown formats */
  formats?: ReadonlySet<string>;
  /** inside allOf/anyOf/oneOf/not: value checks only, no unknown-field pruning */
  valueOnly?: boolean;
}

/** The one format built-in schemas check: kube-apiserver decodes every Quantity field with its grammar. */
const QUANTITY_FORMAT = 'quantity';

/** Marks, in a translated schema, the uniqueItems that stands for x-kubernetes-list-type: set. */
export const LIST_SET = 'x-slipway-list-set';

const PRIMITIVES = new Set(['integer', 'number', 'string', 'boolean']);

function refOf(s: SchemaObject): string | undefined {
  if (s.$ref) return refName(s.$ref);
  if (s.allOf && s.allOf.length === 1 && s.allOf[0].$ref) return refName(s.allOf[0].$ref);
  return undefined;
}

/** [{type: 'integer'}, {type: 'string'}]: alternatives that differ in type alone. */
function isTypeUnion(branches: SchemaObject[] | undefined): boolean {
  return (
    !!branches &&
    branches.length > 0 &&
    branches.every((b) => typeof b.type === 'string' && PRIMITIVES.has(b.type) && Object.keys(b).length === 1)
  );
}

function validPattern(p: unknown): p is string {
  if (typeof p !== 'string') return false;
  try {
    new RegExp(p, 'u');
    return true;
  } catch {
    return false; // an RE2 construct JavaScript lacks: Kubernetes would check it, we cannot
  }
}

const BOUNDS = ['minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum'] as const;

/**
 * kube-openapi compares a whole number with a number schema's bound in int64, the bound truncated toward zero
 * (minimum 1.5 takes 1); a fractional value meets the bound as it is.
 */
function truncatedBoundsForIntegers(out: AjvSchema): void {
  const fractional = BOUNDS.filter((k) => typeof out[k] === 'number' && !Number.isInteger(out[k]));
  if (!fractional.length) return;
  const whole: AjvSchema = {};
  const other: AjvSchema = {};
  for (const k of fractional) {
    whole[k] = Math.trunc(out[k] as number);
    other[k] = out[k];
    delete out[k];
  }
  out.if = { type: 'integer' };
  out.then = whole;
  out.else = other;
}

/** Translates one schema. Unknown fields become additionalProperties errors, reported apart. */
export function toAjvSchema(s: SchemaObject, opts: ConvertOptions): AjvSchema {
  const ref = refOf(s);
  if (ref !== undefined) return opts.ref(ref);
  const out: AjvSchema = {};
  let types: string[] | undefined;
  if (s['x-kubernetes-int-or-string']) types = ['integer', 'string'];
  else if (!s.type && isTypeUnion(s.oneOf))
    types = s.oneOf!.map((alt) => alt.type as string); // Quantity: string or number
  else if (s.type) types = [s.type];
  if (types && s.nullable) types.push('null');
  if (types) out.type = types.length === 1 ? types[0] : types;
  if (Array.isArray(s.enum)) out.enum = s.nullable && !s.enum.includes(null) ? [...s.enum, null] : s.enum;

  for (const k of [
    'minimum',
    'maximum',
    'multipleOf',
    'minLength',
    'maxLength',
    'minItems',
    'maxItems',
    'minProperties',
    'maxProperties',
    'uniqueItems',
  ] as const) {
    if (s[k] !== undefined) out[k] = s[k];
  }
  // OpenAPI 3.0 booleans to draft-07 numbers
  if (s.exclusiveMinimum === true && typeof s.minimum === 'number') {
    out.exclusiveMinimum = s.minimum;
    delete out.minimum;
  }
  if (s.exclusiveMaximum === true && typeof s.maximum === 'number') {
    out.exclusiveMaximum = s.maximum;
    delete out.maximum;
  }
  if (s.type === 'number') truncatedBoundsForIntegers(out);
  if (validPattern(s.pattern)) out.pattern = s.pattern;
  if (typeof s.format === 'string' && opts.formats?.has(s.format)) out.format = s.format;
  if (s['x-kubernetes-list-type'] === 'set') {
    out.uniqueItems = true;
    out[LIST_SET] = true; // its repeats are worded as the list-type check words them, not as uniqueItems
  }

  const preserve = !!s['x-kubernetes-preserve-unknown-fields'];
  if (s.properties || s['x-kubernetes-embedded-resource']) {
    const props: Record<string, AjvSchema> = {};
    for (const [name, p] of Object.entries(s.properties ?? {})) props[name] = toAjvSchema(p, opts);
    if (s['x-kubernetes-embedded-resource']) {
      // embedded objects always keep their type and object metadata
      props.apiVersion ??= { type: 'string' };
      props.kind ??= { type: 'string' };
      props.metadata ??= { type: 'object' };
    }
    out.properties = props;
  }
  if (Array.isArray(s.required) && s.required.length) out.required = s.required;
  if (typeof s.additionalProperties === 'object') out.additionalProperties = toAjvSchema(s.additionalProperties, opts);
  else if (s.additionalProperties === false) out.additionalProperties = false;
  else if (
    s.additionalProperties === undefined &&
    !preserve &&
    !opts.valueOnly &&
    (s.type === 'object' || s.properties)
  ) {
    out.additionalProperties = false; // structural: what the schema does not declare is unknown
  }
  if (s.items) out.items = toAjvSchema(s.items, opts);
  for (const k of ['allOf', 'anyOf', 'oneOf'] as const) {
    const branches = s[k];
    if (!Array.isArray(branches)) continue;
    // a union of plain types only restates the type already set (int-or-string, Quantity)
    if (k !== 'allOf' && types && !s.type && isTypeUnion(branches)) continue;
    out[k] = branches.map((x) => toAjvSchema(x, { ...opts, valueOnly: true }));
  }
  if (s.not && typeof s.not === 'object') out.not = toAjvSchema(s.not as SchemaObject, { ...opts, valueOnly: true });
  return out;
}

// ---------------------------------------------------------------------------------------------
// ajv errors -> FieldErrors

/**
 * JSON pointer to path segments: list indexes as numbers (checked against the data) and, when the schema is given,
 * the keys of a map (additionalProperties) as map keys, which Kubernetes prints in brackets.
 */
function pointerToPath(pointer: string, data: unknown, schema: SchemaObject | undefined): PathSegment[] {
  if (!pointer) return [];
  const out: PathSegment[] = [];
  let cur: unknown = data;
  let at = schema;
  for (const raw of pointer.slice(1).split('/')) {
    const seg = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    const s = at && resolveSchema(at);
    if (Array.isArray(cur)) {
      const i = Number(seg);
      out.push(i);
      cur = cur[i];
      at = s?.items;
    } else {
      const field = s?.properties?.[seg];
      const values = !field && typeof s?.additionalProperties === 'object' ? s.additionalProperties : undefined;
      out.push(values ? mapKey(seg) : seg);
      at = field ?? values;
      cur = cur && typeof cur === 'object' ? (cur as Record<string, unknown>)[seg] : undefined;
    }
  }
  return out;
}

function valueAt(data: unknown, path: PathSegment[]): unknown {
  let cur = data;
  for (const seg of path)
    cur = cur && typeof cur === 'object' ? (cur as Record<string | number, unknown>)[segmentName(seg)] : undefined;
  return cur;
}

const NESTED_IN_COMBINATOR = /\/(anyOf|oneOf)\/\d+\/|\/not\//;

/** Leaves out the errors of anyOf/oneOf branches and of not: each is reported once, by the combinator itself. */
export function withoutBranchErrors(ajvErrors: ErrorObject[] | null | undefined): ErrorObject[] {
  return (ajvErrors ?? []).filter((e) => !NESTED_IN_COMBINATOR.test(e.schemaPath));
}

/**
 * Maps ajv errors to Kubernetes field errors; basePath is prepended to every path. Given the data's schema, map
 * keys are told from fields (`requests[cpu]`); without it every key is a field, as kube-openapi names them in a
 * custom resource (`spec.limits.cpu`).
 */
export function fieldErrorsFromAjv(
  ajvErrors: ErrorObject[],
  data: unknown,
  basePath: PathSegment[] = [],
  schema?: SchemaObject,
  toFieldError: AjvErrorWording = builtinFieldError,
): ValidationResult {
  const errors: FieldError[] = [];
  const unknownFields: FieldError[] = [];
  const seen = new Set<string>();
  for (const e of ajvErrors) {
    // an unknown field's path is the decoder's, which names map keys as fields
    const at = pointerToPath(e.instancePath, data, e.keyword === 'additionalProperties' ? undefined : schema);
    const path = [...basePath, ...at];
    const value = valueAt(data, at);
    if (e.keyword === 'additionalProperties') {
      const p = e.params as { additionalProperty: string };
      const u: FieldError = { type: 'FieldValueUnknown', path: [...path, String(p.additionalProperty)] };
      const key = 'u' + JSON.stringify(u.path);
      if (!seen.has(key)) {
        seen.add(key);
        unknownFields.push(u);
      }
      continue;
    }
    const fe = toFieldError(e, path, value);
    // one error per field and check: a repeat comes from a schema reached twice (allOf, a list and its set check)
    const key = fe.type + JSON.stringify(fe.path) + (fe.detail ?? '');
    if (seen.has(key)) continue;
    seen.add(key);
    errors.push(fe);
  }
  return { errors, unknownFields };
}

/** Words one ajv error (other than an unknown field) as a field error at `path`, whose value is `value`. */
export type AjvErrorWording = (e: ErrorObject, path: PathSegment[], value: unknown) => FieldError;

/** The API server's wording for built-in kinds, which Kubernetes validates with Go types. */
function builtinFieldError(e: ErrorObject, path: PathSegment[], value: unknown): FieldError {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return { type: 'FieldValueRequired', path: [...path, String(p.missingProperty)] };
    case 'type':
      return {
        type: 'FieldValueTypeInvalid',
        path,
        value,
        detail: `must be of type ${String(p.type).split(',').join(' or ')}`,
      };
    case 'enum':
      return {
        type: 'FieldValueNotSupported',
        path,
        value,
        supported: (p.allowedValues as unknown[]).filter((v) => v !== null).map(String),
      };
    case 'maxLength':
      return { type: 'FieldValueTooLong', path, value, detail: `may not be more than ${p.limit} bytes` };
    case 'maxItems':
      return { type: 'FieldValueTooMany', path, value, detail: `must have at most ${p.limit} items` };
    case 'uniqueItems':
      return duplicateItem(e, path, value);
    default:
      return { type: 'FieldValueInvalid', path, value, detail: invalidDetail(e) };
  }
}

/** A repeated item of a list that must be a set, as Kubernetes reports it: at the repeat, not the first. */
export function duplicateItem(e: ErrorObject, path: PathSegment[], value: unknown): FieldError {
  const p = e.params as { i: number; j: number };
  const later = Math.max(Number(p.i), Number(p.j));
  return { type: 'FieldValueDuplicate', path: [...path, later], value: Array.isArray(value) ? value[later] : value };
}

/** Kubernetes' wording for value constraints ("should be greater than or equal to 1"). */
function invalidDetail(e: ErrorObject): string {
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'minimum':
      return `should be greater than or equal to ${p.limit}`;
    case 'exclusiveMinimum':
      return `should be greater than ${p.limit}`;
    case 'maximum':
      return `should be less than or equal to ${p.limit}`;
    case 'exclusiveMaximum':
      return `should be less than ${p.limit}`;
    case 'multipleOf':
      return `should be a multiple of ${p.multipleOf}`;
    case 'minLength':
      return `should be at least ${p.limit} chars long`;
    case 'minItems':
      return `should have at least ${p.limit} items`;
    case 'minProperties':
      return `should have at least ${p.limit} properties`;
    case 'maxProperties':
      return `should have at most ${p.limit} properties`;
    case 'pattern':
      return `should match '${p.pattern}'`;
    case 'format':
      return p.format === QUANTITY_FORMAT ? QUANTITY_FORMAT_MESSAGE : `must be of type ${p.format}`;
    case 'oneOf':
      return 'must validate one and only one schema (oneOf)';
    case 'anyOf':
      return 'must validate at least one schema (anyOf)';
    case 'allOf':
      return 'must validate all the schemas (allOf)';
    case 'not':
      return 'must not validate the schema (not)';
    default:
      return `failed ${e.keyword} validation`;
  }
}

// ---------------------------------------------------------------------------------------------
// Built-in kinds

/** Kubernetes decodes null as "not set"; validation then sees the field as absent. Copies only if needed. */
export function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = withoutNulls(value[i]);
      if (v !== value[i]) (copy ??= value.slice())[i] = v;
    }
    return copy ?? value;
  }
  if (value && typeof value === 'object') {
    let copy: Record<string, unknown> | undefined;
    const keys = Object.keys(value);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      const v = (value as Record<string, unknown>)[k];
      if (v === null) {
        copy ??= { ...(value as Record<string, unknown>) };
        delete copy[k];
        continue;
      }
      const w = withoutNulls(v);
      if (w !== v) (copy ??= { ...(value as Record<string, unknown>) })[k] = w;
    }
    return copy ?? value;
  }
  return value;
}

// Each definition is compiled on its own, the first time data reaches it: a Deployment compiles
// PodSpec and Container, not the thirty volume sources it never uses. A reference is a keyword
// whose validator calls the referenced definition's validator, compiling it if need be.
const REF_KEYWORD = 'x-slipway-definition';

let builtinAjv: Ajv | undefined;
const compiled = new Map<string, ValidateFunction>();

function ajvForBuiltins(): Ajv {
  if (builtinAjv) return builtinAjv;
  // messages off: errors are worded by fieldErrorsFromAjv; no schema validation: the generator's output is trusted
  const ajv = new Ajv({
    allErrors: true,
    strict: false,
    meta: false,
    validateSchema: false,
    messages: false,
    code: { optimize: false },
  });
  ajv.addFormat(QUANTITY_FORMAT, { type: 'string', validate: isQuantityText });
  ajv.addKeyword({
    keyword: REF_KEYWORD,
    schemaType: 'string',
    errors: true,
    compile(definition: string) {
      const check: DataValidateFunction = (data, cxt) => {
        const validate = definitionValidator(definition);
        // given the current path, the nested validator reports paths from the root
        const ok = validate(data, cxt) as boolean;
        check.errors = ok ? undefined : (validate.errors ?? undefined);
        return ok;
      };
      return check;
    },
  });
  builtinAjv = ajv;
  return ajv;
}

/** Definitions with no fields of their own (Time, Quantity, IntOrString, ...) are inlined, not referenced. */
function isLeaf(s: SchemaObject): boolean {
  return !s.properties && !s.items && typeof s.additionalProperties !== 'object' && !s.allOf && !s.$ref;
}

const builtinOpts: ConvertOptions = {
  formats: new Set([QUANTITY_FORMAT]),
  ref: (definition) => {
    const s = schemaByName(definition);
    if (!s) throw new Error(`Kubernetes schema ${definition} is missing from the generated schemas`);
    return isLeaf(s) ? toAjvSchema(s, builtinOpts) : { [REF_KEYWORD]: definition };
  },
};

/** The compiled validator of a definition; compiled on first use and kept. */
export function definitionValidator(definition: string): ValidateFunction {
  let v = compiled.get(definition);
  if (!v) {
    const s = schemaByName(definition);
    if (!s) throw new Error(`Kubernetes schema ${definition} is missing from the generated schemas`);
    v = ajvForBuiltins().compile(toAjvSchema(s, builtinOpts));
    compiled.set(definition, v);
  }
  return v;
}

/** Validates a value against one named definition, e.g. ObjectMeta for a custom resource's metadata. */
export function validateDefinition(
  value: unknown,
  definition: string,
  basePath: PathSegment[] = [],
  nullFree = false,
): ValidationResult {
  const data = nullFree ? value : withoutNulls(value);
  const validate = definitionValidator(definition);
  if (validate(data)) return { errors: [], unknownFields: [] };
  return fieldErrorsFromAjv(withoutBranchErrors(validate.errors), data, basePath, schemaByName(definition));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Why an apiVersion/kind has no schema, as a field error the caller can show. */
function noSchemaError(apiVersion: string, kind: string): FieldError {
  const { group, version } = splitApiVersion(apiVersion);
  const kinds = kindsWithSchemas()
    .filter((k) => k.group === group && k.version === version)
    .map((k) => k.kind)
    .sort();
  if (kinds.length) {
    return {
      type: 'FieldValueNotSupported',
      path: ['kind'],
      value: kind,
      detail: `no kind "${kind}" is registered for version "${apiVersion}"`,
      supported: kinds,
    };
  }
  return {
    type: 'FieldValueInvalid',
    path: ['apiVersion'],
    value: apiVersion,
    detail: `no matches for kind "${kind}" in version "${apiVersion}"`,
  };
}

/** Whether validateObject can check this kind. */
export function hasBuiltinSchema(apiVersion: string, kind: string): boolean {
  return definitionFor(apiVersion, kind) !== undefined;
}

/**
 * Validates a built-in object (Deployment, ConfigMap, ...) against its Kubernetes 1.34 schema.
 * Null fields count as unset, as Kubernetes decodes them. Unknown fields come back in unknownFields.
 */
export function validateObject(obj: unknown, options: ValidateOptions = {}): ValidationResult {
  if (!isObject(obj))
    return {
      errors: [{ type: 'FieldValueTypeInvalid', path: [], value: obj, detail: 'must be of type object' }],
      unknownFields: [],
    };
  const missing: FieldError[] = [];
  if (typeof obj.apiVersion !== 'string' || !obj.apiVersion)
    missing.push({ type: 'FieldValueRequired', path: ['apiVersion'], detail: 'apiVersion must be set' });
  if (typeof obj.kind !== 'string' || !obj.kind)
    missing.push({ type: 'FieldValueRequired', path: ['kind'], detail: 'kind must be set' });
  if (missing.length) return { errors: missing, unknownFields: [] };
  const definition = definitionFor(obj.apiVersion as string, obj.kind as string);
  if (!definition) return { errors: [noSchemaError(obj.apiVersion as string, obj.kind as string)], unknownFields: [] };
  return validateDefinition(obj, definition, [], options.nullFree);
}
