// A CRD's `x-kubernetes-validations` rules: evaluated on a custom resource (admission, the syncer's checks and
// the editor share this), and checked when the CRD is written. As Kubernetes: a rule sees its node as `self`
// (the root with apiVersion, kind, metadata.name and generateName), transition rules (reading `oldSelf`) run
// only on updates where the old value exists (or always, given `optionalOldSelf`, with oldSelf optional), and
// a null value is not validated. Old values are matched through properties, map keys and map-type list keys.
import { Optional } from '@marcbachmann/cel-js';
import { FieldError, FieldErrorType, mapKey, PathSegment } from '../fieldErrors';
import { isRecord } from '../objects';
import type { SchemaObject } from '../schemas';
import { schemaValueToCel } from './celValues';
import { newCostBudget, type CostBudget } from './evaluationCost';
import { compileExpression, compileTyped, type CompiledExpression } from './program';
import { resolveRuleFieldPath } from './ruleFieldPath';

export interface ValidationRule {
  rule: string;
  message?: string;
  messageExpression?: string;
  reason?: string;
  fieldPath?: string;
  optionalOldSelf?: boolean;
}

export interface RuleCheckOptions {
  /** the stored object, on update */
  old?: unknown;
  /** leave out transition rules (the editor has no old object) */
  skipTransitionRules?: boolean;
}

const VARIABLES = { self: 'dyn', oldSelf: 'dyn' };
// with optionalOldSelf, oldSelf is an optional (none on create)
const OPTIONAL_OLD_VARIABLES = { self: 'dyn', oldSelf: 'optional<dyn>' };

export function variablesOf(rule: ValidationRule) {
  return rule.optionalOldSelf ? OPTIONAL_OLD_VARIABLES : VARIABLES;
}
const REASONS: Record<string, FieldErrorType> = {
  FieldValueInvalid: 'FieldValueInvalid',
  FieldValueForbidden: 'FieldValueForbidden',
  FieldValueRequired: 'FieldValueRequired',
  FieldValueDuplicate: 'FieldValueDuplicate',
};

export function rulesOf(schema: SchemaObject): ValidationRule[] {
  const rules = schema['x-kubernetes-validations'];
  return Array.isArray(rules)
    ? rules.filter((r): r is ValidationRule => isRecord(r) && typeof r.rule === 'string')
    : [];
}

/** The schemas under this one; a malformed one (null, a list) is no schema: the CRD's own check reports it. */
function children(schema: SchemaObject): SchemaObject[] {
  const out = Object.values(schema.properties ?? {}).filter(isRecord);
  if (isRecord(schema.additionalProperties)) out.push(schema.additionalProperties);
  if (isRecord(schema.items)) out.push(schema.items);
  return out;
}

const ruled = new WeakMap<SchemaObject, boolean>();

/** Whether the schema or anything under it carries rules (remembered per schema object). */
export function hasValidationRules(schema: SchemaObject): boolean {
  let known = ruled.get(schema);
  if (known === undefined) {
    known = rulesOf(schema).length > 0 || children(schema).some(hasValidationRules);
    ruled.set(schema, known);
  }
  return known;
}

/** The text Kubernetes shows for a rule: its message, else the rule. */
function ruleText(rule: ValidationRule): string {
  return rule.message?.trim() || rule.rule.trim();
}

/** The message of a failed rule, and whether the message expression ran out of cost (which ends validation). */
function messageOf(
  rule: ValidationRule,
  vars: Record<string, unknown>,
  budget: CostBudget,
): { text: string; stop?: boolean } {
  if (rule.messageExpression) {
    const compiled = compileExpression(rule.messageExpression, variablesOf(rule));
    const result = compiled.ok ? compiled.expression.evaluate(vars, budget) : undefined;
    if (result && !result.ok && result.costExceeded === 'budget')
      return {
        text: `messageExpression evaluation failed due to running out of cost budget, ${NO_FURTHER}`,
        stop: true,
      };
    if (result && !result.ok && result.costExceeded)
      return {
        text:
          `${NO_FURTHER} due to call cost exceeds limit for messageExpression: ` +
          JSON.stringify(rule.messageExpression),
        stop: true,
      };
    const text = result?.ok && typeof result.value === 'string' ? result.value.trim() : '';
    if (text && !text.includes('\n')) return { text };
  }
  return { text: rule.message?.trim() || `failed rule: ${ruleText(rule)}` };
}

const NO_FURTHER = 'no further validation rules will be run';

/** Kube's words for a rule stopped by the cost limits; validation of the object ends there. */
function costError(result: { error: string; costExceeded?: 'call' | 'budget' }, rule: ValidationRule): string {
  if (result.costExceeded === 'budget') return result.error;
  return `'${result.error}': ${NO_FURTHER} due to call cost exceeds limit for rule: ${ruleText(rule)}`;
}

function failure(rule: ValidationRule, path: PathSegment[], type: string, detail: string): FieldError {
  const reason = REASONS[rule.reason ?? ''] ?? 'FieldValueInvalid';
  if (reason === 'FieldValueDuplicate') return { type: reason, path, value: type };
  if (reason === 'FieldValueInvalid') return { type: reason, path, value: type, detail };
  return { type: reason, path, detail };
}

/** The root as its rules see it: metadata reduced to name and generateName, as Kubernetes does. */
function rootView(obj: Record<string, unknown>): Record<string, unknown> {
  const meta = isRecord(obj.metadata) ? obj.metadata : {};
  const metadata: Record<string, unknown> = {};
  if (meta.name !== undefined) metadata.name = meta.name;
  if (meta.generateName !== undefined) metadata.generateName = meta.generateName;
  return { ...obj, metadata };
}

const TYPE_AND_OBJECT_META: Record<string, SchemaObject> = {
  apiVersion: { type: 'string' },
  kind: { type: 'string' },
  metadata: { type: 'object', properties: { name: { type: 'string' }, generateName: { type: 'string' } } },
};
const rootSchemas = new WeakMap<SchemaObject, SchemaObject>();

/** The root's schema with apiVersion, kind and metadata declared, which every custom resource has. */
export function rootSchema(schema: SchemaObject): SchemaObject {
  let root = rootSchemas.get(schema);
  if (!root) {
    root = { ...schema, properties: { ...schema.properties, ...TYPE_AND_OBJECT_META } };
    rootSchemas.set(schema, root);
  }
  return root;
}

class RuleWalker {
  readonly errors: FieldError[] = [];
  // all rules of one object share one cost budget; past it (or past one rule's limit) nothing more is validated
  private readonly budget = newCostBudget();
  private stopped = false;
  constructor(private readonly skipTransitionRules: boolean) {}

  node(value: unknown, old: unknown, schema: SchemaObject, path: PathSegment[]): void {
    if (this.stopped || value === null || value === undefined || !hasValidationRules(schema)) return;
    this.rules(value, old, schema, path);
    if (Array.isArray(value)) {
      const items = schema.items;
      if (items) value.forEach((v, i) => this.node(v, oldItem(v, old, schema), items, [...path, i]));
      return;
    }
    if (!isRecord(value)) return;
    const additional = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    const oldMap = isRecord(old) ? old : undefined;
    for (const [k, v] of Object.entries(value)) {
      const field = schema.properties?.[k];
      const child = field ?? additional;
      // a map's values are at `map[key]`, as Kubernetes names them
      if (child && !(path.length === 0 && k === 'metadata'))
        this.node(v, oldMap?.[k], child, [...path, field ? k : mapKey(k)]);
    }
  }

  private rules(value: unknown, old: unknown, schema: SchemaObject, path: PathSegment[]): void {
    const rules = rulesOf(schema);
    if (!rules.length) return;
    const root = path.length === 0 && isRecord(value);
    const view = root ? rootSchema(schema) : schema;
    const self = schemaValueToCel(root ? rootView(value) : value, view);
    const hasOld = old !== null && old !== undefined;
    const oldSelf = hasOld ? schemaValueToCel(root && isRecord(old) ? rootView(old) : old, view) : undefined;
    const type = schema.type ?? '';
    for (const rule of rules) {
      if (this.stopped) return;
      const compiled = compileExpression(rule.rule, variablesOf(rule));
      if (!compiled.ok) {
        this.errors.push({
          type: 'FieldValueInvalid',
          path,
          value: type,
          detail: `rule compile error: ${compiled.error}`,
        });
        continue;
      }
      const vars = variables(compiled.expression, rule, self, hasOld, oldSelf, this.skipTransitionRules);
      if (!vars) continue;
      const result = compiled.expression.evaluate(vars, this.budget);
      if (!result.ok && result.costExceeded) {
        this.errors.push({ type: 'FieldValueInvalid', path, value: type, detail: costError(result, rule) });
        this.stopped = true;
        return;
      }
      if (!result.ok) {
        const detail = `${result.error} evaluating rule: ${ruleText(rule)}`;
        this.errors.push({ type: 'FieldValueInvalid', path, value: type, detail });
        continue;
      }
      if (result.value === true) continue;
      const at = rule.fieldPath ? resolveRuleFieldPath(rule.fieldPath, schema) : undefined;
      const errorPath = at?.ok ? [...path, ...at.path] : path;
      const message = messageOf(rule, vars, this.budget);
      if (message.stop) {
        this.errors.push({ type: 'FieldValueInvalid', path, value: type, detail: message.text });
        this.stopped = true;
        return;
      }
      this.errors.push(failure(rule, errorPath, type, message.text));
    }
  }
}

/** The variables a rule runs with, or undefined when it does not run (a transition rule without an old value). */
function variables(
  expression: CompiledExpression,
  rule: ValidationRule,
  self: unknown,
  hasOld: boolean,
  oldSelf: unknown,
  skipTransitionRules: boolean,
): Record<string, unknown> | undefined {
  if (!expression.reads.has('oldSelf')) return { self };
  if (skipTransitionRules) return undefined;
  if (rule.optionalOldSelf) return { self, oldSelf: hasOld ? Optional.of(oldSelf) : Optional.none() };
  return hasOld ? { self, oldSelf } : undefined;
}

/** The old item a list item is compared with: only map-type lists correlate, by their keys. */
function oldItem(item: unknown, oldList: unknown, schema: SchemaObject): unknown {
  const keys = schema['x-kubernetes-list-map-keys'];
  if (schema['x-kubernetes-list-type'] !== 'map' || !Array.isArray(keys) || !Array.isArray(oldList)) return undefined;
  if (!isRecord(item)) return undefined;
  return oldList.find((o) => isRecord(o) && keys.every((k) => o[k] === item[k]));
}

/** Field errors of the rules in a custom resource's schema. */
export function validateRules(obj: unknown, schema: SchemaObject, opts: RuleCheckOptions = {}): FieldError[] {
  const walker = new RuleWalker(!!opts.skipTransitionRules);
  walker.node(obj, opts.old, schema, []);
  return walker.errors;
}

/**
 * What is wrong with the rules of a schema itself, as the CRD's own validation reports it: rules and message
 * expressions that do not compile, fieldPaths that name no field, optionalOldSelf on a rule without oldSelf.
 * `at` is the path of `schema` inside the CRD.
 */
export function ruleDefinitionErrors(schema: SchemaObject, at: PathSegment[]): FieldError[] {
  const errors: FieldError[] = [];
  rulesOf(schema).forEach((rule, i) => {
    const rulePath = [...at, 'x-kubernetes-validations', i];
    const compiled = compileTyped(rule.rule, variablesOf(rule), 'bool');
    if (!compiled.ok) {
      errors.push(invalid([...rulePath, 'rule'], rule.rule, `compilation failed: ${compiled.error}`));
    } else if (rule.optionalOldSelf && !compiled.expression.reads.has('oldSelf')) {
      errors.push(invalid([...rulePath, 'optionalOldSelf'], true, 'may only be set if the rule uses oldSelf'));
    }
    const message = rule.messageExpression && compileTyped(rule.messageExpression, variablesOf(rule), 'string');
    if (message && !message.ok)
      errors.push(
        invalid([...rulePath, 'messageExpression'], rule.messageExpression, `compilation failed: ${message.error}`),
      );
    if (rule.fieldPath) {
      const resolved = resolveRuleFieldPath(rule.fieldPath, schema);
      if (!resolved.ok) errors.push(invalid([...rulePath, 'fieldPath'], rule.fieldPath, resolved.error));
    }
  });
  for (const [k, child] of Object.entries(schema.properties ?? {}))
    errors.push(...ruleDefinitionErrors(child, [...at, 'properties', mapKey(k)]));
  if (typeof schema.additionalProperties === 'object')
    errors.push(...ruleDefinitionErrors(schema.additionalProperties, [...at, 'additionalProperties']));
  if (schema.items) errors.push(...ruleDefinitionErrors(schema.items, [...at, 'items']));
  return errors;
}

function invalid(path: PathSegment[], value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', path, value, detail };
}
