// CronJob schedules: the five-field cron syntax and the standard macros (@yearly, @annually, @monthly, @weekly,
// @daily, @midnight, @hourly, @every <duration>) read with cron-parser in the CronJob's time zone (UTC when unset),
// and the CronJob controller's view of which start times are due.
import type { CronJob } from 'kubernetes-types/batch/v1';
import { CronExpressionParser } from 'cron-parser';

export interface Schedule {
  /** the first start time strictly after t (ms since the epoch) */
  next(t: number): number;
  /** the last start time after `after` and at or before `now`, if there is one */
  latest(after: number, now: number): number | undefined;
}

const MACROS: Record<string, string> = {
  '@yearly': '0 0 1 1 *',
  '@annually': '0 0 1 1 *',
  '@monthly': '0 0 1 * *',
  '@weekly': '0 0 * * 0',
  '@daily': '0 0 * * *',
  '@midnight': '0 0 * * *',
  '@hourly': '0 * * * *',
};

const UNITS_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration ("1h30m", "90s", "2.5h") in milliseconds. */
export function parseGoDuration(text: string): number {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  let total = 0;
  let matched = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    total += Number(m[1]) * UNITS_MS[m[2]];
    matched = re.lastIndex;
  }
  if (!text || matched !== text.length) throw new Error(`time: invalid duration "${text}"`);
  return total;
}

/** Whether a time zone name is known (IANA names, as Go's time.LoadLocation reads them). */
export function isKnownTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Parses a CronJob schedule; throws with a message for the UnparseableSchedule event. */
export function parseSchedule(schedule: string, timeZone?: string): Schedule {
  const text = schedule.trim();
  const every = /^@every\s+(\S+)$/.exec(text);
  if (every) {
    // a constant delay, rounded to whole seconds and at least one second
    const delay = Math.max(1000, Math.floor(parseGoDuration(every[1]) / 1000) * 1000);
    const next = (t: number) => Math.floor(t / 1000) * 1000 + delay;
    return {
      next,
      latest(after: number, now: number) {
        const first = next(after);
        return first > now ? undefined : first + Math.floor((now - first) / delay) * delay;
      },
    };
  }
  let expr = text;
  if (text.startsWith('@')) {
    expr = MACROS[text];
    if (!expr) throw new Error(`unrecognized descriptor: ${text}`);
  }
  const fields = expr.split(/\s+/);
  if (fields.length !== 5) throw new Error(`expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`);
  const tz = timeZone || 'UTC';
  if (!isKnownTimeZone(tz)) throw new Error(`unknown time zone ${tz}`);
  // parsing once up front reports a bad expression now rather than at the first start time
  CronExpressionParser.parse(expr, { tz, currentDate: new Date(0) });
  return {
    next(t: number): number {
      return CronExpressionParser.parse(expr, { tz, currentDate: new Date(t) })
        .next()
        .getTime();
    },
    latest(after: number, now: number) {
      // prev() looks strictly before its start: start just after now so a start time of exactly now counts
      const t = CronExpressionParser.parse(expr, { tz, currentDate: new Date(now + 1) })
        .prev()
        .getTime();
      return t > after ? t : undefined;
    },
  };
}

export interface DueTime {
  /** the latest start time at or before now that has not been started, if any */
  scheduled?: number;
  /** more than 100 start times were missed */
  tooMany: boolean;
  /** the time the next start is after: the last due time, or the earliest time considered */
  after: number;
}

/**
 * The most recent start time that is due: after the last schedule time (or the CronJob's creation), not before
 * now minus startingDeadlineSeconds when includeDeadline, and not after now.
 */
export function mostRecentScheduleTime(
  cronJob: CronJob,
  now: number,
  schedule: Schedule,
  includeDeadline: boolean,
): DueTime {
  let earliest = Date.parse(cronJob.status?.lastScheduleTime ?? cronJob.metadata?.creationTimestamp ?? '');
  if (Number.isNaN(earliest)) earliest = now;
  const sds = cronJob.spec?.startingDeadlineSeconds;
  if (includeDeadline && typeof sds === 'number') earliest = Math.max(earliest, now - sds * 1000);
  const latest = schedule.latest(earliest, now);
  if (latest === undefined) return { tooMany: false, after: earliest };
  // count missed start times only as far as needed to tell whether there were more than 100
  let count = 0;
  for (let t = schedule.next(earliest); t <= now && count <= 100; t = schedule.next(t)) count++;
  return { scheduled: latest, tooMany: count > 100, after: latest };
}

/** Job names carry the scheduled time in minutes since the epoch, as Kubernetes names them. */
export function jobNameFor(cronJobName: string, scheduled: number): string {
  return `${cronJobName}-${Math.floor(scheduled / 60_000)}`;
}

/** RFC 3339 in the given time zone, with its offset ("2024-05-01T09:00:00+02:00"; "Z" for UTC). */
export function formatInZone(ms: number, timeZone?: string): string {
  const tz = timeZone || 'UTC';
  if (tz === 'UTC' || tz === 'Etc/UTC') return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    })
      .formatToParts(new Date(ms))
      .map((p) => [p.type, p.value]),
  );
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offsetMin = Math.round((local - Math.floor(ms / 1000) * 1000) / 60_000);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const offset =
    offsetMin === 0
      ? 'Z'
      : `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 1123 with a numeric zone, in UTC ("Mon, 02 Jan 2006 15:04:05 +0000"), as the MissSchedule event shows it. */
export function rfc1123z(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
