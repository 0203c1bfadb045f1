// ValidatingAdmissionPolicies at admission, after the schema and the built-in steps, as kube-apiserver's
// ValidatingAdmissionPolicy plugin: each policy whose matchConstraints take the request, with each of its bindings
// whose matchResources do, for each of the binding's params, runs its validations; a failure is refused (Deny,
// the first one: 422 Invalid or the validation's reason), returned as a warning (Warn), or only recorded for
// audit, which this cluster does not keep (Audit). Policies do not judge admissionregistration objects, so a bad
// policy can always be fixed.
import type {
  ValidatingAdmissionPolicy,
  ValidatingAdmissionPolicyBinding,
} from 'kubernetes-types/admissionregistration/v1';
import type { KubeObject } from '../../../../kube/objects';
import type { Store } from '../../../store/types';
import { ApiError, qualifiedResource } from '../../apiErrors';
import { storageKey } from '../../objectStorage';
import type { AdmissionAttributes } from '../attributes';
import { evaluatePolicy, type Denial } from './evaluation';
import { matchRequest, type PolicyMatch } from './matching';
import { paramsFor } from './params';

const GROUP = 'admissionregistration.k8s.io';
const POLICIES = { group: GROUP, plural: 'validatingadmissionpolicies', namespaced: false };
const BINDINGS = { group: GROUP, plural: 'validatingadmissionpolicybindings', namespaced: false };
const NAMESPACES = { group: '', plural: 'namespaces', namespaced: false };

const CODES: Record<string, number> = { Unauthorized: 401, Forbidden: 403, Invalid: 422, RequestEntityTooLarge: 413 };

type Policy = KubeObject & ValidatingAdmissionPolicy;
type Binding = KubeObject & ValidatingAdmissionPolicyBinding;

interface Judged {
  policy: string;
  binding: string;
  denial: Denial;
  actions: string[];
}

function judge(store: Store, a: AdmissionAttributes): Judged[] {
  const policies = store.list(storageKey(POLICIES, undefined)).items.map((e) => e.value as Policy);
  if (!policies.length) return [];
  const bindings = store.list(storageKey(BINDINGS, undefined)).items.map((e) => e.value as Binding);
  const namespaceObject = a.namespace ? store.get(storageKey(NAMESPACES, undefined, a.namespace))?.value : undefined;
  const out: Judged[] = [];
  for (const policy of policies) {
    const spec = policy.spec;
    if (!spec?.matchConstraints) continue;
    // the version the policy sees the request at
    const resource = matchRequest(spec.matchConstraints as PolicyMatch, a, namespaceObject);
    if (!resource) continue;
    for (const binding of bindings) {
      const bound = binding.spec;
      if (!bound || bound.policyName !== policy.metadata.name) continue;
      if (!matchRequest(bound.matchResources as PolicyMatch | undefined, a, namespaceObject)) continue;
      const names = { policy: policy.metadata.name ?? '', binding: binding.metadata.name ?? '' };
      const actions = bound.validationActions ?? ['Deny'];
      const params = paramsFor(store, spec.paramKind, bound.paramRef, a);
      if (!params.ok) {
        if ((spec.failurePolicy ?? 'Fail') === 'Fail')
          out.push({
            ...names,
            actions,
            denial: { message: `failed to configure binding: ${params.error}`, reason: 'Invalid' },
          });
        continue;
      }
      for (const param of params.params)
        for (const denial of evaluatePolicy(policy, a, resource, param, namespaceObject))
          out.push({ ...names, actions, denial });
    }
  }
  return out;
}

/** Runs the policies on a request: throws the first denial, returns the warnings. */
export function admitByPolicies(store: Store, a: AdmissionAttributes): string[] {
  if (a.info.group === GROUP) return [];
  const judged = judge(store, a);
  const warnings = judged
    .filter((j) => j.actions.includes('Warn'))
    .map(
      (j) =>
        `Validation failed for ValidatingAdmissionPolicy '${j.policy}' with binding '${j.binding}': ${j.denial.message}`,
    );
  const denied = judged.find((j) => j.actions.includes('Deny'));
  if (denied) {
    const message = `ValidatingAdmissionPolicy '${denied.policy}' with binding '${denied.binding}' denied request: ${denied.denial.message}`;
    const { reason } = denied.denial;
    throw new ApiError(
      CODES[reason] ?? 422,
      reason,
      `${qualifiedResource(a.info.plural, a.info.group)} "${a.name}" is forbidden: ${message}`,
      { name: a.name, group: a.info.group || undefined, kind: a.info.plural, causes: [{ message }] },
    );
  }
  return warnings;
}
