// How the Job controller reads a pod: active, terminating, finished, ready, its completion index and when it
// finished, following the Job controller's own rules. Active and Ready are the kit's (podReadiness.ts).
import type { Job } from 'kubernetes-types/batch/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { isPodReady } from '../kit/podReadiness';

/** Keeps a finished pod until the Job controller has counted it in the Job's status. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
/** The completion index of a pod of an Indexed Job (annotation and label). */
export const COMPLETION_INDEX = 'batch.kubernetes.io/job-completion-index';

export function isTerminal(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** Being deleted but not finished yet. */
export function isTerminating(pod: Pod): boolean {
  return !!pod.metadata?.deletionTimestamp && !isTerminal(pod);
}

export function hasTrackingFinalizer(pod: Pod): boolean {
  return (pod.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
}

/**
 * A failed pod counts against the back-off limit. Unless only Failed pods are replaced, a pod deleted before it
 * succeeded counts as failed too: it may never reach the Failed phase.
 */
export function isPodFailed(pod: Pod, job: Job): boolean {
  if (pod.status?.phase === 'Failed') return true;
  if (job.spec?.podFailurePolicy || job.spec?.podReplacementPolicy === 'Failed') return false;
  return !!pod.metadata?.deletionTimestamp && pod.status?.phase !== 'Succeeded';
}

/** Sum of container restarts of a pod still running or pending (what backoffLimit counts for OnFailure). */
export function restartCount(pod: Pod): number {
  const phase = pod.status?.phase;
  if (phase !== 'Running' && phase !== 'Pending') return 0;
  let n = 0;
  for (const s of [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])])
    n += Number(s?.restartCount) || 0;
  return n;
}

/** The completion index of an Indexed Job's pod, or undefined when missing or malformed. */
export function completionIndex(pod: Pod): number | undefined {
  const raw = pod.metadata?.annotations?.[COMPLETION_INDEX] ?? pod.metadata?.labels?.[COMPLETION_INDEX];
  if (typeof raw !== 'string' || !/^(0|[1-9]\d*)$/.test(raw)) return undefined;
  const n = Number(raw);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** When a pod finished: its last container's end, else when its deletion began, else now. */
export function finishedAt(pod: Pod, now: number): number {
  let latest: number | undefined;
  for (const s of pod.status?.containerStatuses ?? []) {
    const t = Date.parse(s?.state?.terminated?.finishedAt ?? '');
    if (!Number.isNaN(t) && (latest === undefined || t > latest)) latest = t;
  }
  if (latest !== undefined) return latest;
  const deletion = Date.parse(pod.metadata?.deletionTimestamp ?? '');
  if (!Number.isNaN(deletion)) return deletion - (Number(pod.metadata?.deletionGracePeriodSeconds) || 0) * 1000;
  return now;
}

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

/**
 * Orders active pods for removal, the first ones to go first: unscheduled before scheduled, pending before
 * running, not ready before ready, more restarts before fewer, newer before older.
 */
export function removalOrder(a: Pod, b: Pod): number {
  const scheduled = (p: Pod) => (p.spec?.nodeName ? 1 : 0);
  if (scheduled(a) !== scheduled(b)) return scheduled(a) - scheduled(b);
  const phase = (p: Pod) => PHASE_RANK[p.status?.phase ?? 'Pending'] ?? 0;
  if (phase(a) !== phase(b)) return phase(a) - phase(b);
  const ready = (p: Pod) => (isPodReady(p) ? 1 : 0);
  if (ready(a) !== ready(b)) return ready(a) - ready(b);
  const restarts = (p: Pod) =>
    (p.status?.containerStatuses ?? []).reduce((n, s) => n + (Number(s?.restartCount) || 0), 0);
  if (restarts(a) !== restarts(b)) return restarts(b) - restarts(a);
  const created = (p: Pod) => Date.parse(p.metadata?.creationTimestamp ?? '') || 0;
  return created(b) - created(a);
}
