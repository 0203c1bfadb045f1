// Cluster-level and policy kinds: Node, Event, Lease, HorizontalPodAutoscaler,
// PodDisruptionBudget, RBAC roles and bindings, CustomResourceDefinition.

import type { APIService } from '../apiServices';
import type { CertificateSigningRequest } from 'kubernetes-types/certificates/v1';
import type { ValidatingWebhookConfiguration } from 'kubernetes-types/admissionregistration/v1';
import type { RoleBinding } from 'kubernetes-types/rbac/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { HorizontalPodAutoscaler, MetricSpec, MetricStatus, MetricTarget } from 'kubernetes-types/autoscaling/v2';
import type { Lease } from 'kubernetes-types/coordination/v1';
import type { Event, Node, NodeSystemInfo } from 'kubernetes-types/core/v1';
import { humanDuration, int, quantity, rfc3339, since, str } from './format';
import { AGE_COLUMN, column, CREATED_AT_COLUMN, NAME_COLUMN, Printer, printer } from './types';

const ROLE_PREFIX = 'node-role.kubernetes.io/';
const ROLE_LABEL = 'kubernetes.io/role';

function nodeRoles(o: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries<string>(o.metadata?.labels ?? {})) {
    if (k.startsWith(ROLE_PREFIX) && k.length > ROLE_PREFIX.length) roles.add(k.slice(ROLE_PREFIX.length));
    else if (k === ROLE_LABEL && v) roles.add(v);
  }
  return roles.size ? [...roles].sort().join(',') : '<none>';
}

/** "Ready", "NotReady", "Unknown", plus ",SchedulingDisabled" for a cordoned node. */
function nodeStatus(o: Node): string {
  const ready = (o.status?.conditions ?? []).find((c) => c?.type === 'Ready');
  const parts = [ready ? (ready.status === 'True' ? 'Ready' : 'NotReady') : 'Unknown'];
  if (o.spec?.unschedulable === true) parts.push('SchedulingDisabled');
  return parts.join(',');
}

function nodeAddress(o: Node, type: string): string {
  return (o.status?.addresses ?? []).find((a) => a?.type === type)?.address ?? '<none>';
}

export const nodePrinter = printer<Node>({
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Readiness of the node and whether it accepts new pods.'),
    column('Roles', 'string', 'Roles taken from node-role labels.'),
    AGE_COLUMN,
    column('Version', 'string', 'Kubelet version.'),
    column('Internal-IP', 'string', 'First internal address of the node.', 1),
    column('External-IP', 'string', 'First external address of the node.', 1),
    column('OS-Image', 'string', 'Operating system image.', 1),
    column('Kernel-Version', 'string', 'Kernel version.', 1),
    column('Container-Runtime', 'string', 'Container runtime and version.', 1),
  ],
  cells: (o, now) => {
    const info: Partial<NodeSystemInfo> = o.status?.nodeInfo ?? {};
    return [
      o.metadata?.name ?? '',
      nodeStatus(o),
      nodeRoles(o),
      since(o.metadata?.creationTimestamp, now),
      str(info.kubeletVersion),
      nodeAddress(o, 'InternalIP'),
      nodeAddress(o, 'ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
});

function eventSource(o: Event): string {
  const component = o.source?.component || o.reportingComponent || '';
  const instance = o.source?.host || o.reportingInstance || '';
  return instance ? `${component}, ${instance}` : component;
}

export const eventPrinter = printer<Event>({
  columns: [
    column('Last Seen', 'string', 'Time since the event was last observed.'),
    column('Type', 'string', 'Normal or Warning.'),
    column('Reason', 'string', 'Short machine-readable cause.'),
    column('Object', 'string', 'The object the event is about.'),
    column('Subobject', 'string', 'Part of the object the event is about, e.g. a container.', 1),
    column('Source', 'string', 'Component that reported the event.', 1),
    column('Message', 'string', 'Human-readable description.'),
    column('First Seen', 'string', 'Time since the event was first observed.', 1),
    column('Count', 'string', 'Times the event has occurred.', 1),
    column('Name', 'string', 'Name of the Event object.', 1),
  ],
  cells: (o, now) => {
    // Events from the events.k8s.io API only carry eventTime and series.
    const first = o.firstTimestamp ? since(o.firstTimestamp, now) : since(o.eventTime, now);
    let last = o.lastTimestamp ? since(o.lastTimestamp, now) : first;
    let count = int(o.count);
    if (o.series) {
      last = since(o.series.lastObservedTime, now);
      count = int(o.series.count);
    } else if (count === 0) {
      count = 1;
    }
    const inv = o.involvedObject ?? {};
    const target = inv.name ? `${str(inv.kind).toLowerCase()}/${inv.name}` : str(inv.kind).toLowerCase();
    return [
      last,
      str(o.type),
      str(o.reason),
      target,
      str(inv.fieldPath),
      eventSource(o),
      str(o.message).trim(),
      first,
      count,
      o.metadata?.name ?? '',
    ];
  },
});

export const leasePrinter = printer<Lease>({
  columns: [NAME_COLUMN, column('Holder', 'string', 'Identity currently holding the lease.'), AGE_COLUMN],
  cells: (o, now) => [o.metadata?.name ?? '', str(o.spec?.holderIdentity), since(o.metadata?.creationTimestamp, now)],
});

/** One metric's "current/target" text, as the autoscaling/v2 printer shows it. */
function metricText(spec: MetricSpec, status: MetricStatus | undefined): string {
  const unknown = '<unknown>';
  switch (spec?.type) {
    case 'External':
    case 'Object': {
      const key = spec.type === 'External' ? 'external' : 'object';
      const target: Partial<MetricTarget> = spec[key]?.target ?? {};
      const current = status?.[key]?.current;
      if (target.averageValue !== undefined) {
        return `${current?.averageValue !== undefined ? quantity(current.averageValue) : unknown}/${quantity(target.averageValue)} (avg)`;
      }
      return `${status?.[key] ? quantity(current?.value) : unknown}/${quantity(target.value)}`;
    }
    case 'Pods':
      return `${status?.pods ? quantity(status.pods.current?.averageValue) : unknown}/${quantity(spec.pods?.target?.averageValue)}`;
    case 'Resource':
    case 'ContainerResource': {
      const key = spec.type === 'Resource' ? 'resource' : 'containerResource';
      const target: Partial<MetricTarget> = spec[key]?.target ?? {};
      const st = status?.[key];
      const name = str(spec[key]?.name);
      if (target.averageValue !== undefined) {
        return `${name}: ${st ? quantity(st.current?.averageValue) : unknown}/${quantity(target.averageValue)}`;
      }
      const current =
        typeof st?.current?.averageUtilization === 'number' ? `${st.current.averageUtilization}%` : unknown;
      const goal = typeof target.averageUtilization === 'number' ? `${target.averageUtilization}%` : '<auto>';
      return `${name}: ${current}/${goal}`;
    }
    default:
      return '<unknown type>';
  }
}

function hpaTargets(o: HorizontalPodAutoscaler): string {
  const specs = Array.isArray(o.spec?.metrics) ? o.spec.metrics : [];
  if (specs.length === 0) return '<none>';
  const statuses = Array.isArray(o.status?.currentMetrics) ? o.status.currentMetrics : [];
  const texts = specs.map((s, i) => metricText(s, statuses[i]));
  const shown = texts.slice(0, 2).join(', ');
  return texts.length > 2 ? `${shown} + ${texts.length - 2} more...` : shown;
}

export const hpaPrinter = printer<HorizontalPodAutoscaler>({
  columns: [
    NAME_COLUMN,
    column('Reference', 'string', 'The scaled object, as Kind/name.'),
    column('Targets', 'string', 'Current and target values of the metrics.'),
    column('MinPods', 'string', 'Lower replica bound.'),
    column('MaxPods', 'string', 'Upper replica bound.'),
    column('Replicas', 'string', 'Current replicas.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    `${str(o.spec?.scaleTargetRef?.kind)}/${str(o.spec?.scaleTargetRef?.name)}`,
    hpaTargets(o),
    typeof o.spec?.minReplicas === 'number' ? String(o.spec.minReplicas) : '<unset>',
    int(o.spec?.maxReplicas),
    int(o.status?.currentReplicas),
    since(o.metadata?.creationTimestamp, now),
  ],
});

export const pdbPrinter = printer<PodDisruptionBudget>({
  columns: [
    NAME_COLUMN,
    column('Min Available', 'string', 'Pods that must stay available.'),
    column('Max Unavailable', 'string', 'Pods that may be unavailable.'),
    column('Allowed Disruptions', 'integer', 'Pods that may be evicted right now.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    o.spec?.minAvailable !== undefined && o.spec?.minAvailable !== null ? String(o.spec.minAvailable) : 'N/A',
    o.spec?.maxUnavailable !== undefined && o.spec?.maxUnavailable !== null ? String(o.spec.maxUnavailable) : 'N/A',
    int(o.status?.disruptionsAllowed),
    since(o.metadata?.creationTimestamp, now),
  ],
});

/** Roles, ClusterRoles and CRDs print their creation time instead of an age. */
export const createdAtPrinter: Printer = {
  columns: [NAME_COLUMN, CREATED_AT_COLUMN],
  cells: (o) => [o.metadata?.name ?? '', rfc3339(o.metadata?.creationTimestamp)],
};

function subjects(o: RoleBinding, kind: string): string {
  return (Array.isArray(o.subjects) ? o.subjects : [])
    .filter((s) => s?.kind === kind)
    .map((s) => (kind === 'ServiceAccount' ? `${str(s.namespace)}:${str(s.name)}` : str(s.name)))
    .join(', ');
}

export const roleBindingPrinter = printer<RoleBinding>({
  columns: [
    NAME_COLUMN,
    column('Role', 'string', 'The role granted, as Kind/name.'),
    AGE_COLUMN,
    column('Users', 'string', 'Users the role is granted to.', 1),
    column('Groups', 'string', 'Groups the role is granted to.', 1),
    column('ServiceAccounts', 'string', 'Service accounts the role is granted to, as namespace:name.', 1),
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    `${str(o.roleRef?.kind)}/${str(o.roleRef?.name)}`,
    since(o.metadata?.creationTimestamp, now),
    subjects(o, 'User'),
    subjects(o, 'Group'),
    subjects(o, 'ServiceAccount'),
  ],
});

/** SERVICE is Local for the server's own group versions; AVAILABLE the Available condition (with its reason). */
export const apiServicePrinter = printer<APIService>({
  columns: [
    NAME_COLUMN,
    column('Service', 'string', 'The service that serves the group version, or Local.'),
    column('Available', 'string', 'Whether the group version is available.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => {
    const svc = o.spec?.service;
    const available = (o.status?.conditions ?? []).find((c) => c?.type === 'Available');
    const state = !available
      ? 'Unknown'
      : available.status === 'True'
        ? 'True'
        : `${str(available.status)} (${str(available.reason)})`;
    return [
      o.metadata?.name ?? '',
      svc ? `${str(svc.namespace)}/${str(svc.name)}` : 'Local',
      state,
      since(o.metadata?.creationTimestamp, now),
    ];
  },
});

/** CONDITION: Pending, or the true conditions' types, and Issued once the certificate is there. */
function csrCondition(o: CertificateSigningRequest): string {
  const types = (o.status?.conditions ?? []).filter((c) => c?.status === 'True').map((c) => str(c.type));
  if (o.status?.certificate) types.push('Issued');
  return types.length ? types.join(',') : 'Pending';
}

export const csrPrinter = printer<CertificateSigningRequest>({
  columns: [
    NAME_COLUMN,
    AGE_COLUMN,
    column('SignerName', 'string', 'Only use certificates from the signer named.'),
    column('Requestor', 'string', 'Name of the user that created the request.'),
    column('RequestedDuration', 'string', 'Duration the certificate was requested to be valid for.'),
    column('Condition', 'string', 'Approved, Denied, Failed, Issued or Pending.'),
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    since(o.metadata?.creationTimestamp, now),
    str(o.spec?.signerName),
    str(o.spec?.username),
    typeof o.spec?.expirationSeconds === 'number' ? humanDuration(o.spec.expirationSeconds * 1000) : '<none>',
    csrCondition(o),
  ],
});

/** Mutating- and ValidatingWebhookConfigurations: how many webhooks each declares. */
export const webhookConfigurationPrinter = printer<ValidatingWebhookConfiguration>({
  columns: [NAME_COLUMN, column('Webhooks', 'integer', 'Webhooks indicates the number of webhooks.'), AGE_COLUMN],
  cells: (o, now) => [o.metadata?.name ?? '', o.webhooks?.length ?? 0, since(o.metadata?.creationTimestamp, now)],
});
