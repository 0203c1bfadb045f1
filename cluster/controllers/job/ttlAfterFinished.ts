// ttlSecondsAfterFinished: a finished Job is deleted (with its pods, in the foreground, as Kubernetes' TTL
// controller does) once its TTL has passed since it finished, on the cluster clock.
import type { Job } from 'kubernetes-types/batch/v1';
import type { Stored } from '../kit/objects';
import { resourcePath } from '../../../kubeclient/apiClient';
import { KubeApiError } from '../../../kubeclient/apiError';
import { Informer } from '../../../kubeclient/informer';
import { Timer } from '../../clock';
import { ControllerContext } from '../controllerContext';
import { WorkQueue } from '../workQueue';
import { finishedCondition } from './conditions';

/** When the TTL of a finished Job runs out (ms on the cluster clock), or undefined if it never does. */
export function expiresAt(job: Job): number | undefined {
  const ttl = job.spec?.ttlSecondsAfterFinished;
  if (typeof ttl !== 'number' || job.metadata?.deletionTimestamp) return undefined;
  const done = finishedCondition(job);
  if (!done) return undefined;
  const at = Date.parse(done.lastTransitionTime ?? '');
  return Number.isNaN(at) ? undefined : at + ttl * 1000;
}

export class TtlAfterFinished {
  private readonly queue: WorkQueue;
  private readonly timers = new Map<string, Timer>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly jobs: Informer,
  ) {
    this.queue = new WorkQueue((key) => this.process(key), 2);
  }

  /** Called for every Job add and update (and once per cached Job at start). */
  observe(job: Stored<Job>): void {
    if (expiresAt(job) !== undefined) this.queue.add(`${job.metadata.namespace}/${job.metadata.name}`);
  }

  forget(job: Stored<Job>): void {
    const key = `${job.metadata.namespace}/${job.metadata.name}`;
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
  }

  stop(): void {
    this.queue.stop();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  private async process(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const cached = this.jobs.get(namespace, name);
    const at = cached && expiresAt(cached);
    if (at === undefined) return;
    const wait = at - this.ctx.clock.now();
    if (wait > 0) {
      this.timers.get(key)?.cancel();
      this.timers.set(
        key,
        this.ctx.clock.after(wait, () => this.queue.add(key)),
      );
      return;
    }
    // The cache may be behind (the TTL changed, or the Job was recreated): decide on the Job as it is now.
    const path = resourcePath(this.jobs.info, namespace, name);
    let fresh: Stored<Job>;
    try {
      fresh = await this.ctx.client.get(path);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return;
      throw e;
    }
    const freshAt = expiresAt(fresh);
    if (freshAt === undefined) return;
    if (freshAt > this.ctx.clock.now()) {
      this.timers.get(key)?.cancel();
      this.timers.set(
        key,
        this.ctx.clock.after(freshAt - this.ctx.clock.now(), () => this.queue.add(key)),
      );
      return;
    }
    try {
      await this.ctx.client.delete(path, {
        propagationPolicy: 'Foreground',
        preconditions: { uid: fresh.metadata.uid },
      });
    } catch (e) {
      if (e instanceof KubeApiError && (e.status === 404 || e.status === 409)) return;
      throw e;
    }
  }
}
