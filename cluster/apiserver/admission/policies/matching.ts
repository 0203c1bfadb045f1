// Whether a request falls under a policy's matchConstraints or a binding's matchResources: resource rules
// (operations, groups, versions, resources with subresources, names, scope) minus the excluded ones, the
// namespace selector (on the namespace's labels; cluster-scoped objects other than Namespaces always pass) and the
// object selector (the new or the old object's labels), as kube-apiserver matches them.
import type { MatchResources, NamedRuleWithOperations } from 'kubernetes-types/admissionregistration/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fromLabelSelector, matchesLabels } from '../../../../kube/labelSelector';
import type { KubeObject } from '../../../../kube/objects';
import type { AdmissionAttributes } from './attributes';

/** kubernetes-types leaves these two fields of NamedRuleWithOperations out */
export type ResourceRule = NamedRuleWithOperations & { resources?: string[]; scope?: string };

/** MatchResources with its rules' resources and scope. */
export interface PolicyMatch extends Omit<MatchResources, 'resourceRules' | 'excludeResourceRules'> {
  resourceRules?: ResourceRule[];
  excludeResourceRules?: ResourceRule[];
}

const has = (list: string[] | undefined, value: string) => !!list?.some((v) => v === '*' || v === value);

function resourceMatches(patterns: string[] | undefined, plural: string): boolean {
  // requests for the main resource only: subresource patterns ("pods/status", "*/*" aside) never match them
  return !!patterns?.some((p) => p === '*' || p === '*/*' || p === plural);
}

function ruleMatches(rule: ResourceRule, a: AdmissionAttributes): boolean {
  const { info } = a;
  if (!has(rule.operations, a.operation)) return false;
  if (!has(rule.apiGroups, info.group) || !has(rule.apiVersions, info.version)) return false;
  if (!resourceMatches(rule.resources, info.plural)) return false;
  if (rule.resourceNames?.length && !rule.resourceNames.includes(a.name)) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && info.namespaced) return false;
  if (scope === 'Namespaced' && !info.namespaced) return false;
  return true;
}

function selects(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  return selector === undefined || matchesLabels(fromLabelSelector(selector), labels ?? {});
}

function namespaceLabels(a: AdmissionAttributes, namespaceObject: KubeObject | undefined) {
  if (a.info.group === '' && a.info.plural === 'namespaces') return (a.object ?? a.oldObject)?.metadata.labels;
  return namespaceObject?.metadata.labels;
}

export function matchesRequest(
  match: PolicyMatch | undefined,
  a: AdmissionAttributes,
  namespaceObject: KubeObject | undefined,
): boolean {
  if (!match) return true;
  if (match.resourceRules && !match.resourceRules.some((r) => ruleMatches(r, a))) return false;
  if (match.excludeResourceRules?.some((r) => ruleMatches(r, a))) return false;
  const namespaceScoped = a.info.namespaced || (a.info.group === '' && a.info.plural === 'namespaces');
  if (namespaceScoped && !selects(match.namespaceSelector, namespaceLabels(a, namespaceObject))) return false;
  const objects = [a.object, a.oldObject].filter((o): o is KubeObject => !!o);
  return objects.some((o) => selects(match.objectSelector, o.metadata.labels));
}
