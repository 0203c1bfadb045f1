// How a Job's outcome is decided (Kubernetes' syncJob): an interim condition already written (FailureTarget,
// SuccessCriteriaMet) or a podFailurePolicy FailJob rule decides it first; then the back-off limit, then
// activeDeadlineSeconds; success once enough pods succeeded and none is active. The terminal condition
// (Failed, Complete) follows the interim one once every pod is counted.
import type { Job, LivePod as Pod } from '../kit/objects';
import {
  BACKOFF_LIMIT_EXCEEDED,
  COMPLETIONS_REACHED,
  DEADLINE_EXCEEDED,
  JobCondition,
  findCondition,
  newCondition,
} from './conditions';
import { matchPodFailurePolicy } from './podFailurePolicy';
import { isPodFailed, restartCount } from './podState';

/** The outcome an interim condition or a FailJob rule has decided already, if any. */
export function decidedOutcome(
  job: Job,
  conditions: JobCondition[],
  pods: Pod[],
  now: number,
): JobCondition | undefined {
  const target = findCondition(conditions, 'FailureTarget');
  const criteria = findCondition(conditions, 'SuccessCriteriaMet');
  if (target?.status === 'True') return newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', now);
  if (criteria?.status === 'True')
    return newCondition('Complete', 'True', criteria.reason ?? '', criteria.message ?? '', now);
  // with a podFailurePolicy a failed pod may fail the Job at once (FailJob)
  const policy = job.spec.podFailurePolicy;
  if (!policy) return undefined;
  for (const p of pods) {
    const message = isPodFailed(p, job) ? matchPodFailurePolicy(policy, p).failJobMessage : undefined;
    if (message !== undefined) return newCondition('FailureTarget', 'True', 'PodFailurePolicy', message, now);
  }
  return undefined;
}

/** Whether a failed pod counts against backoffLimit (a podFailurePolicy Ignore rule says it does not). */
export function failureCounts(job: Job): (p: Pod) => boolean {
  const policy = job.spec.podFailurePolicy;
  return (p) => !policy || matchPodFailurePolicy(policy, p).count;
}

/**
 * FailureTarget when the back-off limit or the active deadline is passed; otherwise, with a deadline set and
 * the Job running, deadlineInMs says when to look again.
 */
export function limitsPassed(
  job: Job,
  pods: Pod[],
  failed: number,
  now: number,
): { finished?: JobCondition; deadlineInMs?: number } {
  const spec = job.spec;
  const backoffLimit: number = typeof spec.backoffLimit === 'number' ? spec.backoffLimit : 6;
  if (failed > backoffLimit || pastBackoffLimitOnFailure(job, pods, backoffLimit)) {
    const { reason, message } = BACKOFF_LIMIT_EXCEEDED;
    return { finished: newCondition('FailureTarget', 'True', reason, message, now) };
  }
  if (pastActiveDeadline(job, now)) {
    return {
      finished: newCondition('FailureTarget', 'True', DEADLINE_EXCEEDED.reason, DEADLINE_EXCEEDED.message, now),
    };
  }
  const startTime = job.status?.startTime;
  if (typeof spec.activeDeadlineSeconds === 'number' && spec.suspend !== true && startTime)
    return { deadlineInMs: Date.parse(startTime) + spec.activeDeadlineSeconds * 1000 - now };
  return {};
}

/** For restartPolicy OnFailure the back-off limit counts container restarts of pods still running. */
function pastBackoffLimitOnFailure(job: Job, pods: Pod[], limit: number): boolean {
  if (job.spec.template?.spec?.restartPolicy !== 'OnFailure') return false;
  const restarts = pods.reduce((n, p) => n + restartCount(p), 0);
  return limit === 0 ? restarts > 0 : restarts >= limit;
}

function pastActiveDeadline(job: Job, now: number): boolean {
  const ads = job.spec.activeDeadlineSeconds;
  if (typeof ads !== 'number' || !job.status?.startTime || job.spec.suspend === true) return false;
  return now - Date.parse(job.status.startTime) >= ads * 1000;
}

/** SuccessCriteriaMet once enough pods succeeded (any, without completions) and none is active. */
export function successOutcome(job: Job, succeeded: number, active: number, now: number): JobCondition | undefined {
  const completions = typeof job.spec.completions === 'number' ? job.spec.completions : undefined;
  const complete = completions === undefined ? succeeded > 0 && active === 0 : succeeded >= completions && active === 0;
  if (!complete) return undefined;
  return newCondition('SuccessCriteriaMet', 'True', COMPLETIONS_REACHED.reason, COMPLETIONS_REACHED.message, now);
}

/** The terminal condition an interim one leads to (FailureTarget → Failed, SuccessCriteriaMet → Complete). */
export function terminalOf(interim: JobCondition, now: number): JobCondition {
  const type = interim.type === 'FailureTarget' ? 'Failed' : 'Complete';
  return newCondition(type, 'True', interim.reason ?? '', interim.message ?? '', now);
}
