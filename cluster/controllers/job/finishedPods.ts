// Counting a Job's finished pods through the job-tracking finalizer (Kubernetes' getNewFinishedPods and
// trackJobStatusAndRemoveFinalizers): a finished pod still carrying the finalizer is not counted yet; its uid
// goes into status.uncountedTerminatedPods (or, Indexed, its index into completedIndexes), the status is
// written, the finalizer removed, and only then does it move into the succeeded or failed count.
import type { Job, LivePod as Pod } from '../kit/objects';
import type { JobCondition } from './conditions';
import { completionIndex, finishedAt, isPodFailed } from './podState';
import type { Tally } from './status';

/** At most this many pods are created, deleted or counted in one pass, as in Kubernetes. */
export const MAX_PODS_PER_SYNC = 500;

/** Pods that finished since the last pass: new completed indexes and the finish times (for the back-off). */
export interface NewlyFinished {
  newlyCompleted: Set<number>;
  succeededTimes: number[];
  failedTimes: number[];
}

/**
 * What the counts will be once the pods finished since the last pass are counted. untracked: still carries
 * the finalizer and no removal is pending; counts: a failure counts against backoffLimit.
 */
export function newlyFinished(
  job: Job,
  pods: Pod[],
  tally: Tally,
  untracked: (p: Pod) => boolean,
  counts: (p: Pod) => boolean,
  now: number,
): NewlyFinished {
  const indexed = job.spec.completionMode === 'Indexed';
  const completions = typeof job.spec.completions === 'number' ? job.spec.completions : 0;
  const newlyCompleted = new Set<number>();
  const succeededTimes: number[] = [];
  const failedTimes: number[] = [];
  for (const p of pods) {
    if (!untracked(p)) continue;
    const pu = p.metadata.uid;
    if (p.status?.phase === 'Succeeded') {
      if (indexed) {
        const ix = completionIndex(p);
        if (ix === undefined || ix >= completions || tally.completed.has(ix) || newlyCompleted.has(ix)) continue;
        newlyCompleted.add(ix);
      } else if (tally.uncountedSucceeded.has(pu) || tally.uncountedFailed.has(pu)) continue;
      succeededTimes.push(finishedAt(p, now));
    } else if (isPodFailed(p, job) && !tally.uncountedFailed.has(pu) && counts(p)) failedTimes.push(finishedAt(p, now));
  }
  return { newlyCompleted, succeededTimes, failedTimes };
}

/**
 * Puts finished pods (every pod once the Job has an outcome or is being deleted) into the tally's uncounted
 * sets or completed indexes; returns the pods whose finalizer to remove and whether status must be written
 * before that. Once the Job has failed, every pod that did not succeed counts as failed.
 */
export function podsToCount(
  job: Job,
  pods: Pod[],
  tally: Tally,
  untracked: (p: Pod) => boolean,
  counts: (p: Pod) => boolean,
  finished: JobCondition | undefined,
): { toRelease: Pod[]; needsFlush: boolean } {
  const indexed = job.spec.completionMode === 'Indexed';
  const completions = typeof job.spec.completions === 'number' ? job.spec.completions : 0;
  const successful = finished?.type === 'SuccessCriteriaMet' || finished?.type === 'Complete';
  const toRelease: Pod[] = [];
  let needsFlush = false;
  for (const p of pods) {
    if (!untracked(p) || toRelease.length >= MAX_PODS_PER_SYNC) continue;
    const failedPod = isPodFailed(p, job);
    if (!job.metadata.deletionTimestamp && !finished && p.status?.phase !== 'Succeeded' && !failedPod) continue;
    toRelease.push(p);
    const pu = p.metadata.uid;
    if (p.status?.phase === 'Succeeded' && !tally.uncountedFailed.has(pu)) {
      if (indexed) {
        const ix = completionIndex(p);
        if (ix !== undefined && ix < completions && !tally.completed.has(ix)) {
          tally.completed.add(ix);
          needsFlush = true;
        }
      } else if (!tally.uncountedSucceeded.has(pu)) {
        tally.uncountedSucceeded.add(pu);
        needsFlush = true;
      }
    } else if ((failedPod && counts(p)) || (!failedPod && finished && !successful)) {
      const ix = completionIndex(p);
      if (!tally.uncountedFailed.has(pu) && (!indexed || (ix !== undefined && ix < completions))) {
        tally.uncountedFailed.add(pu);
        needsFlush = true;
      }
    }
  }
  return { toRelease, needsFlush };
}

/** Uncounted pods whose finalizer is gone (released now, or before) move into the succeeded and failed counts. */
export function countReleased(tally: Tally, pods: Pod[], untracked: (p: Pod) => boolean, released: Set<string>): void {
  const stillTracked = new Set(
    pods.filter((p) => untracked(p) && !released.has(p.metadata.uid)).map((p) => p.metadata.uid),
  );
  for (const u of [...tally.uncountedSucceeded]) {
    if (stillTracked.has(u)) continue;
    tally.uncountedSucceeded.delete(u);
    tally.succeeded++;
  }
  for (const u of [...tally.uncountedFailed]) {
    if (stillTracked.has(u)) continue;
    tally.uncountedFailed.delete(u);
    tally.failed++;
  }
}
