// The expressions of a ValidatingAdmissionPolicy (validations, messageExpressions, matchConditions, variables):
// the variables they may read, as kube-apiserver declares them, and their compilation. `authorizer` is not
// offered: an expression reading it does not compile here and says so.
import type { FieldError, PathSegment } from '../fieldErrors';
import { compileTyped, type CompileResult } from './program';

export const POLICY_VARIABLES = {
  object: 'dyn',
  oldObject: 'dyn',
  request: 'dyn',
  params: 'dyn',
  namespaceObject: 'dyn',
  variables: 'dyn',
};

/** Compiles a policy expression; `wanted` is the type of result its field needs (dyn: any). */
export function compilePolicyExpression(source: string, wanted = 'dyn'): CompileResult {
  const result = compileTyped(source, POLICY_VARIABLES, wanted);
  if (!result.ok && /\bauthorizer\b/.test(source))
    return { ok: false, error: `${result.error} (the authorizer variable is not supported by this cluster)` };
  return result;
}

interface PolicySpecExpressions {
  validations?: { expression?: unknown; messageExpression?: unknown }[];
  matchConditions?: { expression?: unknown }[];
  variables?: { expression?: unknown }[];
}

/** Expressions of a policy's spec that do not compile, at their fields, as the policy's own validation reports. */
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
  (spec.matchConditions ?? []).forEach((c, i) => check(c?.expression, [...at, 'matchConditions', i, 'expression']));
  (spec.variables ?? []).forEach((v, i) => check(v?.expression, [...at, 'variables', i, 'expression'], 'dyn'));
  return errors;
}
