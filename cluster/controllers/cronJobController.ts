// The CronJob controller: starts a Job from the CronJob's template at each scheduled time on the cluster clock
// (in spec.timeZone), honouring startingDeadlineSeconds, concurrencyPolicy (Allow, Forbid, Replace) and suspend,
// keeps status.active, lastScheduleTime and lastSuccessfulTime, and deletes finished Jobs beyond the history limits.
import type { CronJob as CronJobObject, CronJobSpec, Job as JobObject, JobSpec } from 'kubernetes-types/batch/v1';
import type { ObjectReference } from 'kubernetes-types/core/v1';
import { controllerRef } from './kit/claims';
import type { Live } from './kit/objects';
import { KubeObject, deepClone, deepEqual } from '../../kube/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { Informer } from '../../kubeclient/informer';
import { timestamp, Timer } from '../clock';
import { Controller, ControllerContext } from './controllerContext';
import { EventRecorder } from './events';
import { WorkQueue } from './workQueue';
import { finishedCondition, hasTrueCondition } from './job/conditions';
import {
  formatInZone,
  isKnownTimeZone,
  jobNameFor,
  mostRecentScheduleTime,
  parseSchedule,
  rfc1123z,
  Schedule,
} from './job/cronSchedule';
import { LatestObjects } from './kit/latestObjects';

/** Annotation with the time a Job was scheduled for, in the CronJob's time zone. */
export const SCHEDULED_TIMESTAMP_ANNOTATION = 'batch.kubernetes.io/cronjob-scheduled-timestamp';
/** Started a little after the scheduled time, so the clock has certainly reached it. */
const NEXT_SCHEDULE_DELTA_MS = 100;
const CRONJOB_KIND = { apiVersion: 'batch/v1', kind: 'CronJob' };

type Job = Live<JobObject>;
// a stored CronJob always has a spec (validation requires the schedule and job template)
type CronJob = Live<CronJobObject> & { spec: CronJobSpec };

function cronJobRefOf(job: Job): { name: string; uid: string } | undefined {
  const ref = (job.metadata?.ownerReferences ?? []).find((r) => r?.controller === true);
  return ref && ref.kind === 'CronJob' && String(ref.apiVersion ?? '').startsWith('batch/') ? ref : undefined;
}

function jobKey(job: KubeObject): string {
  return `${job.metadata.namespace}/${job.metadata.name}`;
}

function jobReference(job: Job): ObjectReference {
  return {
    kind: 'Job',
    namespace: job.metadata.namespace,
    name: job.metadata.name,
    uid: job.metadata.uid,
    apiVersion: 'batch/v1',
    resourceVersion: job.metadata.resourceVersion,
  };
}

/** The kubectl word for how a finished Job ended ("Complete", "Failed"). */
function finishedType(job: Job): string {
  return finishedCondition(job)?.type ?? '';
}

/** Oldest first by start time; Jobs that never started last; equal times by name. */
function byStartTime(a: Job, b: Job): number {
  const sa = a.status?.startTime;
  const sb = b.status?.startTime;
  if (!sa && sb) return 1;
  if (sa && !sb) return -1;
  if (sa && sb && sa !== sb) return Date.parse(sa) - Date.parse(sb);
  return String(a.metadata.name).localeCompare(String(b.metadata.name));
}

export class CronJobController implements Controller {
  readonly name = 'cronjob-controller';
  private ctx!: ControllerContext;
  private cronJobs!: Informer;
  private jobs!: Informer;
  private recorder!: EventRecorder;
  private queue!: WorkQueue;
  private ready = false;
  private readonly latest = new LatestObjects();
  /** Jobs each CronJob controls, by CronJob uid */
  private readonly jobsByCronJob = new Map<string, Map<string, Job>>();
  /** Jobs this controller created whose status.active entry may not be written yet, by CronJob uid */
  private readonly created = new Map<string, Set<string>>();
  private readonly timers = new Map<string, Timer>();

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.recorder = ctx.recorder('cronjob-controller');
    this.cronJobs = ctx.informers.get('batch', 'cronjobs');
    this.jobs = ctx.informers.get('batch', 'jobs');
    this.queue = new WorkQueue((key) => this.sync(key), 4);
    this.cronJobs.on({
      add: (cj) => this.enqueue(cj),
      update: (cj) => this.enqueue(cj),
      delete: (cj) => this.cronJobGone(cj),
    });
    this.jobs.on({
      add: (j) => this.jobChanged(j),
      update: (j, old) => this.jobChanged(j, old),
      delete: (j) => this.jobGone(j),
    });
    await Promise.all([this.cronJobs.waitForSync(), this.jobs.waitForSync()]);
    for (const j of this.jobs.list()) this.index(j);
    this.ready = true;
    for (const cj of this.cronJobs.list()) this.enqueue(cj);
  }

  stop(): void {
    this.queue?.stop();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  // ---- informer events ----

  private enqueue(cj: CronJob): void {
    if (this.ready) this.queue.add(jobKey(cj));
  }

  private cronJobGone(cj: CronJob): void {
    const key = jobKey(cj);
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
    this.latest.forget(cj.metadata.namespace ?? '', cj.metadata.name);
    this.created.delete(cj.metadata.uid);
  }

  private index(job: Job, old?: Job): void {
    const oldRef = old && cronJobRefOf(old);
    const ref = cronJobRefOf(job);
    if (oldRef && oldRef.uid !== ref?.uid) this.jobsByCronJob.get(oldRef.uid)?.delete(jobKey(old));
    if (!ref) return;
    let m = this.jobsByCronJob.get(ref.uid);
    if (!m) this.jobsByCronJob.set(ref.uid, (m = new Map()));
    m.set(jobKey(job), job);
  }

  private jobChanged(job: Job, old?: Job): void {
    this.index(job, old);
    const ref = cronJobRefOf(job);
    if (!this.ready) return;
    if (ref) this.queue.add(`${job.metadata.namespace}/${ref.name}`);
    const oldRef = old && cronJobRefOf(old);
    if (oldRef && oldRef.uid !== ref?.uid) this.queue.add(`${old.metadata.namespace}/${oldRef.name}`);
  }

  private jobGone(job: Job): void {
    const ref = cronJobRefOf(job);
    if (!ref) return;
    const m = this.jobsByCronJob.get(ref.uid);
    m?.delete(jobKey(job));
    if (m && !m.size) this.jobsByCronJob.delete(ref.uid);
    this.created.get(ref.uid)?.delete(job.metadata.uid);
    if (this.ready) this.queue.add(`${job.metadata.namespace}/${ref.name}`);
  }

  /** Syncs the CronJob again after ms of cluster time. */
  private requeueAfter(key: string, ms: number): void {
    this.timers.get(key)?.cancel();
    this.timers.set(
      key,
      this.ctx.clock.after(Math.max(0, ms), () => {
        this.timers.delete(key);
        this.queue.add(key);
      }),
    );
  }

  // ---- the sync ----

  private async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const cached = this.cronJobs.get(namespace, name);
    if (!cached) return;
    const cj: CronJob = deepClone(this.latest.pick(cached));
    // events name their object by kind
    cj.apiVersion ??= 'batch/v1';
    cj.kind ??= 'CronJob';
    const uid: string = cj.metadata.uid;
    const before = deepClone(cj.status ?? {});
    cj.status ??= {};
    const jobs = [...(this.jobsByCronJob.get(uid)?.values() ?? [])];

    await this.reconcileActive(cj, jobs);
    let nextIn: number | undefined;
    if (!cj.metadata.deletionTimestamp) nextIn = await this.schedule(key, cj);
    if (!deepEqual(cj.status, before)) await this.writeStatus(key, cj);
    if (!cj.metadata.deletionTimestamp) await this.cleanupFinishedJobs(cj, jobs);
    if (nextIn !== undefined) this.requeueAfter(key, nextIn);
  }

  /** Brings status.active in line with the Jobs that exist: finished ones leave it, missing ones too. */
  private async reconcileActive(cj: CronJob, jobs: Job[]): Promise<void> {
    const status = (cj.status ??= {});
    let active: ObjectReference[] = status.active ?? [];
    const inActive = (uid: string) => active.some((r) => r.uid === uid);
    const children = new Set<string>();
    for (const job of jobs) {
      children.add(job.metadata.uid);
      const found = inActive(job.metadata.uid);
      // once the status lists it, the Job no longer needs remembering as ours
      if (found) this.created.get(cj.metadata.uid)?.delete(job.metadata.uid);
      const finished = hasTrueCondition(job, 'Complete') || hasTrueCondition(job, 'Failed');
      if (!found && !finished) {
        if (!this.created.get(cj.metadata.uid)?.has(job.metadata.uid)) {
          // made by someone else (kubectl create job --from=cronjob/...), or our status write was lost
          this.recorder.record(
            cj,
            'Warning',
            'UnexpectedJob',
            `Saw a job that the controller did not create or forgot: ${job.metadata.name}`,
          );
        }
      } else if (found && finished) {
        active = active.filter((r) => r.uid !== job.metadata.uid);
        this.recorder.record(
          cj,
          'Normal',
          'SawCompletedJob',
          `Saw completed job: ${job.metadata.name}, condition: ${finishedType(job)}`,
        );
      }
      if (found && hasTrueCondition(job, 'Complete')) {
        const finishedAt = job.status?.completionTime ?? finishedCondition(job)?.lastTransitionTime;
        if (
          finishedAt &&
          (!status.lastSuccessfulTime || Date.parse(status.lastSuccessfulTime) < Date.parse(finishedAt))
        )
          status.lastSuccessfulTime = finishedAt;
      }
    }
    // an active reference without a Job in the cache: the cache may lag behind a Job just created, so ask
    for (const ref of [...active]) {
      if (ref.uid && children.has(ref.uid)) continue;
      try {
        const job = await this.ctx.client.get(
          resourcePath(this.jobs.info, ref.namespace ?? cj.metadata.namespace, ref.name),
        );
        if (job.metadata.uid === ref.uid) continue;
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 404)) throw e;
      }
      this.recorder.record(cj, 'Normal', 'MissingJob', `Active job went missing: ${ref.name}`);
      active = active.filter((r) => r.uid !== ref.uid);
    }
    if (active.length) status.active = active;
    else delete status.active;
  }

  /** Starts the Job that is due, if any; returns how long until the CronJob should be looked at again. */
  private async schedule(key: string, cj: CronJob): Promise<number | undefined> {
    const spec = cj.spec ?? {};
    const status = (cj.status ??= {});
    const timeZone: string | undefined = spec.timeZone ?? undefined;
    if (timeZone && !isKnownTimeZone(timeZone)) {
      this.recorder.record(
        cj,
        'Warning',
        'UnknownTimeZone',
        `invalid timeZone: "${timeZone}": unknown time zone ${timeZone}`,
      );
      return undefined;
    }
    if (spec.suspend === true) return undefined;
    let sched: Schedule;
    try {
      sched = parseSchedule(String(spec.schedule ?? ''), timeZone);
    } catch (e) {
      this.recorder.record(
        cj,
        'Warning',
        'UnparseableSchedule',
        `unparseable schedule: "${spec.schedule}" : ${(e as Error).message}`,
      );
      return undefined;
    }
    const now = this.ctx.clock.now();
    const due = mostRecentScheduleTime(cj, now, sched, true);
    const untilNext = () => {
      const next = mostRecentScheduleTime(cj, now, sched, false);
      return sched.next(next.after) + NEXT_SCHEDULE_DELTA_MS - now;
    };
    if (due.tooMany) {
      this.recorder.record(
        cj,
        'Warning',
        'TooManyMissedTimes',
        'too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew',
      );
    }
    if (due.scheduled === undefined) return untilNext();
    const scheduled = due.scheduled;
    const sds = spec.startingDeadlineSeconds;
    if (typeof sds === 'number' && scheduled + sds * 1000 < now) {
      this.recorder.record(
        cj,
        'Warning',
        'MissSchedule',
        `Missed scheduled time to start a job: ${rfc1123z(scheduled)}`,
      );
      return untilNext();
    }
    const name = jobNameFor(cj.metadata.name, scheduled);
    const active: ObjectReference[] = status.active ?? [];
    if (
      active.some((r) => r.name === name) ||
      (status.lastScheduleTime && Date.parse(status.lastScheduleTime) === scheduled)
    )
      return untilNext();
    if (spec.concurrencyPolicy === 'Forbid' && active.length > 0) {
      // the run is not skipped for good: it starts as soon as the running Job finishes, if still due then
      this.recorder.record(
        cj,
        'Normal',
        'JobAlreadyActive',
        'Not starting job because prior execution is running and concurrency policy is Forbid',
      );
      return untilNext();
    }
    if (spec.concurrencyPolicy === 'Replace') {
      for (const ref of [...active]) {
        await this.deleteJob(cj, ref.namespace ?? cj.metadata.namespace ?? '', ref.name!, ref.uid);
        status.active = (status.active ?? []).filter((r) => r.uid !== ref.uid);
      }
      if (!status.active?.length) delete status.active;
    }

    const job = this.jobFromTemplate(cj, scheduled, timeZone);
    let created: Job;
    let fresh = true;
    try {
      created = await this.ctx.client.create(resourcePath(this.jobs.info, cj.metadata.namespace), job);
    } catch (e) {
      fresh = false;
      if (e instanceof KubeApiError && e.status === 409) {
        // already made for this time (a status write was lost): take it over if it is ours
        const existing = await this.ctx.client
          .get(resourcePath(this.jobs.info, cj.metadata.namespace, name))
          .catch(() => undefined);
        if (!existing || cronJobRefOf(existing)?.uid !== cj.metadata.uid) return untilNext();
        created = existing;
      } else if (e instanceof KubeApiError && e.status === 403 && /being terminated/i.test(e.message)) {
        return undefined;
      } else {
        this.recorder.record(cj, 'Warning', 'FailedCreate', `Error creating job: ${(e as Error).message}`);
        throw e;
      }
    }
    let mine = this.created.get(cj.metadata.uid);
    if (!mine) this.created.set(cj.metadata.uid, (mine = new Set()));
    mine.add(created.metadata.uid);
    if (fresh) this.recorder.record(cj, 'Normal', 'SuccessfulCreate', `Created job ${created.metadata.name}`);
    status.active = [...(status.active ?? []).filter((r) => r.uid !== created.metadata.uid), jobReference(created)];
    status.lastScheduleTime = timestamp(scheduled);
    return untilNext();
  }

  private jobFromTemplate(cj: CronJob, scheduled: number, timeZone?: string): JobObject {
    const template = cj.spec?.jobTemplate ?? {};
    const annotations = {
      ...(template.metadata?.annotations ?? {}),
      [SCHEDULED_TIMESTAMP_ANNOTATION]: formatInZone(scheduled, timeZone),
    };
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: {
        name: jobNameFor(cj.metadata.name, scheduled),
        namespace: cj.metadata.namespace,
        ...(template.metadata?.labels ? { labels: { ...template.metadata.labels } } : {}),
        annotations,
        ownerReferences: [controllerRef(cj, CRONJOB_KIND)],
      },
      // an empty template spec stays empty: validation names what is missing
      spec: deepClone(template.spec ?? ({} as JobSpec)),
    };
  }

  /** Deletes a Job with its pods in the background, and says so on the CronJob. */
  private async deleteJob(cj: CronJob, namespace: string, name: string, uid?: string): Promise<void> {
    try {
      await this.ctx.client.delete(resourcePath(this.jobs.info, namespace, name), {
        propagationPolicy: 'Background',
        ...(uid ? { preconditions: { uid } } : {}),
      });
    } catch (e) {
      if (e instanceof KubeApiError && (e.status === 404 || e.status === 409)) return;
      this.recorder.record(cj, 'Warning', 'FailedDelete', `Deleted job: ${(e as Error).message}`);
      throw e;
    }
    this.recorder.record(cj, 'Normal', 'SuccessfulDelete', `Deleted job ${name}`);
  }

  /** Keeps the newest successfulJobsHistoryLimit Complete and failedJobsHistoryLimit Failed Jobs. */
  private async cleanupFinishedJobs(cj: CronJob, jobs: Job[]): Promise<void> {
    const spec = cj.spec ?? {};
    const limits: [string, number | undefined][] = [
      ['Complete', typeof spec.successfulJobsHistoryLimit === 'number' ? spec.successfulJobsHistoryLimit : undefined],
      ['Failed', typeof spec.failedJobsHistoryLimit === 'number' ? spec.failedJobsHistoryLimit : undefined],
    ];
    for (const [type, limit] of limits) {
      if (limit === undefined) continue;
      const finished = jobs.filter((j) => hasTrueCondition(j, type) && !j.metadata.deletionTimestamp).sort(byStartTime);
      for (const job of finished.slice(0, Math.max(0, finished.length - limit))) {
        await this.deleteJob(cj, job.metadata.namespace ?? '', job.metadata.name, job.metadata.uid);
      }
    }
  }

  private async writeStatus(key: string, cj: CronJob): Promise<void> {
    const { namespace, name } = cj.metadata;
    const updated = await this.ctx.client.update(resourcePath(this.cronJobs.info, namespace, name, 'status'), cj);
    cj.metadata.resourceVersion = updated.metadata.resourceVersion;
    this.latest.observed(updated);
  }
}
