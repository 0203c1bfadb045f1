// Writes the PodScheduled condition of pods the scheduler cannot place, and the node preemption nominated them
// to (status.nominatedNodeName), through pods/status, only when they change (as kube-scheduler's updatePod
// does). One write per pod at a time; the latest wish wins.
import type { PodCondition } from 'kubernetes-types/core/v1';
import { ApiClient } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { timestamp } from '../clock';
import type { LivePod } from '../controllers/kit/objects';

export interface Condition {
  reason: string;
  message: string;
}

/** What to write: the condition, and the nominated node ('' clears it; undefined leaves it as it is). */
interface Wish {
  pod: LivePod;
  cond?: Condition;
  nominated?: string;
}

function conditionHolds(pod: LivePod, cond: Condition | undefined): boolean {
  const cur = (pod.status?.conditions ?? []).find((c) => c.type === 'PodScheduled');
  return !cond || (cur?.status === 'False' && cur.reason === cond.reason && cur.message === cond.message);
}

function nominationHolds(pod: LivePod, nominated: string | undefined): boolean {
  return nominated === undefined || (pod.status?.nominatedNodeName ?? '') === nominated;
}

/** The condition as written: lastProbeTime null as kube-scheduler sends it; observedGeneration is newer than
 * kubernetes-types. */
type WrittenCondition = Omit<PodCondition, 'lastProbeTime'> & { lastProbeTime: null; observedGeneration?: number };

function statusPath(ns: string, name: string): string {
  return `/api/v1/namespaces/${encodeURIComponent(ns)}/pods/${encodeURIComponent(name)}/status`;
}

export class PodScheduledWriter {
  private readonly wanted = new Map<string, Wish>();
  private readonly busy = new Set<string>();

  constructor(private readonly client: ApiClient) {}

  /** Asks for PodScheduled=False with this reason and message (pod: the latest object seen), and the nomination. */
  set(pod: LivePod, cond: Condition, nominated?: string): void {
    this.wish({ pod, cond, nominated });
  }

  /** Takes back a pod's nomination (preemption gave its node to a pod of higher priority). */
  clearNomination(pod: LivePod): void {
    this.wish({ pod, nominated: '' });
  }

  private wish(w: Wish): void {
    const uid = w.pod.metadata.uid;
    const pending = this.wanted.get(uid);
    if (!pending && conditionHolds(w.pod, w.cond) && nominationHolds(w.pod, w.nominated)) return;
    // a wish about one of the two keeps what was pending about the other
    this.wanted.set(uid, { pod: w.pod, cond: w.cond ?? pending?.cond, nominated: w.nominated ?? pending?.nominated });
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
          await this.write(w);
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
  private async write({ pod, cond, nominated }: Wish): Promise<void> {
    if (pod.spec?.nodeName) return;
    const ops: { op: string; path: string; value?: unknown }[] = [
      { op: 'test', path: '/metadata/resourceVersion', value: pod.metadata.resourceVersion },
    ];
    if (cond && !conditionHolds(pod, cond)) ops.push(conditionOp(pod, cond));
    if (!nominationHolds(pod, nominated)) {
      const had = pod.status?.nominatedNodeName !== undefined;
      if (nominated) ops.push({ op: had ? 'replace' : 'add', path: '/status/nominatedNodeName', value: nominated });
      else ops.push({ op: 'remove', path: '/status/nominatedNodeName' });
    }
    if (ops.length === 1) return;
    await this.client.patch(statusPath(pod.metadata.namespace ?? '', pod.metadata.name), ops, 'json');
  }
}

function conditionOp(pod: LivePod, cond: Condition): { op: string; path: string; value: unknown } {
  const conds = pod.status?.conditions ?? [];
  const i = conds.findIndex((c) => c.type === 'PodScheduled');
  const cur = i >= 0 ? conds[i] : undefined;
  const value: WrittenCondition = {
    type: 'PodScheduled',
    status: 'False',
    lastProbeTime: null,
    lastTransitionTime: cur?.status === 'False' && cur.lastTransitionTime ? cur.lastTransitionTime : timestamp(),
    reason: cond.reason,
    message: cond.message,
  };
  if (typeof pod.metadata.generation === 'number') value.observedGeneration = pod.metadata.generation;
  if (!pod.status?.conditions) return { op: 'add', path: '/status/conditions', value: [value] };
  if (i < 0) return { op: 'add', path: '/status/conditions/-', value };
  return { op: 'replace', path: `/status/conditions/${i}`, value };
}
