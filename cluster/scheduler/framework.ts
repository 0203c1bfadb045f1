// The shapes filters share, after Kubernetes' scheduling framework: a per-attempt cycle state, and
// statuses that say why a node was rejected and whether evicting pods (preemption) could ever help.
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import { SchedulerCache, NodeInfo } from './cache';
import { Selector } from '../../kube/labelSelector';
import { PodInfo } from './podInfo';

/** Unschedulable: preemption might help. UnschedulableAndUnresolvable: it cannot. */
export type Code = 'Unschedulable' | 'UnschedulableAndUnresolvable';

export interface Status {
  code: Code;
  reasons: string[];
  plugin: string;
}

export function unschedulable(plugin: string, ...reasons: string[]): Status {
  return { code: 'Unschedulable', reasons, plugin };
}

export function unresolvable(plugin: string, ...reasons: string[]): Status {
  return { code: 'UnschedulableAndUnresolvable', reasons, plugin };
}

/** Read access to the other objects filters consult, from the shared informers. */
export interface Lookups {
  namespaceLabels(ns: string): Record<string, string> | undefined;
  pvc(ns: string, name: string): PersistentVolumeClaim | undefined;
  pv(name: string): PersistentVolume | undefined;
  storageClass(name: string): StorageClass | undefined;
  /** selectors of the Services selecting the pod and of its controller (ReplicaSet, StatefulSet, ReplicationController) */
  workloadSelectors(pod: PodInfo): Selector[];
  /** every PodDisruptionBudget, which preemption prefers not to violate */
  disruptionBudgets(): readonly PodDisruptionBudget[];
}

export interface CycleState {
  pod: PodInfo;
  cache: SchedulerCache;
  lookups: Lookups;
  /** what PreFilter steps computed for Filter, by plugin */
  data: Map<string, unknown>;
}

export interface FilterPlugin {
  readonly name: string;
  /** runs once per attempt; a status rejects the pod on every node */
  preFilter?(state: CycleState): Status | undefined;
  filter(state: CycleState, node: NodeInfo): Status | undefined;
  /**
   * PreFilterExtensions: keeps this plugin's PreFilter data in step with a pod added to (delta 1) or removed
   * from (-1) a node in a dry run (preemption's victims, nominated pods), so filter() sees the changed node.
   */
  updateWithPod?(state: CycleState, pod: PodInfo, node: NodeInfo, delta: 1 | -1): void;
  /** a copy of this plugin's PreFilter data that a dry run may change without touching the original */
  cloneData?(data: unknown): unknown;
}
