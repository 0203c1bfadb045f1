// API versions Kubernetes stopped serving, per kind, with the version that replaces them: what
// `kubectl apply` of an old manifest fails on ("no matches for kind ... in version ...").

export interface RemovedApi {
  apiVersion: string;
  kind: string;
  /** the Kubernetes minor release that stopped serving it, e.g. '1.16' */
  removedIn: string;
  /** the apiVersion to use instead; undefined when the kind itself is gone */
  replacement?: string;
  /** what else changes when moving to the replacement */
  note?: string;
}

type Row = [apiVersions: string[], kinds: string[], removedIn: string, replacement: string | undefined, note?: string];

const ROWS: Row[] = [
  [
    ['extensions/v1beta1'],
    ['Deployment', 'DaemonSet', 'ReplicaSet'],
    '1.16',
    'apps/v1',
    'spec.selector is required and immutable',
  ],
  [
    ['apps/v1beta1', 'apps/v1beta2'],
    ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'ControllerRevision'],
    '1.16',
    'apps/v1',
    'spec.selector is required and immutable',
  ],
  [['extensions/v1beta1'], ['NetworkPolicy'], '1.16', 'networking.k8s.io/v1'],
  [
    ['extensions/v1beta1', 'networking.k8s.io/v1beta1'],
    ['Ingress'],
    '1.22',
    'networking.k8s.io/v1',
    'backend.serviceName/servicePort become backend.service.name/port, and pathType is required',
  ],
  [['networking.k8s.io/v1beta1'], ['IngressClass'], '1.22', 'networking.k8s.io/v1'],
  [
    ['extensions/v1beta1', 'policy/v1beta1'],
    ['PodSecurityPolicy'],
    '1.25',
    undefined,
    'use Pod Security Admission instead',
  ],
  [
    ['policy/v1beta1'],
    ['PodDisruptionBudget'],
    '1.25',
    'policy/v1',
    'an empty spec.selector selects every pod in the namespace',
  ],
  [['batch/v1beta1', 'batch/v2alpha1'], ['CronJob'], '1.25', 'batch/v1'],
  [
    ['autoscaling/v2beta1'],
    ['HorizontalPodAutoscaler'],
    '1.25',
    'autoscaling/v2',
    'metric targets move under target: {type, averageUtilization, averageValue, value}',
  ],
  [['autoscaling/v2beta2'], ['HorizontalPodAutoscaler'], '1.26', 'autoscaling/v2'],
  [
    ['rbac.authorization.k8s.io/v1beta1', 'rbac.authorization.k8s.io/v1alpha1'],
    ['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'],
    '1.22',
    'rbac.authorization.k8s.io/v1',
  ],
  [
    ['apiextensions.k8s.io/v1beta1'],
    ['CustomResourceDefinition'],
    '1.22',
    'apiextensions.k8s.io/v1',
    'each version needs its own schema.openAPIV3Schema, which must be structural',
  ],
  [
    ['admissionregistration.k8s.io/v1beta1'],
    ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'],
    '1.22',
    'admissionregistration.k8s.io/v1',
    'sideEffects and admissionReviewVersions are required',
  ],
  [['apiregistration.k8s.io/v1beta1'], ['APIService'], '1.22', 'apiregistration.k8s.io/v1'],
  [['authentication.k8s.io/v1beta1'], ['TokenReview'], '1.22', 'authentication.k8s.io/v1'],
  [
    ['authorization.k8s.io/v1beta1'],
    ['SubjectAccessReview', 'LocalSubjectAccessReview', 'SelfSubjectAccessReview'],
    '1.22',
    'authorization.k8s.io/v1',
  ],
  [
    ['certificates.k8s.io/v1beta1'],
    ['CertificateSigningRequest'],
    '1.22',
    'certificates.k8s.io/v1',
    'signerName is required',
  ],
  [['coordination.k8s.io/v1beta1'], ['Lease'], '1.22', 'coordination.k8s.io/v1'],
  [['scheduling.k8s.io/v1beta1', 'scheduling.k8s.io/v1alpha1'], ['PriorityClass'], '1.22', 'scheduling.k8s.io/v1'],
  [
    ['storage.k8s.io/v1beta1'],
    ['StorageClass', 'VolumeAttachment', 'CSIDriver', 'CSINode'],
    '1.22',
    'storage.k8s.io/v1',
  ],
  [['storage.k8s.io/v1beta1'], ['CSIStorageCapacity'], '1.27', 'storage.k8s.io/v1'],
  [
    ['discovery.k8s.io/v1beta1'],
    ['EndpointSlice'],
    '1.25',
    'discovery.k8s.io/v1',
    'topology becomes nodeName and zone',
  ],
  [['events.k8s.io/v1beta1'], ['Event'], '1.25', 'events.k8s.io/v1'],
  [['node.k8s.io/v1beta1'], ['RuntimeClass'], '1.25', 'node.k8s.io/v1'],
  [
    ['flowcontrol.apiserver.k8s.io/v1beta1'],
    ['FlowSchema', 'PriorityLevelConfiguration'],
    '1.26',
    'flowcontrol.apiserver.k8s.io/v1',
  ],
  [
    ['flowcontrol.apiserver.k8s.io/v1beta2'],
    ['FlowSchema', 'PriorityLevelConfiguration'],
    '1.29',
    'flowcontrol.apiserver.k8s.io/v1',
  ],
  [
    ['flowcontrol.apiserver.k8s.io/v1beta3'],
    ['FlowSchema', 'PriorityLevelConfiguration'],
    '1.32',
    'flowcontrol.apiserver.k8s.io/v1',
  ],
];

const TABLE = new Map<string, RemovedApi>();
for (const [apiVersions, kinds, removedIn, replacement, note] of ROWS) {
  for (const apiVersion of apiVersions) {
    for (const kind of kinds)
      TABLE.set(`${apiVersion}/${kind}`, {
        apiVersion,
        kind,
        removedIn,
        ...(replacement ? { replacement } : {}),
        ...(note ? { note } : {}),
      });
  }
}

/** The removal record of an apiVersion/kind pair Kubernetes no longer serves, if it is one. */
export function removedApi(apiVersion: string, kind: string): RemovedApi | undefined {
  return TABLE.get(`${apiVersion}/${kind}`);
}

/** Every removed pair, for listings and completion filters. */
export function removedApis(): RemovedApi[] {
  return [...TABLE.values()];
}
