// Writes pod status through pods/<name>/status, as the kubelet's status manager does: one write in flight
// per pod, later changes coalesce into the next write, a write that would change nothing is skipped, and
// a pod that finished terminating gets its final status and is then deleted with grace period 0 (its
// uid as precondition), which lets the API server remove it.
import type { PodCondition } from 'kubernetes-types/core/v1';
import { ApiClient } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { WorkQueue } from '../controllers/workQueue';
import { OWNED_CONDITIONS } from './podStatus';
import type { Pod } from './kubelet';
import { PodWorker } from './podWorker';

function podPath(ns: string, name: string, sub?: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}${sub ? `/${sub}` : ''}`;
}

export class StatusWriter {
  private readonly queue: WorkQueue;
  private readonly workers = new Map<string, PodWorker>();
  private readonly deleting = new Set<string>();
  writes = 0;

  constructor(
    private readonly client: ApiClient,
    /** the pod as the informer shows it now, if it does */
    private readonly currentPod: (w: PodWorker) => Pod | undefined,
    concurrency = 32,
  ) {
    this.queue = new WorkQueue((uid) => this.write(uid), concurrency);
  }

  changed(w: PodWorker): void {
    this.workers.set(w.uid, w);
    this.queue.add(w.uid);
  }

  finished(w: PodWorker): void {
    this.workers.set(w.uid, w);
    this.deleting.add(w.uid);
    this.queue.add(w.uid);
  }

  forget(uid: string): void {
    this.workers.delete(uid);
    this.deleting.delete(uid);
  }

  stop(): void {
    this.queue.stop();
  }

  private async write(uid: string): Promise<void> {
    // let the rest of this turn's changes land so they go out in one write
    await new Promise((r) => setImmediate(r));
    const w = this.workers.get(uid);
    if (!w) return;
    const cached = this.currentPod(w);
    // a pod of the same name that replaced this one is not ours to write
    if (cached && cached.metadata?.uid !== uid) {
      this.forget(uid);
      return;
    }
    const pod = cached ?? w.pod;
    const { namespace, name } = pod.metadata;
    const conditions = (pod.status?.conditions ?? []).filter((c: PodCondition) => !OWNED_CONDITIONS.includes(c?.type));
    const status = w.statusToWrite(conditions);
    try {
      if (status) {
        await this.client.patch(podPath(namespace, name, 'status'), { status }, 'merge');
        w.lastWritten = JSON.stringify(status);
        this.writes++;
      }
      if (this.deleting.has(uid)) {
        await this.client.delete(podPath(namespace, name), { gracePeriodSeconds: 0, preconditions: { uid } });
        this.forget(uid);
      }
    } catch (e) {
      // gone already, or replaced by a pod of the same name: nothing more to say about this one
      if (e instanceof KubeApiError && (e.status === 404 || e.status === 409)) {
        this.forget(uid);
        return;
      }
      throw e;
    }
    if (!this.deleting.has(uid) && w.isFinished) this.forget(uid);
  }
}
