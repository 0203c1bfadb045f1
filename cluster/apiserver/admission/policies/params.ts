// The `params` of a binding: the objects of the policy's paramKind (a ConfigMap, a custom resource...) its
// paramRef names or selects, read from the store. No paramKind: one evaluation with params null.
import type { ParamKind, ParamRef } from 'kubernetes-types/admissionregistration/v1';
import { fromLabelSelector, matchesLabels } from '../../../../kube/labelSelector';
import type { KubeObject } from '../../../../kube/objects';
import { BUILTIN_RESOURCES, splitApiVersion } from '../../../../kube/registry';
import type { Store } from '../../../store/types';
import type { Crd } from '../../customResources';
import { storageKey } from '../../objectStorage';
import type { AdmissionAttributes } from '../attributes';

export type ParamsResult = { ok: true; params: (KubeObject | null)[] } | { ok: false; error: string };

type ParamResource = Parameters<typeof storageKey>[0];
const CRDS: ParamResource = { group: 'apiextensions.k8s.io', plural: 'customresourcedefinitions', namespaced: false };

/** The resource of a kind, among the built-ins and the stored CRDs. */
function resourceOf(store: Store, kind: ParamKind): ParamResource | undefined {
  const { group, version } = splitApiVersion(kind.apiVersion ?? '');
  const builtin = BUILTIN_RESOURCES.find((r) => r.group === group && r.version === version && r.kind === kind.kind);
  if (builtin) return builtin;
  const crds = store.list(storageKey(CRDS, undefined)).items;
  const crd = crds.map((e) => e.value as Crd).find((c) => c.spec.group === group && c.spec.names.kind === kind.kind);
  return crd && { group, plural: crd.spec.names.plural, namespaced: crd.spec.scope === 'Namespaced' };
}

export function paramsFor(
  store: Store,
  paramKind: ParamKind | undefined,
  ref: ParamRef | undefined,
  a: AdmissionAttributes,
): ParamsResult {
  if (!paramKind) return { ok: true, params: [null] };
  if (!ref) return { ok: false, error: `the binding has no paramRef, which the policy's paramKind requires` };
  const resource = resourceOf(store, paramKind);
  if (!resource) return { ok: false, error: `paramKind kind \`${paramKind.kind}.${paramKind.apiVersion}\` not known` };
  const namespace = resource.namespaced ? (ref.namespace ?? a.namespace) : undefined;
  if (resource.namespaced && !namespace)
    return { ok: false, error: 'cannot use a namespaced paramRef without a namespace on a cluster-scoped request' };
  let found: KubeObject[];
  if (ref.name) {
    const entry = store.get(storageKey(resource, namespace, ref.name));
    found = entry ? [entry.value] : [];
  } else {
    const selector = fromLabelSelector(ref.selector ?? {});
    found = store
      .list(storageKey(resource, namespace))
      .items.map((e) => e.value)
      .filter((o) => matchesLabels(selector, o.metadata.labels ?? {}));
  }
  if (found.length) return { ok: true, params: found };
  if (ref.parameterNotFoundAction === 'Allow') return { ok: true, params: [] };
  return { ok: false, error: 'no params found for policy binding with `Deny` parameterNotFoundAction' };
}
