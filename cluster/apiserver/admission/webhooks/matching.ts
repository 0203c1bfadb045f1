// Whether a webhook is called for a request, as kube-apiserver's generic webhook decides: the namespaceSelector
// (the namespace's labels; a Namespace's own), the objectSelector (the new or the old object's labels), then the
// rules (operations, groups, versions, resources with `pods/status`, `*`, `*/*` and `*/status` forms, scope).
// With matchPolicy Equivalent (the default, equivalentResources.ts) a rule naming another version of the same
// stored resource matches too, and the webhook is called at that version. matchConditions (CEL) come after:
// matchConditions.ts.
import type { RuleWithOperations } from 'kubernetes-types/admissionregistration/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fromLabelSelector, matchesLabels, type Selector } from '../../../../kube/labelSelector';
import type { KubeObject } from '../../../../kube/objects';
import type { ResourceInfo } from '../../../../kube/registry';
import { internalError } from '../../apiErrors';
import type { AdmissionAttributes } from '../attributes';
import { matchedResource } from '../equivalentResources';

/** A rule as the API defines it (kubernetes-types' declaration lacks resources and scope). */
type Rule = RuleWithOperations & { resources?: string[]; scope?: string };

/** What matching reads of a Mutating- or ValidatingWebhook. */
export interface MatchedWebhookFields {
  name: string;
  rules?: Rule[];
  matchPolicy?: string;
  namespaceSelector?: LabelSelector;
  objectSelector?: LabelSelector;
}

/** The labels of a namespace, undefined when it does not exist. */
export type NamespaceLabels = (namespace: string) => Record<string, string> | undefined;

/** The version of the resource a webhook is called at, or undefined when it is not called for the request. */
export function matchWebhook(
  hook: MatchedWebhookFields,
  attrs: AdmissionAttributes,
  namespaceLabels: NamespaceLabels,
): ResourceInfo | undefined {
  if (!matchesNamespace(hook, attrs, namespaceLabels)) return undefined;
  const objects = selector(hook, 'objectSelector');
  if (!matchesObject(objects, attrs.object) && !matchesObject(objects, attrs.oldObject)) return undefined;
  return matchedResource(attrs, hook.matchPolicy, hook.rules ?? [], (r, resource) => ruleMatches(r, attrs, resource));
}

function selector(hook: MatchedWebhookFields, field: 'namespaceSelector' | 'objectSelector'): Selector {
  try {
    return fromLabelSelector(hook[field]);
  } catch (e) {
    throw internalError(`webhook "${hook.name}" has an invalid ${field}: ${(e as Error).message}`);
  }
}

function matchesObject(sel: Selector, obj: KubeObject | undefined): boolean {
  if (!sel.requirements.length) return true;
  return !!obj && matchesLabels(sel, obj.metadata?.labels ?? {});
}

function isNamespaceResource(info: ResourceInfo): boolean {
  return info.group === '' && info.plural === 'namespaces';
}

function matchesNamespace(hook: MatchedWebhookFields, attrs: AdmissionAttributes, labels: NamespaceLabels): boolean {
  const isNamespace = isNamespaceResource(attrs.info);
  // other cluster-scoped objects are never exempted by a namespaceSelector
  if (!attrs.info.namespaced && !isNamespace) return true;
  const sel = selector(hook, 'namespaceSelector');
  if (!sel.requirements.length) return true;
  // a Namespace is matched by its own labels (the old ones when it is deleted)
  const own = attrs.object ?? attrs.oldObject;
  const nsLabels = isNamespace ? own?.metadata?.labels : labels(attrs.namespace ?? '');
  return matchesLabels(sel, nsLabels ?? {});
}

function listed(values: string[] | undefined, value: string): boolean {
  return !!values && (values.includes('*') || values.includes(value));
}

function ruleMatches(rule: Rule, attrs: AdmissionAttributes, resource: ResourceInfo): boolean {
  const scope = rule.scope ?? '*';
  // a Namespace is cluster-scoped, though its requests carry its name as their namespace
  const clusterScoped = !resource.namespaced || isNamespaceResource(resource);
  if (scope === 'Namespaced' && clusterScoped) return false;
  if (scope === 'Cluster' && !clusterScoped) return false;
  if (!listed(rule.operations, attrs.operation)) return false;
  if (!listed(rule.apiGroups, resource.group) || !listed(rule.apiVersions, resource.version)) return false;
  return (rule.resources ?? []).some((r) => {
    const [res, sub = ''] = r.split('/', 2);
    return (res === '*' || res === resource.plural) && (sub === '*' || sub === attrs.subresource);
  });
}
