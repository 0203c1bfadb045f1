// A custom resource's schema violations worded as kube-apiserver words them. Kubernetes checks a custom resource
// with kube-openapi's validator, whose messages name the field "in body" ("spec.size in body should be greater than
// or equal to 1"); apiextensions-apiserver turns each into a field error: Required, NotSupported (enum), TooLong
// (maxLength), TooMany (maxItems, maxProperties, with the count), TypeInvalid (type and format, with the value's
// JSON type or the string), and Invalid with the offending value for the rest.

import type { ErrorObject } from 'ajv';
import { FieldError, formatFieldPath, goFloat, PathSegment } from './fieldErrors';
import { duplicateItem, LIST_SET } from './validation';

/** The JSON type kube-openapi names for a decoded value: integer for a whole number, number for any other. */
function jsonType(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v;
}

/** A bound as kube-openapi prints it: as an integer when value and bound are whole, else as Go prints a float. */
function bound(limit: unknown, value: unknown): string {
  const n = Number(limit);
  return Number.isInteger(value) && Number.isInteger(n) ? String(n) : goFloat(n);
}

function count(value: unknown): number {
  if (Array.isArray(value)) return value.length;
  return value && typeof value === 'object' ? Object.keys(value).length : 0;
}

/** apimachinery's TooMany wording, for a list's items and an object's properties alike. */
function atMost(limit: unknown): string {
  return `must have at most ${limit} ${Number(limit) === 1 ? 'item' : 'items'}`;
}

/**
 * A combinator's failure: kube-openapi reports it as a plain error, which apiextensions-apiserver makes an Invalid
 * value "" at the custom resource's root path, printed `<nil>`.
 */
function combinator(path: PathSegment[], detail: string): FieldError {
  return { type: 'FieldValueInvalid', path, value: '', detail, field: '<nil>' };
}

/** Words one ajv error of a custom resource as kube-apiserver reports it (see above). */
export function kubeOpenAPIFieldError(e: ErrorObject, path: PathSegment[], value: unknown): FieldError {
  const p = e.params as Record<string, unknown>;
  // kube-openapi's name for the field, which a map key joins as a field would (spec.tiers.web)
  const name = formatFieldPath(path);
  const invalid = (detail: string, shown: unknown = value): FieldError => ({
    type: 'FieldValueInvalid',
    path,
    value: shown,
    detail: `${name} in body ${detail}`,
  });
  switch (e.keyword) {
    case 'required':
      return { type: 'FieldValueRequired', path: [...path, String(p.missingProperty)] };
    case 'type': {
      const types = String(p.type)
        .split(',')
        .filter((t) => t !== 'null'); // nullable is no type of its own to kube-openapi
      const actual = jsonType(value);
      return {
        type: 'FieldValueTypeInvalid',
        path,
        value: actual,
        detail: `${name} in body must be of type ${types.join(',')}: ${JSON.stringify(actual)}`,
      };
    }
    case 'format':
      return {
        type: 'FieldValueTypeInvalid',
        path,
        value,
        detail: `${name} in body must be of type ${p.format}: ${JSON.stringify(value)}`,
      };
    case 'enum':
      return {
        type: 'FieldValueNotSupported',
        path,
        value,
        supported: (p.allowedValues as unknown[])
          .filter((v) => v !== null)
          .map((v) => (typeof v === 'string' ? v : JSON.stringify(v))),
      };
    case 'maxLength':
      return {
        type: 'FieldValueTooLong',
        path,
        value,
        detail: `may not be more than ${p.limit} ${Number(p.limit) === 1 ? 'byte' : 'bytes'}`,
      };
    case 'minLength':
      return invalid(`should be at least ${p.limit} chars long`);
    case 'pattern':
      return invalid(`should match '${p.pattern}'`);
    case 'minimum':
      return invalid(`should be greater than or equal to ${bound(p.limit, value)}`);
    case 'exclusiveMinimum':
      return invalid(`should be greater than ${bound(p.limit, value)}`);
    case 'maximum':
      return invalid(`should be less than or equal to ${bound(p.limit, value)}`);
    case 'exclusiveMaximum':
      return invalid(`should be less than ${bound(p.limit, value)}`);
    case 'multipleOf':
      return invalid(`should be a multiple of ${bound(p.multipleOf, value)}`);
    case 'minItems':
      return invalid(`should have at least ${p.limit} items`, count(value));
    case 'minProperties':
      return invalid(`should have at least ${p.limit} properties`, count(value));
    case 'maxItems':
    case 'maxProperties':
      return { type: 'FieldValueTooMany', path, value: count(value), detail: atMost(p.limit) };
    case 'uniqueItems':
      // a list-type set's repeat is reported by Kubernetes' list check, the schema's uniqueItems by kube-openapi
      if ((e.parentSchema as Record<string, unknown> | undefined)?.[LIST_SET]) return duplicateItem(e, path, value);
      return invalid(`shouldn't contain duplicates`, '');
    case 'anyOf':
      return combinator(path, `"${name}" must validate at least one schema (anyOf)`);
    case 'oneOf': {
      const passing = p.passingSchemas as number[] | null;
      const found = passing ? `Found ${passing.length} valid alternatives` : 'Found none valid';
      return combinator(path, `"${name}" must validate one and only one schema (oneOf). ${found}`);
    }
    case 'not':
      return combinator(path, `"${name}" must not validate the schema (not)`);
    case 'allOf':
      return combinator(path, `"${name}" must validate all the schemas (allOf)${p.none ? '. None validated' : ''}`);
    default:
      return invalid(`failed ${e.keyword} validation`);
  }
}

/**
 * The errors kube-openapi reports of those ajv found for the (translated) schema root: see bestBranches,
 * allOfHeadlines and firstStringChecks.
 */
export function kubeOpenAPIErrors(errors: ErrorObject[], root: unknown): ErrorObject[] {
  // an if/then/else only picks a number's bounds (see toAjvSchema); its branch's own error says it all
  const checks = errors.filter((e) => e.keyword !== 'if');
  return firstStringChecks([...bestBranches(checks), ...allOfHeadlines(checks, root)]);
}

/** The instance path of the value a schema location (a prefix of an error's schemaPath) applies to. */
function instanceAt(schemaPath: string, instancePath: string): string {
  const steps = schemaPath.replace(/^#\//, '').split('/');
  const segments = instancePath.split('/').slice(1);
  let depth = 0;
  for (let k = 0; k < steps.length; k++) {
    if (steps[k] === 'properties')
      k++; // the property's name
    else if (steps[k] === 'allOf' || steps[k] === 'anyOf' || steps[k] === 'oneOf') {
      k++; // the branch's index, which descends into no value
      continue;
    } else if (steps[k] !== 'items' && steps[k] !== 'additionalProperties') continue;
    depth++;
  }
  return segments
    .slice(0, depth)
    .map((s) => '/' + s)
    .join('');
}

function at(root: unknown, schemaPath: string): unknown {
  let node = root;
  for (const step of schemaPath.replace(/^#\//, '').split('/'))
    node = node && typeof node === 'object' ? (node as Record<string, unknown>)[step.replace(/~1/g, '/')] : undefined;
  return node;
}

/**
 * ajv reports an allOf's failing branches alone; kube-openapi adds, once per value, its own error: "must validate
 * all the schemas (allOf)", ". None validated" when no branch held.
 */
function allOfHeadlines(errors: ErrorObject[], root: unknown): ErrorObject[] {
  const failing = new Map<string, { instancePath: string; schemaPath: string; branches: Set<number> }>();
  for (const e of errors) {
    for (const m of e.schemaPath.matchAll(/\/allOf\/(\d+)\//g)) {
      const schemaPath = e.schemaPath.slice(0, m.index + '/allOf'.length);
      const instancePath = instanceAt(schemaPath, e.instancePath);
      const key = schemaPath + ' ' + instancePath;
      const entry = failing.get(key) ?? { instancePath, schemaPath, branches: new Set<number>() };
      entry.branches.add(Number(m[1]));
      failing.set(key, entry);
    }
  }
  return [...failing.values()].map(({ instancePath, schemaPath, branches }) => {
    const all = at(root, schemaPath);
    const none = Array.isArray(all) && branches.size === all.length;
    return { keyword: 'allOf', instancePath, schemaPath, params: { none } };
  });
}

function within(e: ErrorObject, c: ErrorObject): boolean {
  return (
    e !== c &&
    e.schemaPath.startsWith(c.schemaPath + '/') &&
    (e.instancePath === c.instancePath || e.instancePath.startsWith(c.instancePath + '/'))
  );
}

/**
 * When no branch of an anyOf or oneOf holds, kube-openapi adds the errors of the branch that came closest (the most
 * checks passed; here, the fewest errors, the first of equals) to its own; when a oneOf holds twice, and for not,
 * it reports none of the branches'.
 */
function bestBranches(errors: ErrorObject[]): ErrorObject[] {
  const dropped = new Set<ErrorObject>();
  for (const c of errors) {
    if (c.keyword !== 'anyOf' && c.keyword !== 'oneOf' && c.keyword !== 'not') continue;
    const nested = errors.filter((e) => within(e, c));
    const passing = (c.params as { passingSchemas?: number[] | null }).passingSchemas;
    const branch = (e: ErrorObject) => Number(e.schemaPath.slice(c.schemaPath.length + 1).split('/')[0]);
    let best: number | undefined;
    if (c.keyword !== 'not' && !passing) {
      const counts = new Map<number, number>();
      for (const e of nested) counts.set(branch(e), (counts.get(branch(e)) ?? 0) + 1);
      for (const [i, n] of [...counts].sort((a, b) => a[0] - b[0]))
        if (best === undefined || n < counts.get(best)!) best = i;
    }
    for (const e of nested) if (branch(e) !== best) dropped.add(e);
  }
  return errors.filter((e) => !dropped.has(e));
}

// kube-openapi checks a string's maxLength, then minLength, then pattern, and reports only the first that fails
const STRING_CHECKS = ['maxLength', 'minLength', 'pattern'];

/** Drops the string checks kube-openapi would not reach: after the first failing one, at each field. */
function firstStringChecks(errors: ErrorObject[]): ErrorObject[] {
  const first = new Map<string, number>();
  for (const e of errors) {
    const rank = STRING_CHECKS.indexOf(e.keyword);
    if (rank < 0) continue;
    const at = e.instancePath + ' ' + e.schemaPath.slice(0, e.schemaPath.lastIndexOf('/'));
    first.set(at, Math.min(first.get(at) ?? rank, rank));
  }
  return errors.filter((e) => {
    const rank = STRING_CHECKS.indexOf(e.keyword);
    return rank < 0 || first.get(e.instancePath + ' ' + e.schemaPath.slice(0, e.schemaPath.lastIndexOf('/'))) === rank;
  });
}
