// The expressions of admission: a ValidatingAdmissionPolicy's (validations, messageExpressions, matchConditions,
// variables) and admission webhooks' matchConditions: the variables they may read, as kube-apiserver declares
// them, and their compilation. `authorizer` is not offered: an expression reading it does not compile here and
// says so.
import type { FieldError, PathSegment } from '../fieldErrors';
import { compileTyped, type CompileResult, type Variables } from './program';

export const POLICY_VARIABLES = {
  object: 'dyn',
  oldObject: 'dyn',
  request: 'dyn',
  params: 'dyn',
  namespaceObject: 'dyn',
  variables: 'dyn',
};

/** What a webhook's matchConditions may read (no params, namespaceObject or variables there). */
export const WEBHOOK_CONDITION_VARIABLES = { object: 'dyn', oldObject: 'dyn', request: 'dyn' };

function compileAdmissionExpression(source: string, variables: Variables, wanted: string): CompileResult {
  const result = compileTyped(source, variables, wanted);
  if (!result.ok && /\bauthorizer\b/.test(source))
    return { ok: false, error: `${result.error} (the authorizer variable is not supported by this cluster)` };
  return result;
}

/** Compiles a policy expression; `wanted` is the type of result its field needs (dyn: any). */
export function compilePolicyExpression(source: string, wanted = 'dyn'): CompileResult {
  return compileAdmissionExpression(source, POLICY_VARIABLES, wanted);
}

/** Compiles a webhook's matchCondition. */
export function compileWebhookCondition(source: string): CompileResult {
  return compileAdmissionExpression(source, WEBHOOK_CONDITION_VARIABLES, 'bool');
}

interface PolicySpecExpressions {
  validations?: { expression?: unknown; messageExpression?: unknown }[];
  variables?: { expression?: unknown }[];
}

/** Expressions of a policy's spec (matchConditions aside) that do not compile, at their fields, as the policy's own validation reports. */
export function policyExpressionErrors(spec: PolicySpecExpressions, at: PathSegment[]): FieldError[] {
  const errors: FieldError[] = [];
  const check = (value: unknown, path: PathSegment[], wanted = 'bool') => {
    if (typeof value !== 'string') return;
    const compiled = compilePolicyExpression(value, wanted);
    if (!compiled.ok)
      errors.push({ type: 'FieldValueInvalid', path, value, detail: `compilation failed: ${compiled.error}` });
  };
  (spec.validations ?? []).forEach((v, i) => {
    check(v?.expression, [...at, 'validations', i, 'expression']);
    check(v?.messageExpression, [...at, 'validations', i, 'messageExpression'], 'string');
  });
  (spec.variables ?? []).forEach((v, i) => check(v?.expression, [...at, 'variables', i, 'expression'], 'dyn'));
  return errors;
}
