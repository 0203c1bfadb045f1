// The API server's semantic checks beyond the OpenAPI schema, per kind, for create and update.
// Works on defaulted objects and on raw manifests alike: fields that defaulting fills in are only
// checked when present, so the language server can run the same checks before anything is applied.

import { FieldError } from './fieldErrors';
import { validateWebhookConfiguration } from './semantics/admissionRegistration';
import { nameValidatorFor } from './names';
import { validateCronJob, validateJob, validateJobUpdate } from './semantics/batch';
import { validateConfigMap, validateConfigMapUpdate, validateSecret, validateSecretUpdate } from './semantics/config';
import { validateObjectMeta, validateObjectMetaUpdate } from './semantics/meta';
import {
  validateNetworkPolicy,
  validateEndpointSliceUpdate,
  validateIngress,
  validateIngressClass,
  validateIngressClassUpdate,
} from './semantics/networking';
import { validateCustomResourceDefinition } from './semantics/customResourceDefinitions';
import { validateValidatingAdmissionPolicy } from './semantics/admissionPolicies';
import { validateNamespace } from './semantics/namespaces';
import { validateEphemeralContainersUpdate } from './semantics/ephemeralContainers';
import { validatePodSpec, validatePodSpecUpdate } from './semantics/podSpec';
import { validateBinding, validateBindingUpdate, validateRole } from './semantics/rbac';
import { validateHorizontalPodAutoscaler, validatePodDisruptionBudget } from './semantics/scaling';
import { validateService, validateServiceUpdate } from './semantics/service';
import {
  validateClaimSpec,
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validateStorageClassUpdate,
} from './semantics/storage';
import { arr, isObject, Json, obj, str } from './semantics/util';
import {
  validateDaemonSet,
  validateDeployment,
  validateReplicaSet,
  validateReplicationController,
  validateSelectorUpdate,
  validateStatefulSet,
  validateStatefulSetUpdate,
} from './semantics/workloads';

/** `old` is the stored object on an update, for checks kube-apiserver waives where it already failed them. */
type Check = (o: Json, update: boolean, old?: Json) => FieldError[];
type UpdateCheck = (o: Json, old: Json) => FieldError[];

function validatePod(o: Json, update: boolean): FieldError[] {
  return validatePodSpec(o.spec, ['spec'], { isPod: true, create: !update });
}

function validatePodUpdate(o: Json, old: Json): FieldError[] {
  return [...validatePodSpecUpdate(o.spec, old.spec), ...validateEphemeralContainersUpdate(o.spec, old.spec)];
}

function validateStatefulSetWithClaims(o: Json): FieldError[] {
  const errs = validateStatefulSet(o);
  arr(obj(o.spec).volumeClaimTemplates).forEach((t, i) => {
    errs.push(...validateClaimSpec(obj(t).spec, ['spec', 'volumeClaimTemplates', i, 'spec']));
  });
  return errs;
}

/** Keyed by "group/Kind" ("" for the core group). */
const CREATE: Record<string, Check> = {
  '/Pod': validatePod,
  '/Service': validateService,
  '/ConfigMap': validateConfigMap,
  '/Secret': validateSecret,
  '/Namespace': validateNamespace,
  '/PersistentVolumeClaim': validatePersistentVolumeClaim,
  '/PersistentVolume': validatePersistentVolume,
  '/ReplicationController': validateReplicationController,
  'apps/Deployment': validateDeployment,
  'apps/ReplicaSet': validateReplicaSet,
  'apps/StatefulSet': validateStatefulSetWithClaims,
  'apps/DaemonSet': validateDaemonSet,
  'batch/Job': validateJob,
  'batch/CronJob': validateCronJob,
  'networking.k8s.io/Ingress': validateIngress,
  'networking.k8s.io/IngressClass': validateIngressClass,
  'networking.k8s.io/NetworkPolicy': validateNetworkPolicy,
  'policy/PodDisruptionBudget': validatePodDisruptionBudget,
  'autoscaling/HorizontalPodAutoscaler': validateHorizontalPodAutoscaler,
  'rbac.authorization.k8s.io/Role': validateRole,
  'rbac.authorization.k8s.io/ClusterRole': (o) => (isObject(o.aggregationRule) ? [] : validateRole(o)),
  'rbac.authorization.k8s.io/RoleBinding': (o) => validateBinding(o, true),
  'rbac.authorization.k8s.io/ClusterRoleBinding': (o) => validateBinding(o, false),
  'apiextensions.k8s.io/CustomResourceDefinition': validateCustomResourceDefinition,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': validateWebhookConfiguration,
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': validateWebhookConfiguration,
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy': validateValidatingAdmissionPolicy,
};

/** Extra checks on update, after the create checks have run on the new object. */
const UPDATE: Record<string, UpdateCheck> = {
  '/Pod': validatePodUpdate,
  '/Service': validateServiceUpdate,
  '/ConfigMap': validateConfigMapUpdate,
  '/Secret': validateSecretUpdate,
  '/PersistentVolumeClaim': validatePersistentVolumeClaimUpdate,
  'apps/Deployment': validateSelectorUpdate,
  'apps/ReplicaSet': validateSelectorUpdate,
  'apps/DaemonSet': validateSelectorUpdate,
  'apps/StatefulSet': validateStatefulSetUpdate,
  'batch/Job': validateJobUpdate,
  'networking.k8s.io/IngressClass': validateIngressClassUpdate,
  'discovery.k8s.io/EndpointSlice': validateEndpointSliceUpdate,
  'storage.k8s.io/StorageClass': validateStorageClassUpdate,
  'rbac.authorization.k8s.io/RoleBinding': validateBindingUpdate,
  'rbac.authorization.k8s.io/ClusterRoleBinding': validateBindingUpdate,
};

function kindKey(o: Json): string {
  const apiVersion = str(o.apiVersion) ?? '';
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  return `${group}/${str(o.kind) ?? ''}`;
}

/**
 * Field errors the Kubernetes API server would return for this object; pass the stored object as
 * `old` for an update. Unknown kinds (custom resources) get the metadata checks only.
 */
export function validateSemantics(obj: object, old?: object): FieldError[] {
  const o = obj as Json;
  const kind = str(o.kind) ?? '';
  if (kind.endsWith('List')) return [];
  const key = kindKey(o);
  const errs: FieldError[] = [];
  if (old) {
    errs.push(...validateObjectMetaUpdate(o.metadata, (old as Json).metadata));
  } else {
    errs.push(...validateObjectMeta(o.metadata, nameValidatorFor(kind)));
  }
  errs.push(...(CREATE[key]?.(o, old !== undefined, old as Json | undefined) ?? []));
  if (old) errs.push(...(UPDATE[key]?.(o, old as Json) ?? []));
  return errs;
}
