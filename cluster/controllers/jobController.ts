// The Job controller: runs a Job's pods until the wanted number of them succeeded (completions, parallelism,
// NonIndexed and Indexed), retries failed pods with back-off up to backoffLimit, enforces activeDeadlineSeconds
// and suspend, and reports status and conditions as Kubernetes 1.34 does. Finished pods are counted through the
// batch.kubernetes.io/job-tracking finalizer: a pod's uid goes into status.uncountedTerminatedPods, then its
// finalizer is removed, then it moves into the succeeded or failed count, so no pod is lost or counted twice.
import type { JobSpec, JobStatus, Job as JobObject } from 'kubernetes-types/batch/v1';
import type { Live, LivePod as Pod } from './kit/objects';

// a stored Job always has a spec (validation requires the template)
type Job = Live<JobObject> & { spec: JobSpec };
import { deepClone, deepEqual } from '../../kube/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { Informer } from '../../kubeclient/informer';
import { timestamp, Timer } from '../clock';
import { Controller, ControllerContext } from './controllerContext';
import { EventRecorder } from './events';
import { WorkQueue } from './workQueue';
import { BackoffRecord, nextBackoffRecord, remainingBackoff } from './job/backoff';
import { formatIndexes, parseIndexes, pendingIndexes } from './job/completedIndexes';
import {
  BACKOFF_LIMIT_EXCEEDED,
  COMPLETIONS_REACHED,
  DEADLINE_EXCEEDED,
  ensureCondition,
  findCondition,
  isJobFinished,
  JobCondition,
  newCondition,
} from './job/conditions';
import { Expectations } from './kit/expectations';
import { isPodActive, isPodReady } from './kit/podReadiness';
import { LatestObjects } from './kit/latestObjects';
import { matchPodFailurePolicy } from './job/podFailurePolicy';
import { podForJob } from './job/podTemplate';
import {
  completionIndex,
  finishedAt,
  hasTrackingFinalizer,
  isPodFailed,
  isTerminating,
  JOB_TRACKING_FINALIZER,
  removalOrder,
  restartCount,
} from './job/podState';
import { TtlAfterFinished } from './job/ttlAfterFinished';

/** At most this many pods are created, deleted or counted in one pass, as in Kubernetes. */
const MAX_PODS_PER_SYNC = 500;
const JOB_MANAGER = 'kubernetes.io/job-controller';

function jobRefOf(pod: Pod): { name: string; uid: string } | undefined {
  const ref = (pod.metadata?.ownerReferences ?? []).find((r) => r?.controller === true);
  return ref && ref.kind === 'Job' && String(ref.apiVersion ?? '').startsWith('batch/') ? ref : undefined;
}

function podKey(pod: Pod): string {
  return `${pod.metadata.namespace}/${pod.metadata.name}`;
}

/** What one pass over a Job found and decided; rendered into status.*/
interface Tally {
  active: number;
  ready: number;
  terminating: number;
  succeeded: number;
  failed: number;
  completed: Set<number>;
  uncountedSucceeded: Set<string>;
  uncountedFailed: Set<string>;
}

export class JobController implements Controller {
  readonly name = 'job-controller';
  private ctx!: ControllerContext;
  private jobs!: Informer;
  private pods!: Informer;
  private recorder!: EventRecorder;
  private expectations!: Expectations;
  /** tracking-finalizer removals sent but not yet seen, by Job uid */
  private finalizerRemovals!: Expectations;
  private queue!: WorkQueue;
  private orphans!: WorkQueue;
  private ttl!: TtlAfterFinished;
  private ready = false;
  private readonly latest = new LatestObjects();
  /** the pods each Job controls, by Job uid */
  private readonly podsByJob = new Map<string, Map<string, Pod>>();
  private readonly backoff = new Map<string, BackoffRecord>();
  private readonly timers = new Map<string, { at: number; timer: Timer }>();

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.recorder = ctx.recorder('job-controller');
    this.expectations = new Expectations(() => ctx.clock.now());
    this.finalizerRemovals = new Expectations(() => ctx.clock.now());
    this.jobs = ctx.informers.get('batch', 'jobs');
    this.pods = ctx.informers.pods();
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
    for (const p of this.pods.list()) this.index(p);
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
    this.expectations.forget(uid);
    this.finalizerRemovals.forget(uid);
    this.backoff.delete(uid);
    this.ttl.forget(job);
    // pods left behind still carry the tracking finalizer: release them
    for (const p of this.podsByJob.get(uid)?.values() ?? []) if (hasTrackingFinalizer(p)) this.orphans.add(podKey(p));
  }

  private index(pod: Pod, old?: Pod): void {
    const oldRef = old && jobRefOf(old);
    const ref = jobRefOf(pod);
    if (oldRef && oldRef.uid !== ref?.uid) this.podsByJob.get(oldRef.uid)?.delete(podKey(old));
    if (!ref) return;
    let m = this.podsByJob.get(ref.uid);
    if (!m) this.podsByJob.set(ref.uid, (m = new Map()));
    m.set(podKey(pod), pod);
  }

  private podChanged(pod: Pod, old?: Pod): void {
    this.index(pod, old);
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
    this.expectations.creationObserved(jobUid, pod.metadata?.name ?? '');
    if (gone || pod.metadata?.deletionTimestamp) this.expectations.deletionObserved(jobUid, uid);
    if (gone || !hasTrackingFinalizer(pod)) this.finalizerRemovals.deletionObserved(jobUid, uid);
  }

  private podGone(pod: Pod): void {
    const ref = jobRefOf(pod);
    if (!ref) return;
    const m = this.podsByJob.get(ref.uid);
    m?.delete(podKey(pod));
    if (m && !m.size) this.podsByJob.delete(ref.uid);
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
        if (!(e instanceof KubeApiError && e.status === 404)) throw e;
      }
    }
    await this.removeFinalizers(ref?.uid ?? '', [pod]);
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
    const pods = [...(this.podsByJob.get(uid)?.values() ?? [])];

    if (isJobFinished(job)) {
      // counted long ago: pods of a finished Job keep no finalizer
      await this.removeFinalizers(uid, pods.filter(hasTrackingFinalizer));
      return;
    }

    const now = this.ctx.clock.now();
    const spec = job.spec ?? {};
    const before = deepClone(job.status ?? {});
    const status = (job.status ??= {});
    const conditions = (status.conditions ?? []) as JobCondition[];
    const indexed = spec.completionMode === 'Indexed';
    const completions: number | undefined = typeof spec.completions === 'number' ? spec.completions : undefined;
    const backoffLimit: number = typeof spec.backoffLimit === 'number' ? spec.backoffLimit : 6;
    const suspended = spec.suspend === true;
    const satisfied = this.expectations.satisfied(uid);
    const rmExpected = this.finalizerRemovals.pendingDeletions(uid);

    // An interim condition written earlier decides the outcome; only the terminal condition is left to add.
    let finished: JobCondition | undefined;
    const target = findCondition(conditions, 'FailureTarget');
    const criteria = findCondition(conditions, 'SuccessCriteriaMet');
    if (target?.status === 'True')
      finished = newCondition('Failed', 'True', target.reason ?? '', target.message ?? '', now);
    else if (criteria?.status === 'True')
      finished = newCondition('Complete', 'True', criteria.reason ?? '', criteria.message ?? '', now);
    // with a podFailurePolicy a failed pod may not count (Ignore) or may fail the Job at once (FailJob)
    const policy = spec.podFailurePolicy;
    const counts = (p: Pod) => !policy || matchPodFailurePolicy(policy, p).count;
    if (!finished && policy) {
      for (const p of pods) {
        const message = isPodFailed(p, job) ? matchPodFailurePolicy(policy, p).failJobMessage : undefined;
        if (message === undefined) continue;
        finished = newCondition('FailureTarget', 'True', 'PodFailurePolicy', message, now);
        break;
      }
    }

    let activePods = pods.filter(isPodActive);
    const tally: Tally = {
      active: activePods.length,
      ready: activePods.filter(isPodReady).length,
      terminating: pods.filter(isTerminating).length,
      succeeded: 0,
      failed: 0,
      completed: indexed ? parseIndexes(status.completedIndexes, completions ?? 0) : new Set(),
      uncountedSucceeded: new Set(status.uncountedTerminatedPods?.succeeded ?? []),
      uncountedFailed: new Set(status.uncountedTerminatedPods?.failed ?? []),
    };

    // What the counts will be once the pods finished since the last pass are counted.
    const untracked = (p: Pod) => hasTrackingFinalizer(p) && !rmExpected.has(p.metadata.uid);
    const newlyCompleted = new Set<number>();
    const succeededTimes: number[] = [];
    const failedTimes: number[] = [];
    for (const p of pods) {
      if (!untracked(p)) continue;
      const pu = p.metadata.uid;
      if (p.status?.phase === 'Succeeded') {
        if (indexed) {
          const ix = completionIndex(p);
          if (ix === undefined || ix >= (completions ?? 0) || tally.completed.has(ix) || newlyCompleted.has(ix))
            continue;
          newlyCompleted.add(ix);
        } else if (tally.uncountedSucceeded.has(pu) || tally.uncountedFailed.has(pu)) continue;
        succeededTimes.push(finishedAt(p, now));
      } else if (isPodFailed(p, job) && !tally.uncountedFailed.has(pu) && counts(p))
        failedTimes.push(finishedAt(p, now));
    }
    const newSucceeded = succeededTimes.length;
    const newFailed = failedTimes.length;
    // the back-off before a replacement starts counts the failures seen in this pass too
    const backoff = nextBackoffRecord(
      this.backoff.get(uid) ?? { failuresAfterLastSuccess: 0 },
      succeededTimes,
      failedTimes,
    );
    const succeeded = indexed
      ? new Set([...tally.completed, ...newlyCompleted]).size
      : (status.succeeded ?? 0) + tally.uncountedSucceeded.size + newSucceeded;
    const failed = (status.failed ?? 0) + tally.uncountedFailed.size + newFailed;

    if (!status.startTime && !suspended) status.startTime = timestamp(now);

    if (!finished) {
      if (failed > backoffLimit || this.pastBackoffLimitOnFailure(job, pods, backoffLimit)) {
        finished = newCondition(
          'FailureTarget',
          'True',
          BACKOFF_LIMIT_EXCEEDED.reason,
          BACKOFF_LIMIT_EXCEEDED.message,
          now,
        );
      } else if (this.pastActiveDeadline(job, now)) {
        finished = newCondition('FailureTarget', 'True', DEADLINE_EXCEEDED.reason, DEADLINE_EXCEEDED.message, now);
      } else if (typeof spec.activeDeadlineSeconds === 'number' && !suspended && status.startTime) {
        this.syncAfter(key, Date.parse(status.startTime) + spec.activeDeadlineSeconds * 1000 - now);
      }
    }

    if (finished) {
      // The outcome is known: pods still running are stopped. They keep their finalizer and count as failed.
      const { deleted, deletedReady } = await this.deletePods(job, activePods, false);
      tally.active -= deleted;
      tally.terminating += deleted;
      tally.ready -= deletedReady;
      activePods = [];
    } else {
      let managed = false;
      if (satisfied && !job.metadata.deletionTimestamp) {
        await this.manage(key, job, activePods, tally, succeeded, newlyCompleted, backoff);
        managed = true;
      }
      const complete =
        completions === undefined
          ? succeeded > 0 && tally.active === 0
          : succeeded >= completions && tally.active === 0;
      if (complete) {
        finished = newCondition(
          'SuccessCriteriaMet',
          'True',
          COMPLETIONS_REACHED.reason,
          COMPLETIONS_REACHED.message,
          now,
        );
      } else if (managed) {
        if (suspended) {
          if (ensureCondition(conditions, 'Suspended', 'True', 'JobSuspended', 'Job suspended', now)) {
            this.recorder.record(job, 'Normal', 'Suspended', 'Job suspended');
          }
        } else if (ensureCondition(conditions, 'Suspended', 'False', 'JobResumed', 'Job resumed', now)) {
          this.recorder.record(job, 'Normal', 'Resumed', 'Job resumed');
          // activeDeadlineSeconds counts the time a Job is continuously active
          status.startTime = timestamp(now);
        }
      }
    }

    // Count finished pods: into uncountedTerminatedPods first, finalizers removed after that is written.
    const successful = finished?.type === 'SuccessCriteriaMet' || finished?.type === 'Complete';
    const toRelease: Pod[] = [];
    let needsFlush = false;
    for (const p of pods) {
      if (!untracked(p) || toRelease.length >= MAX_PODS_PER_SYNC) continue;
      const failedPod = isPodFailed(p, job);
      if (!job.metadata.deletionTimestamp && !finished && p.status?.phase !== 'Succeeded' && !failedPod) continue;
      toRelease.push(p);
      const pu = p.metadata.uid;
      if (p.status?.phase === 'Succeeded' && !tally.uncountedFailed.has(pu)) {
        if (indexed) {
          const ix = completionIndex(p);
          if (ix !== undefined && ix < (completions ?? 0) && !tally.completed.has(ix)) {
            tally.completed.add(ix);
            needsFlush = true;
          }
        } else if (!tally.uncountedSucceeded.has(pu)) {
          tally.uncountedSucceeded.add(pu);
          needsFlush = true;
        }
      } else if ((failedPod && counts(p)) || (!failedPod && finished && !successful)) {
        // once the Job has failed, every pod that did not succeed counts as failed
        const ix = completionIndex(p);
        if (!tally.uncountedFailed.has(pu) && (!indexed || (ix !== undefined && ix < (completions ?? 0)))) {
          tally.uncountedFailed.add(pu);
          needsFlush = true;
        }
      }
    }
    if (finished?.type === 'FailureTarget' || finished?.type === 'SuccessCriteriaMet') {
      if (!findCondition(conditions, finished.type)) {
        conditions.push(finished);
        needsFlush = true;
      }
      finished = newCondition(
        finished.type === 'FailureTarget' ? 'Failed' : 'Complete',
        'True',
        finished.reason ?? '',
        finished.message ?? '',
        now,
      );
    }

    tally.succeeded = indexed ? tally.completed.size : (status.succeeded ?? 0);
    tally.failed = status.failed ?? 0;
    this.render(job, tally, indexed, conditions);
    if (needsFlush) await this.writeStatus(key, job);

    const released = await this.removeFinalizers(uid, toRelease);
    const stillTracked = new Set(
      pods.filter((p) => untracked(p) && !released.has(p.metadata.uid)).map((p) => p.metadata.uid),
    );
    for (const u of [...tally.uncountedSucceeded]) {
      if (stillTracked.has(u)) continue;
      tally.uncountedSucceeded.delete(u);
      tally.succeeded++;
    }
    for (const u of [...tally.uncountedFailed]) {
      if (stillTracked.has(u)) continue;
      tally.uncountedFailed.delete(u);
      tally.failed++;
    }
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
    this.render(job, tally, indexed, conditions);
    if (!deepEqual(job.status, before)) await this.writeStatus(key, job);

    if (done) {
      if (finished!.type === 'Complete') {
        if (completions !== undefined && tally.succeeded > completions) {
          this.recorder.record(
            job,
            'Warning',
            'TooManySucceededPods',
            'Too many succeeded pods running after completion count reached',
          );
        }
        this.recorder.record(job, 'Normal', 'Completed', 'Job completed');
      } else {
        this.recorder.record(job, 'Warning', finished!.reason ?? 'Failed', finished!.message ?? '');
      }
      this.ttl.observe(job);
    }
  }

  /** For restartPolicy OnFailure the back-off limit counts container restarts of pods still running. */
  private pastBackoffLimitOnFailure(job: Job, pods: Pod[], limit: number): boolean {
    if (job.spec?.template?.spec?.restartPolicy !== 'OnFailure') return false;
    const restarts = pods.reduce((n, p) => n + restartCount(p), 0);
    return limit === 0 ? restarts > 0 : restarts >= limit;
  }

  private pastActiveDeadline(job: Job, now: number): boolean {
    const ads = job.spec?.activeDeadlineSeconds;
    if (typeof ads !== 'number' || !job.status?.startTime || job.spec?.suspend === true) return false;
    return now - Date.parse(job.status.startTime) >= ads * 1000;
  }

  /** Creates or deletes pods so the wanted number runs; one or the other per pass, deletion first. */
  private async manage(
    key: string,
    job: Job,
    activePods: Pod[],
    tally: Tally,
    succeeded: number,
    newlyCompleted: Set<number>,
    backoff: BackoffRecord,
  ): Promise<void> {
    const spec = job.spec ?? {};
    if (spec.suspend === true) {
      const { deleted, deletedReady } = await this.deletePods(job, [...activePods].sort(removalOrder), true);
      tally.active -= deleted;
      tally.terminating += deleted;
      tally.ready -= deletedReady;
      return;
    }
    const indexed = spec.completionMode === 'Indexed';
    const completions: number | undefined = typeof spec.completions === 'number' ? spec.completions : undefined;
    const parallelism: number = typeof spec.parallelism === 'number' ? spec.parallelism : 1;
    let wantActive: number;
    if (completions === undefined) wantActive = succeeded > 0 ? tally.active : parallelism;
    else wantActive = Math.max(0, Math.min(parallelism, completions - succeeded));

    // Indexed pods with a missing, out of range, completed or duplicate index go first.
    const remove: Pod[] = [];
    let left = activePods;
    const held = new Set<number>();
    if (indexed) {
      left = [];
      const done = new Set([...tally.completed, ...newlyCompleted]);
      const byIndex = new Map<number, Pod[]>();
      for (const p of activePods) {
        const ix = completionIndex(p);
        if (ix === undefined || ix >= (completions ?? 0) || done.has(ix)) remove.push(p);
        else byIndex.set(ix, [...(byIndex.get(ix) ?? []), p]);
      }
      for (const [ix, group] of byIndex) {
        group.sort(removalOrder);
        remove.push(...group.slice(0, -1));
        left.push(group[group.length - 1]);
        held.add(ix);
      }
    }
    const rmAtLeast = Math.max(0, tally.active - wantActive);
    if (remove.length < rmAtLeast) remove.push(...[...left].sort(removalOrder).slice(0, rmAtLeast - remove.length));
    if (remove.length) {
      const { deleted, deletedReady } = await this.deletePods(job, remove.slice(0, MAX_PODS_PER_SYNC), true);
      tally.active -= deleted;
      tally.terminating += deleted;
      tally.ready -= deletedReady;
      return;
    }

    // Pods being deleted hold their place only when nothing but Failed pods may be replaced.
    const blocking = spec.podReplacementPolicy === 'Failed' ? tally.terminating : 0;
    if (tally.active + blocking >= wantActive) return;
    const wait = remainingBackoff(backoff, this.ctx.clock.now());
    if (wait > 0) {
      this.syncAfter(key, wait);
      return;
    }
    let diff = Math.min(wantActive - tally.active - blocking, MAX_PODS_PER_SYNC);
    let indexes: number[] | undefined;
    if (indexed) {
      indexes = pendingIndexes(new Set([...tally.completed, ...newlyCompleted]), held, completions ?? 0, diff);
      diff = indexes.length;
    }
    // slow start: batches of 1, 2, 4, ... so a template the API server rejects fails once, not 500 times
    let created = 0;
    for (let batch = 1; created < diff; batch *= 2) {
      const n = Math.min(batch, diff - created);
      const results = await Promise.allSettled(
        Array.from({ length: n }, (_, i) => this.createPod(job, indexes?.[created + i])),
      );
      const ok = results.filter((r) => r.status === 'fulfilled').length;
      created += ok;
      tally.active += ok;
      const failure = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failure) {
        const e = failure.reason;
        if (e instanceof KubeApiError && e.status === 403 && /being terminated/i.test(e.message)) return;
        this.recorder.record(job, 'Warning', 'FailedCreate', `Error creating: ${e?.message ?? e}`);
        throw e;
      }
    }
  }

  private async createPod(job: Job, index?: number): Promise<void> {
    const ns = job.metadata.namespace;
    const created = await this.ctx.client.create(resourcePath(this.pods.info, ns), podForJob(job, index));
    // the watch may already have delivered it; otherwise wait for it before counting pods again
    if (!this.pods.get(ns, created.metadata.name))
      this.expectations.expectCreation(job.metadata.uid, created.metadata.name);
    this.recorder.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
  }

  /**
   * Deletes pods. releaseFirst removes their tracking finalizer before (pods removed by scaling down or suspending
   * are not failures); otherwise the finalizer stays, so the pods are counted as failed.
   */
  private async deletePods(
    job: Job,
    pods: Pod[],
    releaseFirst: boolean,
  ): Promise<{ deleted: number; deletedReady: number }> {
    const uid = job.metadata.uid;
    let deleted = 0;
    let deletedReady = 0;
    let firstError: unknown;
    await Promise.all(
      pods.map(async (p) => {
        try {
          if (releaseFirst && hasTrackingFinalizer(p)) await this.removeFinalizers(uid, [p], true);
          await this.ctx.client.delete(resourcePath(this.pods.info, p.metadata.namespace, p.metadata.name), {
            preconditions: { uid: p.metadata.uid },
          });
          const now = this.pods.get(p.metadata.namespace, p.metadata.name);
          if (now && now.metadata.uid === p.metadata.uid && !now.metadata.deletionTimestamp)
            this.expectations.expectDeletion(uid, p.metadata.uid);
          this.recorder.record(job, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (e) {
          if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) {
            firstError ??= e;
            this.recorder.record(job, 'Warning', 'FailedDelete', `Error deleting: ${(e as Error)?.message ?? e}`);
            return;
          }
        }
        deleted++;
        if (isPodReady(p)) deletedReady++;
      }),
    );
    if (firstError) throw firstError;
    return { deleted, deletedReady };
  }

  /** Removes the tracking finalizer; returns the uids of pods that no longer have it (removed now, or gone). */
  private async removeFinalizers(jobUid: string, pods: Pod[], strict = false): Promise<Set<string>> {
    const released = new Set<string>();
    let firstError: unknown;
    await Promise.all(
      pods.map(async (p) => {
        const i = (p.metadata.finalizers ?? []).indexOf(JOB_TRACKING_FINALIZER);
        if (i < 0) {
          released.add(p.metadata.uid);
          return;
        }
        const path = resourcePath(this.pods.info, p.metadata.namespace, p.metadata.name);
        // test-and-remove: the finalizer list may have changed since the cache saw it; the last one takes the
        // whole list with it, as an empty list is not written back
        const only = p.metadata.finalizers!.length === 1; // i >= 0 above: the list exists
        const patch = [
          { op: 'test', path: '/metadata/uid', value: p.metadata.uid },
          only
            ? { op: 'test', path: '/metadata/finalizers', value: [JOB_TRACKING_FINALIZER] }
            : { op: 'test', path: `/metadata/finalizers/${i}`, value: JOB_TRACKING_FINALIZER },
          { op: 'remove', path: only ? '/metadata/finalizers' : `/metadata/finalizers/${i}` },
        ];
        try {
          await this.ctx.client.patch(path, patch, 'json');
        } catch (e) {
          if (e instanceof KubeApiError && e.status === 404) {
            released.add(p.metadata.uid);
            return;
          }
          if (e instanceof KubeApiError && (e.status === 400 || e.status === 409 || e.status === 422)) {
            // moved or already gone: look at the pod as it is now
            try {
              const fresh = await this.ctx.client.get(path);
              if (fresh.metadata.uid !== p.metadata.uid) released.add(p.metadata.uid);
              else if (!(fresh.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER))
                released.add(p.metadata.uid);
              else return void (firstError ??= e);
            } catch (e2) {
              if (e2 instanceof KubeApiError && e2.status === 404) released.add(p.metadata.uid);
              else firstError ??= e2;
            }
            return;
          }
          firstError ??= e;
          return;
        }
        released.add(p.metadata.uid);
        const seen = this.pods.get(p.metadata.namespace, p.metadata.name);
        if (jobUid && seen && seen.metadata.uid === p.metadata.uid && hasTrackingFinalizer(seen))
          this.finalizerRemovals.expectDeletion(jobUid, p.metadata.uid);
      }),
    );
    if (firstError && strict) throw firstError;
    if (firstError) this.queueRetry(pods);
    return released;
  }

  /** Finalizer removals that failed are tried again by syncing the Jobs concerned shortly. */
  private queueRetry(pods: Pod[]): void {
    for (const p of pods) {
      const ref = jobRefOf(p);
      if (ref) this.syncAfter(`${p.metadata.namespace}/${ref.name}`, 1000);
    }
  }

  private render(job: Job, t: Tally, indexed: boolean, conditions: JobCondition[]): void {
    const s: JobStatus = (job.status ??= {});
    const setCount = (field: 'active' | 'succeeded' | 'failed', n: number) => {
      if (n > 0) s[field] = n;
      else delete s[field];
    };
    setCount('active', t.active);
    s.ready = Math.max(0, t.ready);
    s.terminating = Math.max(0, t.terminating);
    setCount('succeeded', t.succeeded);
    setCount('failed', t.failed);
    if (indexed) {
      const text = formatIndexes(t.completed);
      if (text) s.completedIndexes = text;
      else delete s.completedIndexes;
    }
    s.uncountedTerminatedPods = {
      ...(t.uncountedSucceeded.size ? { succeeded: [...t.uncountedSucceeded] } : {}),
      ...(t.uncountedFailed.size ? { failed: [...t.uncountedFailed] } : {}),
    };
    if (conditions.length) s.conditions = conditions;
    else delete s.conditions;
  }

  private async writeStatus(key: string, job: Job): Promise<void> {
    const { namespace, name } = job.metadata;
    const updated = await this.ctx.client.update(resourcePath(this.jobs.info, namespace, name, 'status'), job);
    job.metadata.resourceVersion = updated.metadata.resourceVersion;
    this.latest.observed(updated);
  }
}
