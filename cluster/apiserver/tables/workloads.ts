// Controllers that own pods: Deployment, ReplicaSet, ReplicationController, StatefulSet,
// DaemonSet, plus the ControllerRevisions they keep.

import type { ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
import type { PodTemplateSpec, ReplicationController } from 'kubernetes-types/core/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { formatLabels, fromLabelSelector, selectorToString } from '../../../kube/labelSelector';
import { containerCells, int, since } from './format';
import {
  AGE_COLUMN,
  Cell,
  column,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  NAME_COLUMN,
  Printer,
  printer,
  SELECTOR_COLUMN,
} from './types';

/** The selector text -o wide shows for a metav1.LabelSelector: "" when it selects everything. */
export function selectorText(sel: unknown): string {
  try {
    return selectorToString(fromLabelSelector(sel as LabelSelector));
  } catch {
    return '<invalid>';
  }
}

function templateCells(obj: { spec?: { template?: PodTemplateSpec } }): Cell[] {
  return containerCells(obj.spec?.template?.spec?.containers);
}

export const deploymentPrinter = printer<Deployment>({
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Ready pods out of desired pods.'),
    column('Up-to-date', 'string', 'Pods that run the current pod template.'),
    column('Available', 'string', 'Pods that have been ready for at least minReadySeconds.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas, 1)}`,
    int(o.status?.updatedReplicas),
    int(o.status?.availableReplicas),
    since(o.metadata?.creationTimestamp, now),
    ...templateCells(o),
    selectorText(o.spec?.selector),
  ],
});

const replicaColumns = [
  NAME_COLUMN,
  column('Desired', 'integer', 'Number of pods requested.'),
  column('Current', 'integer', 'Number of pods that exist.'),
  column('Ready', 'integer', 'Number of pods that are ready.'),
  AGE_COLUMN,
  CONTAINERS_COLUMN,
  IMAGES_COLUMN,
  SELECTOR_COLUMN,
];

/** ReplicaSets and ReplicationControllers print alike; only their selector's shape differs. */
function replicaPrinter<T extends ReplicaSet | ReplicationController>(selector: (o: T) => string): Printer {
  return printer<T>({
    columns: replicaColumns,
    cells: (o, now) => [
      o.metadata?.name ?? '',
      int(o.spec?.replicas, 1),
      int(o.status?.replicas),
      int(o.status?.readyReplicas),
      since(o.metadata?.creationTimestamp, now),
      ...templateCells(o),
      selector(o),
    ],
  });
}

export const replicaSetPrinter = replicaPrinter<ReplicaSet>((o) => selectorText(o.spec?.selector));

// A ReplicationController selector is a plain label map.
export const replicationControllerPrinter = replicaPrinter<ReplicationController>((o) =>
  formatLabels(o.spec?.selector),
);

export const statefulSetPrinter = printer<StatefulSet>({
  columns: [
    NAME_COLUMN,
    column('Ready', 'string', 'Ready pods out of desired pods.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    `${int(o.status?.readyReplicas)}/${int(o.spec?.replicas, 1)}`,
    since(o.metadata?.creationTimestamp, now),
    ...templateCells(o),
  ],
});

export const daemonSetPrinter = printer<DaemonSet>({
  columns: [
    NAME_COLUMN,
    column('Desired', 'integer', 'Nodes that should run the daemon pod.'),
    column('Current', 'integer', 'Nodes running at least one daemon pod.'),
    column('Ready', 'integer', 'Nodes whose daemon pod is ready.'),
    column('Up-to-date', 'integer', 'Nodes running the current pod template.'),
    column('Available', 'integer', 'Nodes whose daemon pod is available.'),
    column('Node Selector', 'string', 'Labels a node needs to run the daemon pod.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    int(o.status?.desiredNumberScheduled),
    int(o.status?.currentNumberScheduled),
    int(o.status?.numberReady),
    int(o.status?.updatedNumberScheduled),
    int(o.status?.numberAvailable),
    formatLabels(o.spec?.template?.spec?.nodeSelector),
    since(o.metadata?.creationTimestamp, now),
    ...templateCells(o),
    selectorText(o.spec?.selector),
  ],
});

/** "statefulset.apps/web" for the owning controller, "<none>" without one. */
function controllerName(o: ControllerRevision): string {
  const ref = (o.metadata?.ownerReferences ?? []).find((r) => r?.controller === true);
  if (!ref) return '<none>';
  const slash = String(ref.apiVersion ?? '').indexOf('/');
  const group = slash < 0 ? '' : String(ref.apiVersion).slice(0, slash);
  return `${String(ref.kind).toLowerCase()}${group ? '.' + group : ''}/${ref.name}`;
}

export const controllerRevisionPrinter = printer<ControllerRevision>({
  columns: [
    NAME_COLUMN,
    column('Controller', 'string', 'The object that owns this revision.'),
    column('Revision', 'integer', 'Revision number of the stored state.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    controllerName(o),
    int(o.revision),
    since(o.metadata?.creationTimestamp, now),
  ],
});
