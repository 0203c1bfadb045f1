// Defaulting as the Kubernetes 1.34 API server does it, so stored objects read back exactly as
// `kubectl get -o yaml` shows them on a real cluster. Mutates plain JSON objects in place.
// Not done here, because the API server itself does it: metadata.namespace, uid, timestamps,
// cluster IP / node port allocation, and admission (service account, tolerations, priority).

import { JOB_LABELS } from './semantics/batch';
import { defaultPullPolicy } from './semantics/imageRef';
import { VOLUME_SOURCES } from './semantics/podSpec';
import { arr, isObject, Json, obj, semanticEqual } from './semantics/util';

export interface DefaultOptions {
  /** true on create: also makes the create-only changes (Namespace finalizer, Job selector when uid is given) */
  create?: boolean;
  /** the uid assigned on create; a Job's generated selector needs it */
  uid?: string;
}

// Go decodes null, and for strings "", as "not set"; both get the default.
const unset = (v: unknown): boolean => v === undefined || v === null;
const blank = (v: unknown): boolean => unset(v) || v === '';
const zero = (v: unknown): boolean => unset(v) || v === 0;

function setIf(o: Json, key: string, isUnset: (v: unknown) => boolean, value: unknown): void {
  if (isUnset(o[key])) o[key] = value;
}

/** The child object at key, created when absent (Kubernetes structs are never nil once defaulted). */
function child(o: Json, key: string): Json {
  if (!isObject(o[key])) o[key] = {};
  return o[key] as Json;
}

/** Each object element of a list field, for defaulting in place. */
function each(v: unknown, fn: (item: Json) => void): void {
  for (const item of arr(v)) if (isObject(item)) fn(item);
}

function defaultFieldSelectors(ref: Json): void {
  if (isObject(ref.fieldRef)) setIf(ref.fieldRef, 'apiVersion', blank, 'v1');
  // A zero Quantity still serializes, so the divisor always reads back as "0".
  if (isObject(ref.resourceFieldRef)) setIf(ref.resourceFieldRef, 'divisor', unset, '0');
}

function defaultHttpGet(handler: Json): void {
  if (!isObject(handler.httpGet)) return;
  setIf(handler.httpGet, 'path', blank, '/');
  setIf(handler.httpGet, 'scheme', blank, 'HTTP');
}

function defaultProbe(probe: Json): void {
  setIf(probe, 'timeoutSeconds', zero, 1);
  setIf(probe, 'periodSeconds', zero, 10);
  setIf(probe, 'successThreshold', zero, 1);
  setIf(probe, 'failureThreshold', zero, 3);
  defaultHttpGet(probe);
  if (isObject(probe.grpc)) setIf(probe.grpc, 'service', unset, '');
}

function defaultContainer(c: Json): void {
  // parsing the image reference is the costly part of defaulting a container: only when it decides
  if (blank(c.imagePullPolicy)) c.imagePullPolicy = defaultPullPolicy(typeof c.image === 'string' ? c.image : '');
  setIf(c, 'terminationMessagePath', blank, '/dev/termination-log');
  setIf(c, 'terminationMessagePolicy', blank, 'File');
  // resources is a struct in Go, so it always reads back, at least as {}.
  setIf(c, 'resources', unset, {});
  each(c.ports, (p) => setIf(p, 'protocol', blank, 'TCP'));
  each(c.env, (e) => {
    if (isObject(e.valueFrom)) defaultFieldSelectors(e.valueFrom);
  });
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe'])
    if (isObject(c[probe])) defaultProbe(c[probe] as Json);
  if (isObject(c.lifecycle)) {
    for (const hook of ['postStart', 'preStop'])
      if (isObject(c.lifecycle[hook])) defaultHttpGet(c.lifecycle[hook] as Json);
  }
}

const DEFAULT_FILE_MODE = 0o644;

function defaultClaimSpec(spec: Json): void {
  setIf(spec, 'volumeMode', blank, 'Filesystem');
}

function defaultVolume(v: Json): void {
  if (VOLUME_SOURCES.every((s) => unset(v[s]))) v.emptyDir = {};
  for (const s of ['secret', 'configMap', 'downwardAPI', 'projected'])
    if (isObject(v[s])) setIf(v[s] as Json, 'defaultMode', unset, DEFAULT_FILE_MODE);
  if (isObject(v.hostPath)) setIf(v.hostPath, 'type', unset, '');
  if (isObject(v.downwardAPI)) each(v.downwardAPI.items, defaultFieldSelectors);
  if (isObject(v.projected)) {
    each(v.projected.sources, (src) => {
      if (isObject(src.serviceAccountToken)) setIf(src.serviceAccountToken, 'expirationSeconds', unset, 3600);
      if (isObject(src.downwardAPI)) each(src.downwardAPI.items, defaultFieldSelectors);
    });
  }
  if (isObject(v.ephemeral) && isObject(v.ephemeral.volumeClaimTemplate))
    defaultClaimSpec(child(v.ephemeral.volumeClaimTemplate, 'spec'));
}

/** Defaults every PodSpec gets, in a Pod or in any template. */
export function defaultPodSpec(spec: Json): void {
  setIf(spec, 'dnsPolicy', blank, 'ClusterFirst');
  setIf(spec, 'restartPolicy', blank, 'Always');
  setIf(spec, 'securityContext', unset, {});
  setIf(spec, 'terminationGracePeriodSeconds', unset, 30);
  setIf(spec, 'schedulerName', blank, 'default-scheduler');
  for (const list of ['initContainers', 'containers', 'ephemeralContainers']) each(spec[list], defaultContainer);
  each(spec.volumes, defaultVolume);
}

function defaultTemplate(holder: Json): void {
  if (isObject(holder.template)) defaultPodSpec(child(holder.template, 'spec'));
}

/** Only Pods (not templates) get requests copied from limits, service links and host-network ports. */
function defaultPod(pod: Json): void {
  const spec = child(pod, 'spec');
  defaultPodSpec(spec);
  for (const list of ['initContainers', 'containers']) {
    each(spec[list], (c) => {
      const resources = child(c, 'resources');
      if (!isObject(resources.limits)) return;
      const requests = child(resources, 'requests');
      for (const [k, v] of Object.entries(resources.limits)) if (!(k in requests)) requests[k] = v;
    });
  }
  setIf(spec, 'enableServiceLinks', unset, true);
  if (spec.hostNetwork === true) {
    for (const list of ['initContainers', 'containers']) {
      each(spec[list], (c) => each(c.ports, (p) => setIf(p, 'hostPort', zero, p.containerPort)));
    }
  }
}

function defaultDeployment(o: Json): void {
  const spec = child(o, 'spec');
  setIf(spec, 'replicas', unset, 1);
  const strategy = child(spec, 'strategy');
  setIf(strategy, 'type', blank, 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    setIf(ru, 'maxUnavailable', unset, '25%');
    setIf(ru, 'maxSurge', unset, '25%');
  }
  setIf(spec, 'revisionHistoryLimit', unset, 10);
  setIf(spec, 'progressDeadlineSeconds', unset, 600);
  defaultTemplate(spec);
}

function defaultReplicaSet(o: Json): void {
  const spec = child(o, 'spec');
  setIf(spec, 'replicas', unset, 1);
  defaultTemplate(spec);
}

function defaultClaimTemplate(claim: Json): void {
  defaultClaimSpec(child(claim, 'spec'));
  setIf(child(claim, 'status'), 'phase', blank, 'Pending');
}

function defaultStatefulSet(o: Json): void {
  const spec = child(o, 'spec');
  setIf(spec, 'podManagementPolicy', blank, 'OrderedReady');
  const strategy = child(spec, 'updateStrategy');
  if (blank(strategy.type)) {
    strategy.type = 'RollingUpdate';
    setIf(strategy, 'rollingUpdate', unset, {});
  }
  // maxUnavailable stays unset: MaxUnavailableStatefulSet is off by default in 1.34.
  if (strategy.type === 'RollingUpdate' && isObject(strategy.rollingUpdate))
    setIf(strategy.rollingUpdate, 'partition', unset, 0);
  const retention = child(spec, 'persistentVolumeClaimRetentionPolicy');
  setIf(retention, 'whenDeleted', blank, 'Retain');
  setIf(retention, 'whenScaled', blank, 'Retain');
  setIf(spec, 'replicas', unset, 1);
  setIf(spec, 'revisionHistoryLimit', unset, 10);
  defaultTemplate(spec);
  each(spec.volumeClaimTemplates, defaultClaimTemplate);
}

function defaultDaemonSet(o: Json): void {
  const spec = child(o, 'spec');
  const strategy = child(spec, 'updateStrategy');
  setIf(strategy, 'type', blank, 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = child(strategy, 'rollingUpdate');
    setIf(ru, 'maxUnavailable', unset, 1);
    setIf(ru, 'maxSurge', unset, 0);
  }
  setIf(spec, 'revisionHistoryLimit', unset, 10);
  defaultTemplate(spec);
}

function defaultReplicationController(o: Json): void {
  const spec = child(o, 'spec');
  const labels =
    isObject(spec.template) && isObject(obj(spec.template.metadata).labels)
      ? obj(spec.template.metadata).labels
      : undefined;
  if (labels) {
    if (Object.keys(obj(spec.selector)).length === 0) spec.selector = { ...labels };
    const meta = child(o, 'metadata');
    if (Object.keys(obj(meta.labels)).length === 0) meta.labels = { ...labels };
  }
  setIf(spec, 'replicas', unset, 1);
  defaultTemplate(spec);
}

function defaultJob(o: Json, opts: DefaultOptions): void {
  const spec = child(o, 'spec');
  // Both unset means a single pod; completions alone says nothing about parallelism.
  if (unset(spec.completions) && unset(spec.parallelism)) spec.completions = 1;
  setIf(spec, 'parallelism', unset, 1);
  setIf(spec, 'backoffLimit', unset, unset(spec.backoffLimitPerIndex) ? 6 : 2147483647);
  setIf(spec, 'completionMode', blank, 'NonIndexed');
  setIf(spec, 'suspend', unset, false);
  if (isObject(spec.podFailurePolicy)) {
    each(spec.podFailurePolicy.rules, (rule) => each(rule.onPodConditions, (c) => setIf(c, 'status', blank, 'True')));
  }
  setIf(spec, 'podReplacementPolicy', blank, isObject(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
  setIf(spec, 'manualSelector', unset, false);
  defaultTemplate(spec);
  if (opts.create && opts.uid) defaultJobSelector(o, opts.uid);
  // A Job without labels shows its pods' labels (generated ones included), as a real cluster reads it back.
  const templateLabels = obj(obj(obj(spec.template).metadata).labels);
  const meta = child(o, 'metadata');
  if (Object.keys(obj(meta.labels)).length === 0 && Object.keys(templateLabels).length > 0)
    meta.labels = { ...templateLabels };
}

/**
 * The selector the API server generates for a Job on create (unless spec.manualSelector is true):
 * job-name and controller-uid labels on the pod template, and a selector on the controller uid.
 * applyDefaults(job, { create: true, uid }) calls this at the right moment; call it directly only
 * after applyDefaults when the uid was not known then.
 */
export function defaultJobSelector(job: unknown, uid: string): void {
  if (!isObject(job)) return;
  const spec = child(job, 'spec');
  if (spec.manualSelector === true) return;
  const meta = child(job, 'metadata');
  const name = typeof meta.name === 'string' ? meta.name : '';
  const templateMeta = child(child(spec, 'template'), 'metadata');
  const labels = child(templateMeta, 'labels');
  // Job labels copied from the template by defaulting share the template's labels in Kubernetes.
  const mirrored = Object.keys(labels).length > 0 && semanticEqual(meta.labels, labels);
  for (const key of [JOB_LABELS.legacyJobName, JOB_LABELS.jobName]) if (!(key in labels)) labels[key] = name;
  for (const key of [JOB_LABELS.legacyControllerUid, JOB_LABELS.controllerUid]) if (!(key in labels)) labels[key] = uid;
  const matchLabels = child(child(spec, 'selector'), 'matchLabels');
  if (!(JOB_LABELS.controllerUid in matchLabels)) matchLabels[JOB_LABELS.controllerUid] = uid;
  // An unlabelled Job reads back with its template's labels (defaulting copies them on every read).
  if (mirrored || Object.keys(obj(meta.labels)).length === 0) meta.labels = { ...labels };
}

function defaultCronJob(o: Json): void {
  const spec = child(o, 'spec');
  setIf(spec, 'concurrencyPolicy', blank, 'Allow');
  setIf(spec, 'suspend', unset, false);
  setIf(spec, 'successfulJobsHistoryLimit', unset, 3);
  setIf(spec, 'failedJobsHistoryLimit', unset, 1);
  // The job template only gets pod-spec defaults; Job defaults apply when the Job is created.
  if (isObject(spec.jobTemplate) && isObject(spec.jobTemplate.spec)) defaultTemplate(spec.jobTemplate.spec);
}

function defaultService(o: Json): void {
  const spec = child(o, 'spec');
  setIf(spec, 'sessionAffinity', blank, 'None');
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = obj(obj(spec.sessionAffinityConfig).clientIP);
    if (unset(clientIP.timeoutSeconds)) spec.sessionAffinityConfig = { clientIP: { timeoutSeconds: 10800 } };
  }
  setIf(spec, 'type', blank, 'ClusterIP');
  each(spec.ports, (p) => {
    setIf(p, 'protocol', blank, 'TCP');
    if (p.targetPort === undefined || p.targetPort === null || p.targetPort === 0 || p.targetPort === '')
      p.targetPort = p.port;
  });
  const type = spec.type;
  const externallyAccessible =
    type === 'LoadBalancer' || type === 'NodePort' || (type === 'ClusterIP' && arr(spec.externalIPs).length > 0);
  if (externallyAccessible) setIf(spec, 'externalTrafficPolicy', blank, 'Cluster');
  if (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP')
    setIf(spec, 'internalTrafficPolicy', unset, 'Cluster');
  if (type === 'LoadBalancer') setIf(spec, 'allocateLoadBalancerNodePorts', unset, true);
  if (type !== 'ExternalName') {
    // Set by the service registry rather than the defaulter, but on every Service that gets IPs.
    const headlessWithoutSelector = spec.clusterIP === 'None' && Object.keys(obj(spec.selector)).length === 0;
    setIf(spec, 'ipFamilyPolicy', blank, headlessWithoutSelector ? 'RequireDualStack' : 'SingleStack');
  }
}

function defaultNamespace(o: Json, opts: DefaultOptions): void {
  const meta = child(o, 'metadata');
  if (typeof meta.name === 'string' && meta.name) child(meta, 'labels')['kubernetes.io/metadata.name'] = meta.name;
  setIf(child(o, 'status'), 'phase', blank, 'Active');
  if (opts.create) {
    // Only on create: the namespace controller removes it while deleting, and it must stay removed.
    const spec = child(o, 'spec');
    const finalizers = arr(spec.finalizers);
    if (!finalizers.includes('kubernetes')) spec.finalizers = [...finalizers, 'kubernetes'];
  }
}

function defaultPersistentVolume(o: Json): void {
  const spec = child(o, 'spec');
  setIf(spec, 'persistentVolumeReclaimPolicy', blank, 'Retain');
  setIf(spec, 'volumeMode', blank, 'Filesystem');
  if (isObject(spec.hostPath)) setIf(spec.hostPath, 'type', unset, '');
  setIf(child(o, 'status'), 'phase', blank, 'Pending');
}

function defaultLimitRange(o: Json): void {
  each(obj(o.spec).limits, (item) => {
    if (item.type !== 'Container') return;
    const dflt: Json = { ...obj(item.default) };
    const request: Json = { ...obj(item.defaultRequest) };
    for (const [k, v] of Object.entries(obj(item.max))) if (!(k in dflt)) dflt[k] = v;
    for (const [k, v] of Object.entries(dflt)) if (!(k in request)) request[k] = v;
    for (const [k, v] of Object.entries(obj(item.min))) if (!(k in request)) request[k] = v;
    // Empty maps are omitted when Kubernetes serializes, so only non-empty ones appear.
    if (Object.keys(dflt).length) item.default = dflt;
    if (Object.keys(request).length) item.defaultRequest = request;
  });
}

function defaultNetworkPolicy(o: Json): void {
  const spec = child(o, 'spec');
  if (arr(spec.policyTypes).length === 0)
    spec.policyTypes = arr(spec.egress).length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  for (const dir of ['ingress', 'egress'])
    each(spec[dir], (rule) => each(rule.ports, (p) => setIf(p, 'protocol', blank, 'TCP')));
}

function defaultHorizontalPodAutoscaler(o: Json): void {
  const spec = child(o, 'spec');
  setIf(spec, 'minReplicas', unset, 1);
  if (arr(spec.metrics).length === 0) {
    spec.metrics = [
      { type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } },
    ];
  }
  // Behavior stays optional; once given, its missing rules are filled in.
  if (!isObject(spec.behavior)) return;
  const up = obj(spec.behavior.scaleUp);
  spec.behavior.scaleUp = {
    stabilizationWindowSeconds: up.stabilizationWindowSeconds ?? 0,
    selectPolicy: up.selectPolicy ?? 'Max',
    policies: up.policies ?? [
      { type: 'Pods', value: 4, periodSeconds: 15 },
      { type: 'Percent', value: 100, periodSeconds: 15 },
    ],
    ...(up.tolerance !== undefined ? { tolerance: up.tolerance } : {}),
  };
  const down = obj(spec.behavior.scaleDown);
  // The scale-down window stays unset: the controller's --horizontal-pod-autoscaler-downscale-stabilization decides it.
  spec.behavior.scaleDown = {
    ...(down.stabilizationWindowSeconds !== undefined
      ? { stabilizationWindowSeconds: down.stabilizationWindowSeconds }
      : {}),
    selectPolicy: down.selectPolicy ?? 'Max',
    policies: down.policies ?? [{ type: 'Percent', value: 100, periodSeconds: 15 }],
    ...(down.tolerance !== undefined ? { tolerance: down.tolerance } : {}),
  };
}

const RBAC_GROUP = 'rbac.authorization.k8s.io';

function defaultBinding(o: Json): void {
  setIf(child(o, 'roleRef'), 'apiGroup', blank, RBAC_GROUP);
  each(o.subjects, (s) => {
    if (!blank(s.apiGroup)) return;
    // a ServiceAccount subject's group is the core group, which the API leaves out (omitempty)
    if (s.kind === 'ServiceAccount') delete s.apiGroup;
    else if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = RBAC_GROUP;
  });
}

function defaultCustomResourceDefinition(o: Json): void {
  const spec = child(o, 'spec');
  const names = child(spec, 'names');
  if (typeof names.kind === 'string') {
    setIf(names, 'singular', blank, names.kind.toLowerCase());
    if (names.kind) setIf(names, 'listKind', blank, names.kind + 'List');
  }
  setIf(spec, 'conversion', unset, { strategy: 'None' });
  const service = obj(obj(obj(spec.conversion).webhook).clientConfig).service;
  if (isObject(service)) setIf(service, 'port', unset, 443);
  const status = child(o, 'status');
  if (arr(status.storedVersions).length === 0) {
    const storage = arr(spec.versions).find((v) => isObject(v) && v.storage === true);
    if (isObject(storage)) status.storedVersions = [storage.name];
  }
}

/** A Mutating- or ValidatingWebhookConfiguration's webhooks, as admissionregistration/v1's defaults fill them. */
function defaultWebhooks(o: Json, mutating: boolean): void {
  each(o.webhooks, (w) => {
    setIf(w, 'failurePolicy', blank, 'Fail');
    setIf(w, 'matchPolicy', blank, 'Equivalent');
    setIf(w, 'namespaceSelector', unset, {});
    setIf(w, 'objectSelector', unset, {});
    setIf(w, 'timeoutSeconds', unset, 10);
    if (mutating) setIf(w, 'reinvocationPolicy', blank, 'Never');
    each(w.rules, (r) => setIf(r, 'scope', blank, '*'));
    const service = obj(obj(w.clientConfig).service);
    if (isObject(obj(w.clientConfig).service)) setIf(service, 'port', unset, 443);
  });
}

type Defaulter = (o: Json, opts: DefaultOptions) => void;

/** stringData is write-only: the API server folds it into data (base64), its entries winning, and never stores it. */
function defaultSecret(o: Json): void {
  setIf(o, 'type', blank, 'Opaque');
  if (!isObject(o.stringData)) return;
  const data: Json = isObject(o.data) ? { ...o.data } : {};
  for (const [k, v] of Object.entries(o.stringData))
    if (typeof v === 'string') data[k] = Buffer.from(v, 'utf8').toString('base64');
  o.data = data;
  delete o.stringData;
}

/** Keyed by "group/Kind" ("" for the core group). Kinds not listed (ConfigMap, Ingress, PDB, ...) have no defaults. */
const DEFAULTERS: Record<string, Defaulter> = {
  '/Pod': defaultPod,
  '/Service': defaultService,
  '/Secret': defaultSecret,
  '/Namespace': defaultNamespace,
  '/PersistentVolumeClaim': (o) => {
    defaultClaimSpec(child(o, 'spec'));
    setIf(child(o, 'status'), 'phase', blank, 'Pending');
  },
  '/PersistentVolume': defaultPersistentVolume,
  '/Endpoints': (o) => each(o.subsets, (s) => each(s.ports, (p) => setIf(p, 'protocol', blank, 'TCP'))),
  '/LimitRange': defaultLimitRange,
  '/Node': (o) => {
    const status = obj(o.status);
    if (unset(status.allocatable) && isObject(status.capacity)) status.allocatable = { ...status.capacity };
  },
  '/ReplicationController': defaultReplicationController,
  'apps/Deployment': defaultDeployment,
  'apps/ReplicaSet': defaultReplicaSet,
  'apps/StatefulSet': defaultStatefulSet,
  'apps/DaemonSet': defaultDaemonSet,
  'batch/Job': defaultJob,
  'batch/CronJob': defaultCronJob,
  'networking.k8s.io/NetworkPolicy': defaultNetworkPolicy,
  'networking.k8s.io/IngressClass': (o) => {
    const params = obj(obj(o.spec).parameters);
    if (isObject(obj(o.spec).parameters)) setIf(params, 'scope', unset, 'Cluster');
  },
  'discovery.k8s.io/EndpointSlice': (o) =>
    each(o.ports, (p) => {
      setIf(p, 'name', unset, '');
      setIf(p, 'protocol', unset, 'TCP');
    }),
  'autoscaling/HorizontalPodAutoscaler': defaultHorizontalPodAutoscaler,
  'rbac.authorization.k8s.io/RoleBinding': defaultBinding,
  'rbac.authorization.k8s.io/ClusterRoleBinding': defaultBinding,
  'storage.k8s.io/StorageClass': (o) => {
    setIf(o, 'reclaimPolicy', blank, 'Delete');
    setIf(o, 'volumeBindingMode', blank, 'Immediate');
  },
  'apiextensions.k8s.io/CustomResourceDefinition': defaultCustomResourceDefinition,
  'admissionregistration.k8s.io/MutatingWebhookConfiguration': (o) => defaultWebhooks(o, true),
  'admissionregistration.k8s.io/ValidatingWebhookConfiguration': (o) => defaultWebhooks(o, false),
};

function kindKey(o: Json): string {
  const apiVersion = typeof o.apiVersion === 'string' ? o.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  return `${slash < 0 ? '' : apiVersion.slice(0, slash)}/${typeof o.kind === 'string' ? o.kind : ''}`;
}

/**
 * Fills in the defaults the API server sets, in place. Safe to repeat (on update and on every read).
 * Pass { create: true, uid } on create for the create-only changes.
 */
export function applyDefaults(object: unknown, opts: DefaultOptions = {}): void {
  if (!isObject(object)) return;
  DEFAULTERS[kindKey(object)]?.(object, opts);
}
