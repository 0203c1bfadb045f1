// Job conditions as the Job controller of Kubernetes 1.34 writes them: an interim condition (SuccessCriteriaMet,
// FailureTarget) as soon as the outcome is known, then the terminal one (Complete, Failed) once every pod is done.
import type { Job } from 'kubernetes-types/batch/v1';
import { timestamp } from '../../clock';

export interface JobCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
}

/** A Job as far as its conditions go (kubernetes-types reads a condition's status as any string). */
export type JobLike = Pick<Job, 'status'>;

export const COMPLETIONS_REACHED = {
  reason: 'CompletionsReached',
  message: 'Reached expected number of succeeded pods',
};
export const BACKOFF_LIMIT_EXCEEDED = {
  reason: 'BackoffLimitExceeded',
  message: 'Job has reached the specified backoff limit',
};
export const DEADLINE_EXCEEDED = {
  reason: 'DeadlineExceeded',
  message: 'Job was active longer than specified deadline',
};

export function newCondition(
  type: string,
  status: JobCondition['status'],
  reason: string,
  message: string,
  now: number,
): JobCondition {
  const t = timestamp(now);
  return { type, status, reason, message, lastProbeTime: t, lastTransitionTime: t };
}

export function findCondition(conditions: JobCondition[] | undefined, type: string): JobCondition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}

export function hasTrueCondition(job: JobLike, type: string): boolean {
  return findCondition(job.status?.conditions as JobCondition[] | undefined, type)?.status === 'True';
}

/** Complete or Failed: nothing more happens to the Job. */
export function isJobFinished(job: JobLike): boolean {
  return hasTrueCondition(job, 'Complete') || hasTrueCondition(job, 'Failed');
}

/** The terminal condition, if any (its transition time is when the Job finished). */
export function finishedCondition(job: JobLike): JobCondition | undefined {
  return ((job.status?.conditions ?? []) as JobCondition[]).find(
    (c) => (c.type === 'Complete' || c.type === 'Failed') && c.status === 'True',
  );
}

/**
 * Sets a condition's status, reason and message; the transition time moves only when the status changes.
 * Returns whether anything changed. A missing condition with status False is not added.
 */
export function ensureCondition(
  conditions: JobCondition[],
  type: string,
  status: JobCondition['status'],
  reason: string,
  message: string,
  now: number,
): boolean {
  const existing = findCondition(conditions, type);
  if (!existing) {
    if (status === 'False') return false;
    conditions.push(newCondition(type, status, reason, message, now));
    return true;
  }
  if (existing.status === status && existing.reason === reason && existing.message === message) return false;
  if (existing.status !== status) existing.lastTransitionTime = timestamp(now);
  existing.status = status;
  existing.reason = reason;
  existing.message = message;
  existing.lastProbeTime = timestamp(now);
  return true;
}
