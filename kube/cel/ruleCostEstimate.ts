// The worst-case cost of a CRD's rules, estimated when the CRD is written: as kube-apiserver does, a rule whose
// estimate, times the most times it can run (the elements of the lists and maps above it), exceeds 10,000,000 is
// refused, and so are rules whose total exceeds 100,000,000. The estimate counts nodes as the runtime meter does,
// but literals and logical operators are free (as in cel-go's estimate): a comprehension costs its step times the
// most elements of its range, taken from the schema's maxItems/maxProperties, or else as many as fit in a request
// of 3 MiB (kube-apiserver's assumption). The length of strings is not counted, so string functions are estimated
// lower than cel-go estimates them.
import { mapKey, type FieldError, type PathSegment } from '../fieldErrors';
import type { SchemaObject } from '../schemas';
import { celNode, isCelNode, type CelNode, type ComprehensionArgs } from './astNode';
import { compileExpression, type CompiledExpression } from './program';
import { rootSchema, rulesOf, variablesOf } from './schemaRules';

export const STATIC_ESTIMATED_COST_LIMIT = 10_000_000;
export const STATIC_ESTIMATED_CRD_COST_LIMIT = 100_000_000;
const MAX_REQUEST_BYTES = 3 * 1024 * 1024;
const MOST_EXPENSIVE = 4;

/** What is known of a value: its schema when it comes from the object, and the most elements it can have. */
interface Shape {
  schema?: SchemaObject;
  size: number;
}

// a value of unknown origin: as many one-byte elements as fit in a request
const UNKNOWN: Shape = { size: Math.floor(MAX_REQUEST_BYTES / 2) };

/** The fewest bytes a value of the schema takes in JSON. */
function minSize(schema: SchemaObject): number {
  switch (schema.type) {
    case 'string':
    case 'array':
    case 'object':
      return 2;
    case 'boolean':
      return 4;
    default:
      return 1;
  }
}

function bound(schema: SchemaObject, key: 'maxItems' | 'maxProperties'): number | undefined {
  const v = schema[key];
  return typeof v === 'number' ? v : undefined;
}

/** The most elements a value of the schema can have: its bounds, else as many as fit in a request. */
function elementCount(schema: SchemaObject): number {
  if (schema.type === 'array') {
    const per = schema.items ? minSize(schema.items) + 1 : 2;
    return bound(schema, 'maxItems') ?? Math.floor(MAX_REQUEST_BYTES / per);
  }
  if (schema.type === 'object') {
    const value = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    const max = bound(schema, 'maxProperties');
    if (max !== undefined) return max;
    if (!value && schema.properties) return Object.keys(schema.properties).length;
    // the shortest entry: "":v,
    return Math.floor(MAX_REQUEST_BYTES / ((value ? minSize(value) : 1) + 4));
  }
  return UNKNOWN.size;
}

const shapeOf = (schema: SchemaObject | undefined): Shape =>
  schema ? { schema, size: elementCount(schema) } : UNKNOWN;

function childSchema(schema: SchemaObject | undefined, field?: string): SchemaObject | undefined {
  if (!schema) return undefined;
  if (schema.type === 'array') return schema.items;
  const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  return (field !== undefined ? schema.properties?.[field] : undefined) ?? additional;
}

/** What iterating a value yields: a list's items, a map's keys. */
function elementShape(range: Shape): Shape {
  if (!range.schema) return UNKNOWN;
  if (range.schema.type === 'array') return shapeOf(range.schema.items);
  return shapeOf({ type: 'string' });
}

type Scope = ReadonlyMap<string, Shape>;

function nodesIn(args: unknown, into: CelNode[] = []): CelNode[] {
  if (isCelNode(args)) into.push(args);
  else if (Array.isArray(args)) args.forEach((a) => nodesIn(a, into));
  return into;
}

function shape(node: CelNode, scope: Scope): Shape {
  const args = node.args;
  switch (node.op) {
    case 'id':
      return scope.get(args as string) ?? UNKNOWN;
    case '.':
    case '.?': {
      const [base, field] = args as [CelNode, string];
      return shapeOf(childSchema(shape(base, scope).schema, field));
    }
    case '[]':
    case '[?]':
      return shapeOf(childSchema(shape((args as CelNode[])[0], scope).schema));
    case 'list':
      return { size: (args as unknown[]).length };
    case 'rcall': {
      const [name, receiver] = args as [string, CelNode];
      if (name === 'filter') return shape(receiver, scope);
      if (name === 'map') return { size: shape(receiver, scope).size };
      return UNKNOWN;
    }
    default:
      return UNKNOWN;
  }
}

function cost(node: CelNode, scope: Scope): number {
  const { alternate, macro } = node.meta;
  if (alternate) return cost(alternate, scope);
  if (macro?.var && macro.val && macro.exp) {
    const bound = new Map(scope).set(macro.var, shape(macro.val, scope));
    return 1 + cost(macro.val, scope) + cost(macro.exp, bound);
  }
  if (macro) return 2;
  if (node.op === 'value') return 0;
  if (node.op === 'comprehension') {
    const c = node.args as ComprehensionArgs;
    const range = shape(c.iterable, scope);
    const inner = new Map(scope).set(c.iterVarName, elementShape(range));
    return 1 + cost(c.iterable, scope) + cost(c.init, scope) + range.size * (1 + cost(c.step, inner));
  }
  return nodesIn(node.args).reduce((sum, child) => sum + cost(child, scope), FREE.has(node.op) ? 0 : 1);
}

// literals and logical operators cost nothing of their own in cel-go's estimate (the meter counts them, so its
// count at run time stays above the estimate)
const FREE = new Set(['||', '&&', '?:', '!_']);

/** The estimated worst-case cost of one evaluation of a compiled rule on a value of `schema`. */
export function estimateRuleCost(expression: Pick<CompiledExpression, 'ast'>, schema: SchemaObject): number {
  const self = shapeOf(schema);
  return cost(
    celNode(expression.ast),
    new Map([
      ['self', self],
      ['oldSelf', self],
    ]),
  );
}

/** kube-apiserver's words for an estimate over its limit. */
export function costErrorMessage(costName: string, cost: number, limit: number): string {
  const factor = cost / limit;
  const shown = factor > 100 ? 'more than 100x' : factor < 1.5 ? `${factor.toFixed(6)}x` : `${factor.toFixed(1)}x`;
  return (
    `${costName} exceeds budget by factor of ${shown} (try simplifying the rule, or adding maxItems, ` +
    'maxProperties, and maxLength where arrays, maps, and strings are declared)'
  );
}

/** Rules of a CRD schema (at `at`) whose estimated cost is over kube-apiserver's limits. */
export function ruleCostErrors(root: SchemaObject, at: PathSegment[]): FieldError[] {
  const errors: FieldError[] = [];
  const costs: { path: PathSegment[]; estimate: number }[] = [];
  const walk = (schema: SchemaObject, path: PathSegment[], cardinality: number, isRoot: boolean): void => {
    // no more values of this schema than fit in a request
    const times = Math.min(cardinality, Math.floor(MAX_REQUEST_BYTES / (minSize(schema) + 1)));
    const view = isRoot ? rootSchema(schema) : schema;
    rulesOf(schema).forEach((rule, i) => {
      for (const [field, source] of [
        ['rule', rule.rule],
        ['messageExpression', rule.messageExpression],
      ] as const) {
        const compiled = source ? compileExpression(source, variablesOf(rule)) : undefined;
        if (!compiled?.ok) continue;
        const estimate = estimateRuleCost(compiled.expression, view) * times;
        costs.push({ path: [...path, 'x-kubernetes-validations', i, field], estimate });
        if (estimate > STATIC_ESTIMATED_COST_LIMIT) {
          const name = field === 'rule' ? 'estimated rule cost' : 'estimated messageExpression cost';
          const detail = costErrorMessage(name, estimate, STATIC_ESTIMATED_COST_LIMIT);
          errors.push({ type: 'FieldValueForbidden', path: [...path, 'x-kubernetes-validations', i, field], detail });
        }
      }
    });
    for (const [k, child] of Object.entries(schema.properties ?? {}))
      walk(child, [...path, 'properties', mapKey(k)], times, false);
    if (typeof schema.additionalProperties === 'object')
      walk(schema.additionalProperties, [...path, 'additionalProperties'], times * elementCount(schema), false);
    if (schema.items) walk(schema.items, [...path, 'items'], times * elementCount(schema), false);
  };
  walk(root, at, 1, true);
  const total = costs.reduce((sum, c) => sum + c.estimate, 0);
  if (total > STATIC_ESTIMATED_CRD_COST_LIMIT) {
    // the most expensive rules are named, then the total
    // (up to four, each of at least 1% of the limit, as kube-apiserver names them)
    const named = costs.filter((c) => c.estimate >= STATIC_ESTIMATED_CRD_COST_LIMIT / 100);
    for (const { path } of named.sort((a, b) => b.estimate - a.estimate).slice(0, MOST_EXPENSIVE)) {
      const detail = 'contributed to estimated rule cost total exceeding cost limit for entire OpenAPIv3 schema';
      errors.push({ type: 'FieldValueForbidden', path, detail });
    }
    const name = 'x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema';
    errors.push({
      type: 'FieldValueForbidden',
      path: at,
      detail: costErrorMessage(name, total, STATIC_ESTIMATED_CRD_COST_LIMIT),
    });
  }
  return errors;
}
