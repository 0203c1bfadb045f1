// DefaultPreemption's PostFilter, as kube-scheduler's preemption evaluator decides (the writes it leads to are in
// victimDeletion.ts): is the pod eligible to preempt, on which nodes could evicting lower-priority pods make it
// fit (dry runs, victims.ts), and which of those nodes to preempt on (pickNode.ts).
import type { Pod } from 'kubernetes-types/core/v1';
import { SchedulerCache } from '../cache';
import { CycleState, Status } from '../framework';
import { Diagnosis, preemptionFitMessage } from '../fitError';
import { cloneState } from '../nodeFilters';
import { Nominator } from '../nominator';
import { PodInfo } from '../podInfo';
import { pickOneNodeForPreemption } from './pickNode';
import { selectVictimsOnNode, Victims } from './victims';

export type Preemption =
  | { victims: Victims }
  /** message: the PostFilter message; clearNomination: the pod's nominated node no longer holds */
  | { victims?: undefined; message: string; clearNomination: boolean };

export const PREEMPTION_REASON = 'PreemptionByScheduler';

/** A victim of an earlier preemption, still terminating (kube-scheduler's podTerminatingByPreemption). */
export function terminatingByPreemption(pod: Pod): boolean {
  return (
    !!pod.metadata?.deletionTimestamp &&
    (pod.status?.conditions ?? []).some(
      (c) => c.type === 'DisruptionTarget' && c.status === 'True' && c.reason === PREEMPTION_REASON,
    )
  );
}

/** Why the pod may not preempt now (PodEligibleToPreemptOthers), or undefined. */
function ineligibility(pod: PodInfo, d: Diagnosis, cache: SchedulerCache, nominator: Nominator): string | undefined {
  if (pod.pod.spec?.preemptionPolicy === 'Never') return 'not eligible due to preemptionPolicy=Never.';
  const nominated = nominator.nodeOf(pod.uid) ?? pod.pod.status?.nominatedNodeName;
  if (!nominated) return undefined;
  // a nominated node that can no longer take the pod at all is no reason to wait
  const status = d.statuses.get(nominated) ?? d.absent;
  if (d.preFilterMsg || status?.code === 'UnschedulableAndUnresolvable') return undefined;
  for (const p of cache.getNode(nominated)?.pods.values() ?? []) {
    // the room made for it is still being vacated: wait rather than evict more
    if (p.priority < pod.priority && terminatingByPreemption(p.pod))
      return 'not eligible due to a terminating pod on the nominated node.';
  }
  return undefined;
}

/** The pod fits on no node (d says why on each): whom to evict where, or why not. */
export function preempt(state: CycleState, d: Diagnosis, nominator: Nominator): Preemption {
  const { pod, cache } = state;
  const why = ineligibility(pod, d, cache, nominator);
  if (why) return { message: `preemption: ${why}`, clearNomination: false };
  const all = cache.nodes();
  // only nodes whose rejection evicting pods might lift are worth a dry run
  const potential = d.preFilterMsg ? [] : all.filter((n) => d.statuses.get(n.name)?.code === 'Unschedulable');
  const budgets = potential.length ? state.lookups.disruptionBudgets() : [];
  const statuses = new Map<string, Status>();
  const candidates: Victims[] = [];
  for (const node of potential) {
    const r = selectVictimsOnNode(cloneState(state), node, budgets, nominator.nominatedOn(node.name));
    if ('pods' in r) candidates.push(r);
    else statuses.set(node.name, r);
  }
  if (candidates.length === 0)
    return { message: `preemption: ${preemptionFitMessage(all.length, statuses)}`, clearNomination: true };
  return { victims: pickOneNodeForPreemption(candidates) };
}
