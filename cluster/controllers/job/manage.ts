// How many pods a Job runs (Kubernetes' manageJob): as many as parallelism allows until completions are
// reached; surplus ones (and, Indexed, pods with a missing, completed or duplicate index) are deleted first;
// missing ones are created after the failure back-off, in slow-start batches. Suspended, it runs none.
import { KubeApiError } from '../../../kubeclient/apiError';
import { EventRecorder } from '../events';
import type { Job, LivePod as Pod } from '../kit/objects';
import { BackoffRecord, remainingBackoff } from './backoff';
import { pendingIndexes } from './completedIndexes';
import { MAX_PODS_PER_SYNC } from './finishedPods';
import { JobPodControl } from './podControl';
import { completionIndex, removalOrder } from './podState';
import { Tally, countDeleted } from './status';

export interface ManageContext {
  control: JobPodControl;
  recorder: EventRecorder;
  now: number;
  /** sync the Job again after ms (the back-off before a replacement) */
  syncAfter(ms: number): void;
}

/**
 * Indexed pods that must go: a missing, out of range or completed index, or a duplicate (the best of each
 * index stays). Returns them, the pods left and the indexes those hold.
 */
function indexedSurplus(activePods: Pod[], completed: Set<number>, completions: number) {
  const remove: Pod[] = [];
  const left: Pod[] = [];
  const held = new Set<number>();
  const byIndex = new Map<number, Pod[]>();
  for (const p of activePods) {
    const ix = completionIndex(p);
    if (ix === undefined || ix >= completions || completed.has(ix)) remove.push(p);
    else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
  }
  for (const [ix, group] of byIndex) {
    group.sort(removalOrder);
    remove.push(...group.slice(0, -1));
    left.push(group[group.length - 1]);
    held.add(ix);
  }
  return { remove, left, held };
}

/** Creates or deletes pods so the wanted number runs; one or the other per pass, deletion first. */
export async function manageJob(
  ctx: ManageContext,
  job: Job,
  activePods: Pod[],
  tally: Tally,
  succeeded: number,
  newlyCompleted: Set<number>,
  backoff: BackoffRecord,
): Promise<void> {
  const spec = job.spec;
  if (spec.suspend === true) {
    countDeleted(tally, await ctx.control.deletePods(job, [...activePods].sort(removalOrder), true));
    return;
  }
  const indexed = spec.completionMode === 'Indexed';
  const completions: number | undefined = typeof spec.completions === 'number' ? spec.completions : undefined;
  const parallelism: number = typeof spec.parallelism === 'number' ? spec.parallelism : 1;
  let wantActive: number;
  if (completions === undefined) wantActive = succeeded > 0 ? tally.active : parallelism;
  else wantActive = Math.max(0, Math.min(parallelism, completions - succeeded));

  const done = new Set([...tally.completed, ...newlyCompleted]);
  const { remove, left, held } = indexed
    ? indexedSurplus(activePods, done, completions ?? 0)
    : { remove: [] as Pod[], left: activePods, held: new Set<number>() };
  const rmAtLeast = Math.max(0, tally.active - wantActive);
  if (remove.length < rmAtLeast) remove.push(...[...left].sort(removalOrder).slice(0, rmAtLeast - remove.length));
  if (remove.length) {
    countDeleted(tally, await ctx.control.deletePods(job, remove.slice(0, MAX_PODS_PER_SYNC), true));
    return;
  }

  // Pods being deleted hold their place only when nothing but Failed pods may be replaced.
  const blocking = spec.podReplacementPolicy === 'Failed' ? tally.terminating : 0;
  if (tally.active + blocking >= wantActive) return;
  const wait = remainingBackoff(backoff, ctx.now);
  if (wait > 0) {
    ctx.syncAfter(wait);
    return;
  }
  let diff = Math.min(wantActive - tally.active - blocking, MAX_PODS_PER_SYNC);
  let indexes: number[] | undefined;
  if (indexed) {
    indexes = pendingIndexes(done, held, completions ?? 0, diff);
    diff = indexes.length;
  }
  // slow start: batches of 1, 2, 4, ... so a template the API server rejects fails once, not 500 times
  let created = 0;
  for (let batch = 1; created < diff; batch *= 2) {
    const n = Math.min(batch, diff - created);
    const results = await Promise.allSettled(
      Array.from({ length: n }, (_, i) => ctx.control.createPod(job, indexes?.[created + i])),
    );
    const ok = results.filter((r) => r.status === 'fulfilled').length;
    created += ok;
    tally.active += ok;
    const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failure) {
      const e = failure.reason;
      if (e instanceof KubeApiError && e.status === 403 && /being terminated/i.test(e.message)) return;
      ctx.recorder.record(job, 'Warning', 'FailedCreate', `Error creating: ${e?.message ?? e}`);
      throw e;
    }
  }
}
