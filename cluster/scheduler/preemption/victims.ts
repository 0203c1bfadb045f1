// DefaultPreemption's dry run on one node (SelectVictimsOnNode): remove every pod of lower priority than the
// preemptor; if the preemptor then fits, give back as many as possible, most important first, those whose
// eviction would violate a PodDisruptionBudget before the others. What cannot be given back are the victims.
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { NodeInfo } from '../cache';
import { CycleState, Status, unresolvable, unschedulable } from '../framework';
import { addPodTo, filterWithNominated, removePodFrom } from '../nodeFilters';
import { PodInfo } from '../podInfo';
import { splitByBudgetViolation } from './budgets';
import { byImportance } from './podImportance';

export const DEFAULT_PREEMPTION = 'DefaultPreemption';

export interface Victims {
  node: string;
  /** most important first */
  pods: PodInfo[];
  /** victims whose eviction violates a budget */
  pdbViolations: number;
}

/** The victims on the node, or why preempting there would not help. state: a copy the dry run may change. */
export function selectVictimsOnNode(
  state: CycleState,
  node: NodeInfo,
  budgets: readonly PodDisruptionBudget[],
  nominated: readonly PodInfo[],
): Victims | Status {
  const potential = [...node.pods.values()].filter((p) => p.priority < state.pod.priority);
  if (potential.length === 0) return unresolvable(DEFAULT_PREEMPTION, 'No preemption victims found for incoming pod');
  try {
    for (const p of potential) removePodFrom(state, p, node);
    // not even an empty node (of lower-priority pods) takes it
    const status = filterWithNominated(state, node, nominated);
    if (status) return status;
    potential.sort(byImportance);
    const { violating, nonViolating } = splitByBudgetViolation(potential, budgets);
    const victims: PodInfo[] = [];
    const reprieve = (p: PodInfo): boolean => {
      addPodTo(state, p, node);
      if (!filterWithNominated(state, node, nominated)) return true;
      removePodFrom(state, p, node);
      victims.push(p);
      return false;
    };
    let pdbViolations = 0;
    for (const p of violating) if (!reprieve(p)) pdbViolations++;
    for (const p of nonViolating) reprieve(p);
    if (violating.length && nonViolating.length) victims.sort(byImportance);
    if (victims.length === 0)
      return unschedulable(DEFAULT_PREEMPTION, `expected at least one victim pod on node "${node.name}"`);
    return { node: node.name, pods: victims, pdbViolations };
  } finally {
    // the dry run leaves the cache's node as it found it
    for (const p of potential) if (!node.pods.has(p.uid)) node.addPod(p);
  }
}
