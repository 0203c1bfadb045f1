// A Job's status as one pass tallies it (Kubernetes' job status fields): active, ready and terminating pods,
// succeeded and failed counts, completed indexes, and the finished pods counted but not yet released.
import type { JobStatus } from 'kubernetes-types/batch/v1';
import type { Job, LivePod as Pod } from '../kit/objects';
import { isPodReady } from '../kit/podReadiness';
import { formatIndexes, parseIndexes } from './completedIndexes';
import type { JobCondition } from './conditions';
import { isTerminating } from './podState';

/** What one pass over a Job found and decided; rendered into status. */
export interface Tally {
  active: number;
  ready: number;
  terminating: number;
  succeeded: number;
  failed: number;
  completed: Set<number>;
  uncountedSucceeded: Set<string>;
  uncountedFailed: Set<string>;
}

/** The tally a pass starts from: the pods as they are, the counts and uncounted pods as status has them. */
export function newTally(job: Job, pods: Pod[], activePods: Pod[]): Tally {
  const status = job.status ?? {};
  const completions = typeof job.spec.completions === 'number' ? job.spec.completions : 0;
  return {
    active: activePods.length,
    ready: activePods.filter(isPodReady).length,
    terminating: pods.filter(isTerminating).length,
    succeeded: 0,
    failed: 0,
    completed: job.spec.completionMode === 'Indexed' ? parseIndexes(status.completedIndexes, completions) : new Set(),
    uncountedSucceeded: new Set(status.uncountedTerminatedPods?.succeeded ?? []),
    uncountedFailed: new Set(status.uncountedTerminatedPods?.failed ?? []),
  };
}

/** Active pods just deleted are terminating now. */
export function countDeleted(t: Tally, result: { deleted: number; deletedReady: number }): void {
  t.active -= result.deleted;
  t.terminating += result.deleted;
  t.ready -= result.deletedReady;
}

/** Writes the tally and conditions into job.status, leaving out counts Kubernetes omits when zero. */
export function renderStatus(job: Job, t: Tally, indexed: boolean, conditions: JobCondition[]): void {
  const s: JobStatus = (job.status ??= {});
  const setCount = (field: 'active' | 'succeeded' | 'failed', n: number) => {
    if (n > 0) s[field] = n;
    else delete s[field];
  };
  setCount('active', t.active);
  s.ready = Math.max(0, t.ready);
  s.terminating = Math.max(0, t.terminating);
  setCount('succeeded', t.succeeded);
  setCount('failed', t.failed);
  if (indexed) {
    const text = formatIndexes(t.completed);
    if (text) s.completedIndexes = text;
    else delete s.completedIndexes;
  }
  s.uncountedTerminatedPods = {
    ...(t.uncountedSucceeded.size ? { succeeded: [...t.uncountedSucceeded] } : {}),
    ...(t.uncountedFailed.size ? { failed: [...t.uncountedFailed] } : {}),
  };
  if (conditions.length) s.conditions = conditions;
  else delete s.conditions;
}
