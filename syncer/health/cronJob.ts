// CronJob: suspended, or whether its last scheduled run succeeded.
import type { CronJob, CronJobStatus } from 'kubernetes-types/batch/v1';
import { Health } from './types';

/** Suspended, Degraded when the last scheduled Job did not succeed, else Healthy. */
export function cronJobHealth(live: CronJob): Health {
  if (live.spec?.suspend === true) return { status: 'Suspended', message: 'CronJob is suspended' };
  const status: CronJobStatus = live.status ?? {};
  const active = Array.isArray(status.active) ? status.active.length : 0;
  const scheduled = Date.parse(status.lastScheduleTime ?? '');
  const succeeded = Date.parse(status.lastSuccessfulTime ?? '');
  // a run that is over (none active) and finished after no success since it was scheduled failed
  if (!active && !Number.isNaN(scheduled) && (Number.isNaN(succeeded) || succeeded < scheduled)) {
    return { status: 'Degraded', message: `the Job scheduled at ${status.lastScheduleTime} did not succeed` };
  }
  if (active) return { status: 'Healthy', message: `${active} Job${active > 1 ? 's' : ''} running` };
  if (Number.isNaN(scheduled)) return { status: 'Healthy', message: 'CronJob has not been scheduled yet' };
  return { status: 'Healthy', message: `last run succeeded at ${status.lastSuccessfulTime}` };
}
