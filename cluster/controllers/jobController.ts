// The Job controller: runs a Job's pods until the wanted number of them succeeded (completions, parallelism,
// NonIndexed and Indexed), retries failed pods with back-off up to backoffLimit, enforces activeDeadlineSeconds
// and suspend, and reports status and conditions as Kubernetes 1.34 does. Finished pods are counted through the
// batch.kubernetes.io/job-tracking finalizer: a pod's uid goes into status.uncountedTerminatedPods, then its
// finalizer is removed, then it moves into the succeeded or failed count, so no pod is lost or counted twice.
// This file is the sync loop; the phases live in job/ (outcome, finishedPods, manage, podControl, status).
import { deepClone, deepEqual } from '../../kube/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { Informer } from '../../kubeclient/informer';
import { timestamp, Timer } from '../clock';
import { Controller, ControllerContext } from './controllerContext';
import { EventRecorder } from './events';
import { WorkQueue } from './workQueue';
import { isNotFound } from '../../kubeclient/apiError';
import { Expectations } from './kit/expectations';
import { LatestObjects } from './kit/latestObjects';
import type { Job, LivePod as Pod } from './kit/objects';
import { isPodActive } from './kit/podReadiness';
import { BackoffRecord, nextBackoffRecord } from './job/backoff';
import { ensureCondition, findCondition, isJobFinished, JobCondition } from './job/conditions';
import { countReleased, newlyFinished, podsToCount } from './job/finishedPods';
import { PodsByJob, jobRefOf, podKey } from './job/jobPods';
import { manageJob } from './job/manage';
import { decidedOutcome, failureCounts, limitsPassed, successOutcome, terminalOf } from './job/outcome';
import { JobPodControl } from './job/podControl';
import { hasTrackingFinalizer } from './job/podState';
import { countDeleted, newTally, renderStatus } from './job/status';
import { TtlAfterFinished } from './job/ttlAfterFinished';

const JOB_MANAGER = 'kubernetes.io/job-controller';

export class JobController implements Controller {
  readonly name = 'job-controller';
  private ctx!: ControllerContext;
  private jobs!: Informer;
  private pods!: Informer;
  private recorder!: EventRecorder;
  private control!: JobPodControl;
  private queue!: WorkQueue;
  private orphans!: WorkQueue;
  private ttl!: TtlAfterFinished;
  private ready = false;
  private readonly latest = new LatestObjects();
  private readonly podsByJob = new PodsByJob();
  private readonly backoff = new Map<string, BackoffRecord>();
  private readonly timers = new Map<string, { at: number; timer: Timer }>();

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.recorder = ctx.recorder('job-controller');
    this.jobs = ctx.informers.get('batch', 'jobs');
    this.pods = ctx.informers.pods();
    this.control = new JobPodControl(
      ctx.client,
      this.recorder,
      this.pods,
      new Expectations(() => ctx.clock.now()),
      new Expectations(() => ctx.clock.now()),
      (pods) => this.queueRetry(pods),
    );
    this.queue = new WorkQueue((key) => this.sync(key), 4);
    this.orphans = new WorkQueue((key) => this.releaseOrphan(key), 2);
    this.ttl = new TtlAfterFinished(ctx, this.jobs);
    this.jobs.on({
      add: (j) => this.jobChanged(j),
      update: (j) => this.jobChanged(j),
      delete: (j) => this.jobGone(j),
    });
    this.pods.on({
      add: (p) => this.podChanged(p),
      update: (p, old) => this.podChanged(p, old),
      delete: (p) => this.podGone(p),
    });
    await Promise.all([this.jobs.waitForSync(), this.pods.waitForSync()]);
    // shared informers may have synced before these handlers were added: index what they already hold
    for (const p of this.pods.list()) this.podsByJob.upsert(p);
    this.ready = true;
    for (const j of this.jobs.list()) this.jobChanged(j);
    for (const p of this.pods.list()) this.checkOrphan(p);
  }

  stop(): void {
    this.queue?.stop();
    this.orphans?.stop();
    this.ttl?.stop();
    for (const t of this.timers.values()) t.timer.cancel();
    this.timers.clear();
  }

  // ---- informer events ----

  private jobChanged(job: Job): void {
    if (!this.ready) return;
    this.queue.add(`${job.metadata.namespace}/${job.metadata.name}`);
    this.ttl.observe(job);
  }

  private jobGone(job: Job): void {
    const key = `${job.metadata.namespace}/${job.metadata.name}`;
    const uid = job.metadata.uid;
    this.timers.get(key)?.timer.cancel();
    this.timers.delete(key);
    this.latest.forget(job.metadata.namespace ?? '', job.metadata.name);
    this.control.expectations.forget(uid);
    this.control.finalizerRemovals.forget(uid);
    this.backoff.delete(uid);
    this.ttl.forget(job);
    // pods left behind still carry the tracking finalizer: release them
    for (const p of this.podsByJob.of(uid)) if (hasTrackingFinalizer(p)) this.orphans.add(podKey(p));
  }

  private podChanged(pod: Pod, old?: Pod): void {
    this.podsByJob.upsert(pod, old);
    const ref = jobRefOf(pod);
    if (ref) this.observe(ref.uid, pod, false);
    if (!this.ready) return;
    if (ref) this.queue.add(`${pod.metadata.namespace}/${ref.name}`);
    const oldRef = old && jobRefOf(old);
    if (oldRef && oldRef.uid !== ref?.uid) this.queue.add(`${old.metadata.namespace}/${oldRef.name}`);
    this.checkOrphan(pod);
  }

  /** A pod of this Job was seen in the cache (created, updated or gone): meet what it shows. */
  private observe(jobUid: string, pod: Pod, gone: boolean): void {
    const uid = pod.metadata?.uid ?? '';
    this.control.expectations.creationObserved(jobUid, pod.metadata?.name ?? '');
    if (gone || pod.metadata?.deletionTimestamp) this.control.expectations.deletionObserved(jobUid, uid);
    if (gone || !hasTrackingFinalizer(pod)) this.control.finalizerRemovals.deletionObserved(jobUid, uid);
  }

  private podGone(pod: Pod): void {
    const ref = jobRefOf(pod);
    if (!ref) return;
    this.podsByJob.remove(pod, ref.uid);
    this.observe(ref.uid, pod, true);
    if (this.ready) this.queue.add(`${pod.metadata.namespace}/${ref.name}`);
  }

  /** A pod with the tracking finalizer whose Job is gone is nobody's to count: release it. */
  private checkOrphan(pod: Pod): void {
    if (!hasTrackingFinalizer(pod)) return;
    const ref = jobRefOf(pod);
    const job = ref && this.jobs.get(pod.metadata.namespace, ref.name);
    // (a finished Job's own pass releases its pods)
    if (!job || job.metadata.uid !== ref!.uid) this.orphans.add(podKey(pod));
  }

  private async releaseOrphan(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const pod = this.pods.get(namespace, name);
    if (!pod || !hasTrackingFinalizer(pod)) return;
    const ref = jobRefOf(pod);
    if (ref) {
      // the cache may not have caught up with a Job that was just created: ask the API server
      try {
        const job = await this.ctx.client.get(resourcePath(this.jobs.info, namespace, ref.name));
        if (job.metadata.uid === ref.uid && !isJobFinished(job)) return;
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    await this.control.removeFinalizers(ref?.uid ?? '', [pod]);
  }

  // ---- timing ----

  /** Syncs the Job again after ms of cluster time (the earliest of several requests wins). */
  private syncAfter(key: string, ms: number): void {
    const at = this.ctx.clock.now() + Math.max(0, ms);
    const existing = this.timers.get(key);
    if (existing && existing.at <= at) return;
    existing?.timer.cancel();
    const timer = this.ctx.clock.after(Math.max(0, ms) + 1, () => {
      this.timers.delete(key);
      this.queue.add(key);
    });
    this.timers.set(key, { at, timer });
  }

  /** Finalizer removals that failed are tried again by syncing the Jobs concerned shortly. */
  private queueRetry(pods: Pod[]): void {
    for (const p of pods) {
      const ref = jobRefOf(p);
      if (ref) this.syncAfter(`${p.metadata.namespace}/${ref.name}`, 1000);
    }
  }

  // ---- the sync ----

  private async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const cached = this.jobs.get(namespace, name);
    if (!cached) return;
    const job: Job = deepClone(this.latest.pick(cached));
    // events name their object by kind
    job.apiVersion ??= 'batch/v1';
    job.kind ??= 'Job';
    if (job.spec?.managedBy && job.spec.managedBy !== JOB_MANAGER) return;
    const uid: string = job.metadata.uid;
    const pods = this.podsByJob.of(uid);

    if (isJobFinished(job)) {
      // counted long ago: pods of a finished Job keep no finalizer
      await this.control.removeFinalizers(uid, pods.filter(hasTrackingFinalizer));
      return;
    }

    const now = this.ctx.clock.now();
    const spec = job.spec ?? {};
    const before = deepClone(job.status ?? {});
    const status = (job.status ??= {});
    const conditions = (status.conditions ?? []) as JobCondition[];
    const indexed = spec.completionMode === 'Indexed';
    const completions: number | undefined = typeof spec.completions === 'number' ? spec.completions : undefined;
    const suspended = spec.suspend === true;
    const satisfied = this.control.expectations.satisfied(uid);
    const rmExpected = this.control.finalizerRemovals.pendingDeletions(uid);

    // An interim condition written earlier decides the outcome; only the terminal condition is left to add.
    let finished = decidedOutcome(job, conditions, pods, now);
    const counts = failureCounts(job);

    let activePods = pods.filter(isPodActive);
    const tally = newTally(job, pods, activePods);
    // finished pods not counted yet: they carry the finalizer and no removal is on its way
    const untracked = (p: Pod) => hasTrackingFinalizer(p) && !rmExpected.has(p.metadata.uid);
    const fresh = newlyFinished(job, pods, tally, untracked, counts, now);
    // the back-off before a replacement starts counts the failures seen in this pass too
    const backoff = nextBackoffRecord(
      this.backoff.get(uid) ?? { failuresAfterLastSuccess: 0 },
      fresh.succeededTimes,
      fresh.failedTimes,
    );
    const succeeded = indexed
      ? new Set([...tally.completed, ...fresh.newlyCompleted]).size
      : (status.succeeded ?? 0) + tally.uncountedSucceeded.size + fresh.succeededTimes.length;
    const failed = (status.failed ?? 0) + tally.uncountedFailed.size + fresh.failedTimes.length;

    if (!status.startTime && !suspended) status.startTime = timestamp(now);

    if (!finished) {
      const limits = limitsPassed(job, pods, failed, now);
      finished = limits.finished;
      if (limits.deadlineInMs !== undefined) this.syncAfter(key, limits.deadlineInMs);
    }

    if (finished) {
      // The outcome is known: pods still running are stopped. They keep their finalizer and count as failed.
      countDeleted(tally, await this.control.deletePods(job, activePods, false));
      activePods = [];
    } else {
      let managed = false;
      if (satisfied && !job.metadata.deletionTimestamp) {
        const manageCtx = {
          control: this.control,
          recorder: this.recorder,
          now: this.ctx.clock.now(),
          syncAfter: (ms: number) => this.syncAfter(key, ms),
        };
        await manageJob(manageCtx, job, activePods, tally, succeeded, fresh.newlyCompleted, backoff);
        managed = true;
      }
      finished = successOutcome(job, succeeded, tally.active, now);
      if (!finished && managed) this.recordSuspension(job, conditions, suspended, now);
    }

    // Count finished pods: into uncountedTerminatedPods first, finalizers removed after that is written.
    const counting = podsToCount(job, pods, tally, untracked, counts, finished);
    let needsFlush = counting.needsFlush;
    if (finished?.type === 'FailureTarget' || finished?.type === 'SuccessCriteriaMet') {
      if (!findCondition(conditions, finished.type)) {
        conditions.push(finished);
        needsFlush = true;
      }
      finished = terminalOf(finished, now);
    }

    tally.succeeded = indexed ? tally.completed.size : (status.succeeded ?? 0);
    tally.failed = status.failed ?? 0;
    renderStatus(job, tally, indexed, conditions);
    if (needsFlush) await this.writeStatus(job);

    const released = await this.control.removeFinalizers(uid, counting.toRelease);
    countReleased(tally, pods, untracked, released);
    if (indexed) tally.succeeded = tally.completed.size;
    this.backoff.set(uid, backoff);

    // The terminal condition waits until every pod is counted and none is still terminating.
    let done = false;
    if (finished && !tally.uncountedSucceeded.size && !tally.uncountedFailed.size && tally.terminating <= 0) {
      ensureCondition(conditions, finished.type, 'True', finished.reason ?? '', finished.message ?? '', now);
      if (finished.type === 'Complete')
        status.completionTime = findCondition(conditions, 'Complete')!.lastTransitionTime;
      done = true;
    }
    renderStatus(job, tally, indexed, conditions);
    if (!deepEqual(job.status, before)) await this.writeStatus(job);

    if (done) {
      if (finished!.type === 'Complete') {
        if (completions !== undefined && tally.succeeded > completions) {
          const message = 'Too many succeeded pods running after completion count reached';
          this.recorder.record(job, 'Warning', 'TooManySucceededPods', message);
        }
        this.recorder.record(job, 'Normal', 'Completed', 'Job completed');
      } else {
        this.recorder.record(job, 'Warning', finished!.reason ?? 'Failed', finished!.message ?? '');
      }
      this.ttl.observe(job);
    }
  }

  /** The Suspended condition follows spec.suspend; resuming restarts the activeDeadlineSeconds clock. */
  private recordSuspension(job: Job, conditions: JobCondition[], suspended: boolean, now: number): void {
    if (suspended) {
      if (ensureCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)) {
        this.recorder.record(job, 'Normal', 'Suspended', 'Job suspended');
      }
    } else if (ensureCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', now)) {
      this.recorder.record(job, 'Normal', 'Resumed', 'Job resumed');
      // activeDeadlineSeconds counts the time a Job is continuously active
      job.status!.startTime = timestamp(now);
    }
  }

  private async writeStatus(job: Job): Promise<void> {
    const { namespace, name } = job.metadata;
    const updated = await this.ctx.client.update(resourcePath(this.jobs.info, namespace, name, 'status'), job);
    job.metadata.resourceVersion = updated.metadata.resourceVersion;
    this.latest.observed(updated);
  }
}
