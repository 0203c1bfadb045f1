// The text of a scheduling failure, word for word as kube-scheduler 1.34 writes it into the
// PodScheduled condition and the FailedScheduling event:
//
//   0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. no new claims to
//   deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling,
//   2 No preemption victims found for incoming pod.
//
// The first sentence counts, per reason, the nodes the filters rejected (sorted as strings). The rest
// comes from the post-filter plugins: DynamicResources (no resource claims to free) and DefaultPreemption,
// which tells per node whether evicting lower-priority pods could make room.
import type { Pod } from 'kubernetes-types/core/v1';
import { Status } from './framework';

export const NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export interface Diagnosis {
  numAllNodes: number;
  /** node name → why it was rejected */
  statuses: Map<string, Status>;
  /** the status of nodes PreFilter already ruled out (they are not in statuses) */
  absent?: Status;
  /** set when a PreFilter step rejected the pod outright */
  preFilterMsg?: string;
}

/** "2 Insufficient cpu, 1 node(s) were unschedulable" sorted as strings, as Go's sort.Strings does. */
function histogram(d: Diagnosis): string {
  const counts = new Map<string, number>();
  for (const s of d.statuses.values()) for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
  const absentNodes = d.numAllNodes - d.statuses.size;
  if (d.absent && absentNodes > 0) for (const r of d.absent.reasons) counts.set(r, (counts.get(r) ?? 0) + absentNodes);
  return [...counts.entries()]
    .map(([r, n]) => `${n} ${r}`)
    .sort()
    .join(', ');
}

function fitMessage(d: Diagnosis): string {
  let msg = `0/${d.numAllNodes} nodes are available:`;
  if (d.preFilterMsg) return `${msg} ${d.preFilterMsg}.`;
  const h = histogram(d);
  if (h) msg += ` ${h}.`;
  return msg;
}

/**
 * DefaultPreemption's verdict. Nodes rejected as unresolvable are not worth evicting anything on; on the
 * others it would evict lower-priority pods, and finds none: this cluster admits no PriorityClasses, so
 * pods share one priority (this scheduler does not preempt).
 */
function preemptionMessage(pod: Pod | undefined, d: Diagnosis): string {
  if (pod?.spec?.preemptionPolicy === 'Never') return 'preemption: not eligible due to preemptionPolicy=Never.';
  const verdict = (reason: string): Status => ({
    code: 'UnschedulableAndUnresolvable',
    reasons: [reason],
    plugin: 'DefaultPreemption',
  });
  const statuses = new Map<string, Status>();
  for (const [node, s] of d.statuses) {
    statuses.set(
      node,
      verdict(
        s.code === 'Unschedulable'
          ? 'No preemption victims found for incoming pod'
          : 'Preemption is not helpful for scheduling',
      ),
    );
  }
  return `preemption: ${fitMessage({ numAllNodes: d.numAllNodes, statuses, absent: verdict('Preemption is not helpful for scheduling') })}`;
}

/** The whole message of a pod that fits on no node. */
export function fitErrorMessage(pod: Pod | undefined, d: Diagnosis): string {
  const first = fitMessage(d);
  // after a PreFilter rejection every node counts as unresolvable, and DynamicResources (whose PreFilter
  // did not run) adds nothing
  if (d.preFilterMsg) return `${first} ${preemptionMessage(pod, { numAllNodes: d.numAllNodes, statuses: new Map() })}`;
  return `${first} no new claims to deallocate, ${preemptionMessage(pod, d)}`;
}
