// Writes the PodScheduled condition of pods the scheduler cannot place, through pods/status, only when
// it changes (as kube-scheduler's updatePod does). One write per pod at a time; the latest wish wins.
import type { PodCondition } from 'kubernetes-types/core/v1';
import { ApiClient } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { timestamp } from '../clock';
import type { LivePod } from '../controllers/kit/objects';

export interface Condition {
  reason: string;
  message: string;
}

/** The condition as written: lastProbeTime null as kube-scheduler sends it; observedGeneration is newer than
 * kubernetes-types. */
type WrittenCondition = Omit<PodCondition, 'lastProbeTime'> & { lastProbeTime: null; observedGeneration?: number };

function statusPath(ns: string, name: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/status`;
}

export class PodScheduledWriter {
  private readonly wanted = new Map<string, { pod: LivePod; cond: Condition }>();
  private readonly busy = new Set<string>();

  constructor(private readonly client: ApiClient) {}

  /** Asks for PodScheduled=False with this reason and message (pod: the latest object seen). */
  set(pod: LivePod, cond: Condition): void {
    const uid = pod.metadata.uid;
    const cur = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
    if (!this.wanted.has(uid) && cur?.status === 'False' && cur.reason === cond.reason && cur.message === cond.message)
      return;
    this.wanted.set(uid, { pod, cond });
    if (!this.busy.has(uid)) void this.drain(uid);
  }

  /** The pod got scheduled or went away: nothing more to write. */
  drop(uid: string): void {
    this.wanted.delete(uid);
  }

  private async drain(uid: string): Promise<void> {
    this.busy.add(uid);
    try {
      for (let failures = 0; failures < 5;) {
        const w = this.wanted.get(uid);
        if (!w) return;
        try {
          await this.write(w.pod, w.cond);
          // a newer wish that arrived meanwhile is written in the next round
          if (this.wanted.get(uid) === w) this.wanted.delete(uid);
        } catch (e) {
          if (e instanceof KubeApiError && e.status === 404) break;
          failures++;
          // most likely the pod changed since it was read: read it again
          try {
            const fresh = await this.client.get(statusPath(w.pod.metadata.namespace ?? '', w.pod.metadata.name));
            const cur = this.wanted.get(uid);
            if (cur) cur.pod = fresh;
          } catch {
            break;
          }
        }
      }
      this.wanted.delete(uid);
    } finally {
      this.busy.delete(uid);
    }
  }

  /** One JSON patch, guarded by the resourceVersion it was computed from. */
  private async write(pod: LivePod, cond: Condition): Promise<void> {
    if (pod.spec?.nodeName) return;
    const conds = pod.status?.conditions ?? [];
    const i = conds.findIndex((c) => c.type === 'PodScheduled');
    const cur = i >= 0 ? conds[i] : undefined;
    if (cur?.status === 'False' && cur.reason === cond.reason && cur.message === cond.message) return;
    const value: WrittenCondition = {
      type: 'PodScheduled',
      status: 'False',
      lastProbeTime: null,
      lastTransitionTime: cur?.status === 'False' && cur.lastTransitionTime ? cur.lastTransitionTime : timestamp(),
      reason: cond.reason,
      message: cond.message,
    };
    if (typeof pod.metadata.generation === 'number') value.observedGeneration = pod.metadata.generation;
    const ops: { op: string; path: string; value: unknown }[] = [
      { op: 'test', path: '/metadata/resourceVersion', value: pod.metadata.resourceVersion },
    ];
    if (!pod.status?.conditions) ops.push({ op: 'add', path: '/status/conditions', value: [value] });
    else if (i < 0) ops.push({ op: 'add', path: '/status/conditions/-', value });
    else ops.push({ op: 'replace', path: `/status/conditions/${i}`, value });
    await this.client.patch(statusPath(pod.metadata.namespace ?? '', pod.metadata.name), ops, 'json');
  }
}
