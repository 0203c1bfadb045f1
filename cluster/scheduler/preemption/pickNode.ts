// The node to preempt on, by kube-scheduler's pickOneNodeForPreemption criteria, each deciding only among the
// nodes tied on the ones before: the fewest PodDisruptionBudget violations, the lowest highest victim
// priority, the smallest sum of victim priorities, the fewest victims, the latest start among the highest-
// priority victims; then the first by name.
import { startTime } from './podImportance';
import { Victims } from './victims';

/** int32 priorities shifted to be positive, so a few negative-priority victims never outweigh more of them */
const PRIORITY_SHIFT = 2 ** 31;

const SCORES: readonly ((v: Victims) => number)[] = [
  (v) => -v.pdbViolations,
  (v) => -v.pods[0].priority,
  (v) => -v.pods.reduce((sum, p) => sum + p.priority + PRIORITY_SHIFT, 0),
  (v) => -v.pods.length,
  (v) => {
    const highest = v.pods[0].priority;
    return Math.min(...v.pods.filter((p) => p.priority === highest).map(startTime));
  },
];

export function pickOneNodeForPreemption(candidates: readonly Victims[]): Victims {
  let tied = [...candidates].sort((a, b) => (a.node < b.node ? -1 : a.node > b.node ? 1 : 0));
  for (const score of SCORES) {
    if (tied.length === 1) break;
    const scores = tied.map(score);
    const best = Math.max(...scores);
    tied = tied.filter((_, i) => scores[i] === best);
  }
  return tied[0];
}
