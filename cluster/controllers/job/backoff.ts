// Back-off between a Job's pod retries: 10 s after the first failure since the last success, doubling per
// further failure, at most 6 minutes, measured from the last failure on the cluster clock.

export const DEFAULT_POD_FAILURE_BACKOFF_MS = 10_000;
export const MAX_POD_FAILURE_BACKOFF_MS = 6 * 60_000;

export interface BackoffRecord {
  failuresAfterLastSuccess: number;
  lastFailureTime?: number;
}

/** Folds newly counted pods (their finish times) into a Job's record. */
export function nextBackoffRecord(prev: BackoffRecord, succeededAt: number[], failedAt: number[]): BackoffRecord {
  if (!succeededAt.length && !failedAt.length) return prev;
  const lastFailure = failedAt.length ? Math.max(...failedAt) : undefined;
  if (succeededAt.length) {
    const lastSuccess = Math.max(...succeededAt);
    const after = failedAt.filter((t) => t > lastSuccess);
    return { failuresAfterLastSuccess: after.length, lastFailureTime: after.length ? Math.max(...after) : undefined };
  }
  return {
    failuresAfterLastSuccess: prev.failuresAfterLastSuccess + failedAt.length,
    lastFailureTime: Math.max(prev.lastFailureTime ?? 0, lastFailure ?? 0),
  };
}

/** Milliseconds still to wait before a replacement pod may be created. */
export function remainingBackoff(rec: BackoffRecord, now: number): number {
  if (!rec.failuresAfterLastSuccess || rec.lastFailureTime === undefined) return 0;
  let delay = DEFAULT_POD_FAILURE_BACKOFF_MS;
  for (let i = 1; i < rec.failuresAfterLastSuccess && delay < MAX_POD_FAILURE_BACKOFF_MS; i++) delay *= 2;
  delay = Math.min(delay, MAX_POD_FAILURE_BACKOFF_MS);
  const elapsed = now - rec.lastFailureTime;
  return elapsed >= delay ? 0 : delay - elapsed;
}
