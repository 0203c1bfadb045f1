// matchPolicy for webhooks' rules and policies' resource rules alike, as kube-apiserver applies it: the resource
// as requested first; then, with Equivalent (the default), the other versions of the same stored resource in the
// rules' order, so a rule on autoscaling/v1 takes a request made through autoscaling/v2. The version that matched
// is the one the webhook or policy sees the request at.
import { BUILTIN_RESOURCES, type ResourceInfo } from '../../../kube/registry';
import type { AdmissionAttributes } from './attributes';

/** The version of the resource a rule takes the request at, or undefined when none takes it. */
export function matchedResource<R>(
  attrs: AdmissionAttributes,
  matchPolicy: string | undefined,
  rules: readonly R[],
  takes: (rule: R, resource: ResourceInfo) => boolean,
): ResourceInfo | undefined {
  const requested = attrs.requestedAs ?? attrs.info;
  if (rules.some((r) => takes(r, requested))) return requested;
  if ((matchPolicy ?? 'Equivalent') !== 'Equivalent') return undefined;
  for (const r of rules)
    for (const equivalent of equivalentResources(attrs.info))
      if (!sameResource(equivalent, requested) && takes(r, equivalent)) return equivalent;
  return undefined;
}

/** The versions of a resource stored as `stored` (kube-apiserver's equivalent resources), `stored` first. */
function equivalentResources(stored: ResourceInfo): ResourceInfo[] {
  const others = BUILTIN_RESOURCES.filter(
    (r) => r.plural === stored.plural && r.storedAs?.group === stored.group && r.storedAs?.version === stored.version,
  );
  return [stored, ...others];
}

function sameResource(a: ResourceInfo, b: ResourceInfo): boolean {
  return a.group === b.group && a.version === b.version && a.plural === b.plural;
}
