// A matched webhook's matchConditions (CEL), evaluated as kube-apiserver does before calling it: on the objects at
// the version it is called at and the `request` it would be sent. All true: it is called; one false: it is not;
// otherwise a failed condition refuses the request (403) under failurePolicy Fail and skips the webhook under
// Ignore.
import type { MatchCondition } from 'kubernetes-types/admissionregistration/v1';
import { jsonToCel } from '../../../../kube/cel/celValues';
import { evaluateMatchConditions } from '../../../../kube/cel/matchConditions';
import { compileWebhookCondition } from '../../../../kube/cel/policyExpressions';
import type { EvaluationResult } from '../../../../kube/cel/program';
import type { KubeObject } from '../../../../kube/objects';
import type { ResourceInfo } from '../../../../kube/registry';
import { forbidden, qualifiedResource } from '../../apiErrors';
import { celRequest } from '../admissionRequest';
import type { AdmissionAttributes } from '../attributes';

export interface ConditionedWebhook {
  name: string;
  failurePolicy?: string;
  matchConditions?: MatchCondition[];
}

/** Whether the webhook is to be called; throws the refusal of a failed condition under failurePolicy Fail. */
export function matchesConditions(
  hook: ConditionedWebhook,
  attrs: AdmissionAttributes,
  resource: ResourceInfo,
  objects: { object?: KubeObject; oldObject?: KubeObject },
): boolean {
  const conditions = hook.matchConditions ?? [];
  if (!conditions.length) return true;
  const vars = {
    object: objects.object ? jsonToCel(objects.object) : null,
    oldObject: objects.oldObject ? jsonToCel(objects.oldObject) : null,
    request: jsonToCel(celRequest(attrs, resource)),
  };
  const run = (expression: string): EvaluationResult => {
    const compiled = compileWebhookCondition(expression);
    if (!compiled.ok) return { ok: false, error: `compilation failed: ${compiled.error}` };
    return compiled.expression.evaluate(vars);
  };
  const outcome = evaluateMatchConditions(conditions, run);
  if ('matches' in outcome) return outcome.matches;
  if (hook.failurePolicy === 'Ignore') return false;
  const { plural, group } = attrs.requestedAs ?? attrs.info;
  const who = attrs.name ? `${qualifiedResource(plural, group)} "${attrs.name}"` : qualifiedResource(plural, group);
  throw forbidden(`${who} is forbidden: ${outcome.error}`, {
    name: attrs.name || undefined,
    group: group || undefined,
    kind: plural,
  });
}
