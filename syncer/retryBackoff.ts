// When a failed sync is tried again: exponential back-off as Argo CD's default (5 s doubling up to 3 min). The
// attempt's history entry counts its retries, so the schedule survives a restart of the syncer; a new commit is a
// new entry, which starts the back-off over.
import { HistoryEntry } from '../kube/application';

export interface Backoff {
  initialMs: number;
  maxMs: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 5_000, maxMs: 180_000 };

/** The time (ms since the epoch) at which the failed attempt `entry` is due to be tried again. */
export function nextRetryTime(entry: HistoryEntry, backoff: Backoff = DEFAULT_BACKOFF): number {
  const delay = Math.min(backoff.initialMs * 2 ** Math.min(entry.retries ?? 0, 30), backoff.maxMs);
  return Date.parse(entry.finishedAt ?? entry.startedAt) + delay;
}
