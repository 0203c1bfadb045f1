// The text of a scheduling failure, word for word as kube-scheduler 1.34 writes it into the
// PodScheduled condition and the FailedScheduling event:
//
//   0/3 nodes are available: 1 node(s) had untolerated taint(s), 2 Insufficient cpu. no new claims to
//   deallocate, preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling,
//   2 No preemption victims found for incoming pod.
//
// The first sentence counts, per reason, the nodes the filters rejected (sorted as strings). The rest
// comes from the post-filter plugins: DynamicResources (no resource claims to free) and DefaultPreemption
// (preemption/), which tells per node why evicting lower-priority pods would not make room.
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
 * The FitError DefaultPreemption words when it finds no candidate: the dry runs' statuses of the nodes it
 * tried, and the rest (nodes whose rejection evicting pods cannot lift) as not helped by preemption.
 */
export function preemptionFitMessage(numAllNodes: number, statuses: Map<string, Status>): string {
  const absent: Status = {
    code: 'UnschedulableAndUnresolvable',
    reasons: ['Preemption is not helpful for scheduling'],
    plugin: 'DefaultPreemption',
  };
  return fitMessage({ numAllNodes, statuses, absent });
}

/**
 * The whole message of a pod that fits on no node. postFilterMsg is DefaultPreemption's ("preemption: ..."),
 * undefined when it succeeded, which leaves only the first sentence, as kube-scheduler's PostFilter result does.
 */
export function fitErrorMessage(d: Diagnosis, postFilterMsg: string | undefined): string {
  const first = fitMessage(d);
  if (postFilterMsg === undefined) return first;
  // after a PreFilter rejection DynamicResources (whose PreFilter did not run) adds nothing
  if (d.preFilterMsg) return `${first} ${postFilterMsg}`;
  return `${first} no new claims to deallocate, ${postFilterMsg}`;
}
