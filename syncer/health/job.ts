// Job: finished well, failed, suspended or still running.
import { conditionOf, count } from './conditions';
import type { Job, JobStatus } from 'kubernetes-types/batch/v1';
import { Health } from './types';

/** Degraded when Failed, Healthy when Complete, Suspended, else Progressing with its pod counts. */
export function jobHealth(live: Job): Health {
  const failed = conditionOf(live, 'Failed');
  if (failed?.status === 'True')
    return { status: 'Degraded', message: failed.message || failed.reason || 'Job failed' };
  const complete = conditionOf(live, 'Complete');
  if (complete?.status === 'True') return { status: 'Healthy', message: complete.message || 'Job completed' };
  if (live.spec?.suspend === true) return { status: 'Suspended', message: 'Job is suspended' };
  const s: JobStatus = live.status ?? {};
  return {
    status: 'Progressing',
    message: `Job is running: ${count(s.active)} active, ${count(s.succeeded)} succeeded, ${count(s.failed)} failed`,
  };
}
