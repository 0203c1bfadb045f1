// Whether a request falls under a policy's matchConstraints or a binding's matchResources: resource rules
// (operations, groups, versions, resources with subresources, names, scope) with matchPolicy Equivalent or Exact
// (../equivalentResources.ts, shared with webhooks) minus the excluded ones, the namespace selector (on the
// namespace's labels; cluster-scoped objects other than Namespaces always pass) and the object selector (the new
// or the old object's labels), as kube-apiserver matches them.
import type { MatchResources, NamedRuleWithOperations } from 'kubernetes-types/admissionregistration/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fromLabelSelector, matchesLabels } from '../../../../kube/labelSelector';
import type { KubeObject } from '../../../../kube/objects';
import type { ResourceInfo } from '../../../../kube/registry';
import type { AdmissionAttributes } from '../attributes';
import { matchedResource } from '../equivalentResources';

/** kubernetes-types leaves these two fields of NamedRuleWithOperations out */
export type ResourceRule = NamedRuleWithOperations & { resources?: string[]; scope?: string };

/** MatchResources with its rules' resources and scope. */
export interface PolicyMatch extends Omit<MatchResources, 'resourceRules' | 'excludeResourceRules'> {
  resourceRules?: ResourceRule[];
  excludeResourceRules?: ResourceRule[];
}

const has = (list: string[] | undefined, value: string) => !!list?.some((v) => v === '*' || v === value);

/** `pods` and `*` take the resource itself, `pods/status` and `*\/status` a subresource, `*\/*` both. */
function resourceMatches(patterns: string[] | undefined, plural: string, subresource: string): boolean {
  return !!patterns?.some((p) => {
    const [res, sub = ''] = p.split('/', 2);
    return (res === '*' || res === plural) && (sub === '*' || sub === subresource);
  });
}

function ruleMatches(rule: ResourceRule, a: AdmissionAttributes, resource: ResourceInfo): boolean {
  if (!has(rule.operations, a.operation)) return false;
  if (!has(rule.apiGroups, resource.group) || !has(rule.apiVersions, resource.version)) return false;
  if (!resourceMatches(rule.resources, resource.plural, a.subresource)) return false;
  if (rule.resourceNames?.length && !rule.resourceNames.includes(a.name)) return false;
  const scope = rule.scope ?? '*';
  if (scope === 'Cluster' && resource.namespaced) return false;
  if (scope === 'Namespaced' && !resource.namespaced) return false;
  return true;
}

function selects(selector: LabelSelector | undefined, labels: Record<string, string> | undefined): boolean {
  return selector === undefined || matchesLabels(fromLabelSelector(selector), labels ?? {});
}

function namespaceLabels(a: AdmissionAttributes, namespaceObject: KubeObject | undefined) {
  if (a.info.group === '' && a.info.plural === 'namespaces') return (a.object ?? a.oldObject)?.metadata.labels;
  return namespaceObject?.metadata.labels;
}

/** The version of the resource the match takes the request at, or undefined when it does not take it. */
export function matchRequest(
  match: PolicyMatch | undefined,
  a: AdmissionAttributes,
  namespaceObject: KubeObject | undefined,
): ResourceInfo | undefined {
  const requested = a.requestedAs ?? a.info;
  if (!match) return requested;
  const resource = match.resourceRules
    ? matchedResource(a, match.matchPolicy, match.resourceRules, (r, res) => ruleMatches(r, a, res))
    : requested;
  if (!resource) return undefined;
  if (match.excludeResourceRules?.some((r) => ruleMatches(r, a, requested))) return undefined;
  const namespaceScoped = a.info.namespaced || (a.info.group === '' && a.info.plural === 'namespaces');
  if (namespaceScoped && !selects(match.namespaceSelector, namespaceLabels(a, namespaceObject))) return undefined;
  const objects = [a.object, a.oldObject].filter((o): o is KubeObject => !!o);
  return objects.some((o) => selects(match.objectSelector, o.metadata.labels)) ? resource : undefined;
}
