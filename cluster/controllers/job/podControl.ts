// Creating and deleting a Job's pods and removing their tracking finalizer (the pod control half of
// Kubernetes' job_controller.go), with the expectations that keep a pass from acting on a cache behind
// these writes: pods created or deleted, and finalizer removals, not yet seen by the informer.
import { ApiClient, resourcePath } from '../../../kubeclient/apiClient';
import { KubeApiError } from '../../../kubeclient/apiError';
import { Informer } from '../../../kubeclient/informer';
import { EventRecorder } from '../events';
import { Expectations } from '../kit/expectations';
import type { Job, LivePod as Pod } from '../kit/objects';
import { isPodReady } from '../kit/podReadiness';
import { hasTrackingFinalizer, JOB_TRACKING_FINALIZER } from './podState';
import { podForJob } from './podTemplate';

export class JobPodControl {
  constructor(
    private readonly client: ApiClient,
    private readonly recorder: EventRecorder,
    private readonly pods: Informer,
    /** pods created and deleted, by Job uid */
    readonly expectations: Expectations,
    /** tracking-finalizer removals sent but not yet seen, by Job uid */
    readonly finalizerRemovals: Expectations,
    /** finalizer removals that failed are tried again by syncing the Jobs of these pods shortly */
    private readonly retryLater: (pods: Pod[]) => void,
  ) {}

  async createPod(job: Job, index?: number): Promise<void> {
    const ns = job.metadata.namespace;
    const created = await this.client.create(resourcePath(this.pods.info, ns), podForJob(job, index));
    // the watch may already have delivered it; otherwise wait for it before counting pods again
    if (!this.pods.get(ns, created.metadata.name))
      this.expectations.expectCreation(job.metadata.uid, created.metadata.name);
    this.recorder.record(job, 'Normal', 'SuccessfulCreate', `Created pod: ${created.metadata.name}`);
  }

  /**
   * Deletes pods. releaseFirst removes their tracking finalizer before (pods removed by scaling down or suspending
   * are not failures); otherwise the finalizer stays, so the pods are counted as failed.
   */
  async deletePods(job: Job, pods: Pod[], releaseFirst: boolean): Promise<{ deleted: number; deletedReady: number }> {
    const uid = job.metadata.uid;
    let deleted = 0;
    let deletedReady = 0;
    let firstError: unknown;
    await Promise.all(
      pods.map(async (p) => {
        try {
          if (releaseFirst && hasTrackingFinalizer(p)) await this.removeFinalizers(uid, [p], true);
          await this.client.delete(resourcePath(this.pods.info, p.metadata.namespace, p.metadata.name), {
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
  async removeFinalizers(jobUid: string, pods: Pod[], strict = false): Promise<Set<string>> {
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
          await this.client.patch(path, patch, 'json');
        } catch (e) {
          if (e instanceof KubeApiError && e.status === 404) {
            released.add(p.metadata.uid);
            return;
          }
          if (e instanceof KubeApiError && (e.status === 400 || e.status === 409 || e.status === 422)) {
            // moved or already gone: look at the pod as it is now
            try {
              const fresh = await this.client.get(path);
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
    if (firstError) this.retryLater(pods);
    return released;
  }
}
