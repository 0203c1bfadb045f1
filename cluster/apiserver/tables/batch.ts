// Job and CronJob rows.

import type { CronJob, Job } from 'kubernetes-types/batch/v1';
import { containerCells, humanDuration, int, parseTime, since } from './format';
import { AGE_COLUMN, column, CONTAINERS_COLUMN, IMAGES_COLUMN, NAME_COLUMN, printer, SELECTOR_COLUMN } from './types';
import { selectorText } from './workloads';

function hasCondition(o: Job, type: string): boolean {
  return (o.status?.conditions ?? []).some((c) => c?.type === type && c?.status === 'True');
}

/** Complete and Failed win over everything; a deleted job that has not finished is Terminating. */
export function jobStatus(o: Job): string {
  if (hasCondition(o, 'Complete')) return 'Complete';
  if (hasCondition(o, 'Failed')) return 'Failed';
  if (o.metadata?.deletionTimestamp) return 'Terminating';
  if (hasCondition(o, 'Suspended')) return 'Suspended';
  if (hasCondition(o, 'FailureTarget')) return 'FailureTarget';
  if (hasCondition(o, 'SuccessCriteriaMet')) return 'SuccessCriteriaMet';
  return 'Running';
}

function completions(o: Job): string {
  const succeeded = int(o.status?.succeeded);
  if (typeof o.spec?.completions === 'number') return `${succeeded}/${o.spec.completions}`;
  const parallelism = int(o.spec?.parallelism);
  return parallelism > 1 ? `${succeeded}/1 of ${parallelism}` : `${succeeded}/1`;
}

function duration(o: Job, now: Date): string {
  const start = parseTime(o.status?.startTime);
  if (!start) return '';
  const end = parseTime(o.status?.completionTime) ?? now;
  return humanDuration(end.getTime() - start.getTime());
}

export const jobPrinter = printer<Job>({
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Current state of the job.'),
    column('Completions', 'string', 'Succeeded pods out of the completions wanted.'),
    column('Duration', 'string', 'How long the job ran, or has been running.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    jobStatus(o),
    completions(o),
    duration(o, now),
    since(o.metadata?.creationTimestamp, now),
    ...containerCells(o.spec?.template?.spec?.containers),
    selectorText(o.spec?.selector),
  ],
});

function boolText(v: unknown): string {
  return typeof v === 'boolean' ? (v ? 'True' : 'False') : '<unset>';
}

export const cronJobPrinter = printer<CronJob>({
  columns: [
    NAME_COLUMN,
    column('Schedule', 'string', 'Cron schedule the jobs are started on.'),
    column('Timezone', 'string', 'Time zone the schedule is read in.'),
    column('Suspend', 'boolean', 'Whether new runs are suspended.'),
    column('Active', 'integer', 'Jobs currently running.'),
    column('Last Schedule', 'string', 'Time since a job was last scheduled.'),
    AGE_COLUMN,
    CONTAINERS_COLUMN,
    IMAGES_COLUMN,
    SELECTOR_COLUMN,
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    String(o.spec?.schedule ?? ''),
    o.spec?.timeZone ?? '<none>',
    boolText(o.spec?.suspend),
    Array.isArray(o.status?.active) ? o.status.active.length : 0,
    o.status?.lastScheduleTime ? since(o.status.lastScheduleTime, now) : '<none>',
    since(o.metadata?.creationTimestamp, now),
    ...containerCells(o.spec?.jobTemplate?.spec?.template?.spec?.containers),
    selectorText(o.spec?.jobTemplate?.spec?.selector),
  ],
});
