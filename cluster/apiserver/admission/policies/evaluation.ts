// One policy's expressions for one request, binding and param: matchConditions (kube/cel/matchConditions.ts: a
// false one and the policy does not apply), then each validation; `variables` are evaluated when first read. A
// compile or runtime error is a failure that failurePolicy turns into a denial (Fail, the default) or lets pass
// (Ignore). All expressions of one evaluation share one cost budget, as in kube-apiserver: past it, the
// evaluation ends with that failure.
import type { ValidatingAdmissionPolicy } from 'kubernetes-types/admissionregistration/v1';
import { jsonToCel } from '../../../../kube/cel/celValues';
import { newCostBudget, type CostBudget } from '../../../../kube/cel/evaluationCost';
import { evaluateMatchConditions } from '../../../../kube/cel/matchConditions';
import { compilePolicyExpression } from '../../../../kube/cel/policyExpressions';
import type { EvaluationResult } from '../../../../kube/cel/program';
import type { KubeObject } from '../../../../kube/objects';
import type { ResourceInfo } from '../../../../kube/registry';
import { celRequest } from '../admissionRequest';
import type { AdmissionAttributes } from '../attributes';
import { viewAt } from '../objectViews';

export interface Denial {
  message: string;
  /** the Status reason (Invalid unless the validation names another) */
  reason: string;
}

type Activation = Record<string, unknown>;

function run(expression: string, vars: Activation, budget: CostBudget): EvaluationResult {
  const compiled = compilePolicyExpression(expression);
  if (!compiled.ok) return { ok: false, error: `compilation failed: ${compiled.error}` };
  return compiled.expression.evaluate(vars, budget);
}

/** `variables`, each evaluated once when an expression first reads it (later ones may read earlier ones). */
function lazyVariables(
  policy: ValidatingAdmissionPolicy,
  vars: Activation,
  budget: CostBudget,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const v of policy.spec?.variables ?? []) {
    let result: EvaluationResult | undefined;
    Object.defineProperty(out, v.name, {
      enumerable: true,
      get() {
        result ??= run(v.expression, vars, budget);
        if (!result.ok) throw new Error(result.error);
        return result.value;
      },
    });
  }
  return out;
}

function activation(
  policy: ValidatingAdmissionPolicy,
  a: AdmissionAttributes,
  resource: ResourceInfo,
  param: KubeObject | null,
  namespaceObject: KubeObject | undefined,
  budget: CostBudget,
): Activation {
  const object = viewAt(a, resource, 'object');
  const oldObject = viewAt(a, resource, 'oldObject');
  const vars: Activation = {
    object: object ? jsonToCel(object) : null,
    oldObject: oldObject ? jsonToCel(oldObject) : null,
    request: jsonToCel(celRequest(a, resource)),
    params: param ? jsonToCel(param) : null,
    namespaceObject: namespaceObject ? jsonToCel(namespaceObject) : null,
  };
  vars.variables = lazyVariables(policy, vars, budget);
  return vars;
}

/** The denials of one policy for one param (none when it admits or does not apply), seen at `resource`'s version. */
export function evaluatePolicy(
  policy: ValidatingAdmissionPolicy,
  a: AdmissionAttributes,
  resource: ResourceInfo,
  param: KubeObject | null,
  namespaceObject: KubeObject | undefined,
): Denial[] {
  const failClosed = (policy.spec?.failurePolicy ?? 'Fail') === 'Fail';
  const failure = (expression: string, error: string): Denial[] =>
    failClosed ? [{ message: `expression '${expression}' resulted in error: ${error}`, reason: 'Invalid' }] : [];
  const budget = newCostBudget();
  const vars = activation(policy, a, resource, param, namespaceObject, budget);
  const matched = evaluateMatchConditions(policy.spec?.matchConditions ?? [], (e) => run(e, vars, budget));
  if ('error' in matched) return failClosed ? [{ message: matched.error, reason: 'Invalid' }] : [];
  if (!matched.matches) return [];
  const denials: Denial[] = [];
  for (const v of policy.spec?.validations ?? []) {
    const result = run(v.expression, vars, budget);
    if (!result.ok && result.costExceeded === 'budget')
      return failClosed ? [...denials, { message: result.error, reason: 'Invalid' }] : denials;
    if (!result.ok) {
      denials.push(...failure(v.expression, result.error));
      continue;
    }
    if (result.value === true) continue;
    denials.push({ message: messageOf(v, vars, budget), reason: v.reason || 'Invalid' });
  }
  return denials;
}

function messageOf(
  v: { expression: string; message?: string; messageExpression?: string },
  vars: Activation,
  budget: CostBudget,
): string {
  if (v.messageExpression) {
    const result = run(v.messageExpression, vars, budget);
    const text = result.ok && typeof result.value === 'string' ? result.value.trim() : '';
    if (text && !text.includes('\n')) return text;
  }
  return v.message?.trim() || `failed expression: ${v.expression.trim()}`;
}
