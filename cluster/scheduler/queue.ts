// The scheduling queue, after kube-scheduler's: an active queue (higher priority first, then oldest), a
// back-off queue (1 s after the first failure, doubling up to 10 s), and the unschedulable pods, which
// wait for a cluster event that could help them (a node added or changed, a pod deleted ...), or at most
// five minutes. Every delay runs on the cluster clock.
import type { Pod } from 'kubernetes-types/core/v1';
import type { LivePod } from '../controllers/kit/objects';
import { Clock, Timer } from '../clock';

export const INITIAL_BACKOFF_MS = 1000;
export const MAX_BACKOFF_MS = 10_000;
/** how long an unschedulable pod waits without any event before it is tried again */
export const MAX_UNSCHEDULABLE_MS = 5 * 60_000;
const FLUSH_UNSCHEDULABLE_EVERY_MS = 30_000;

/** Cluster changes that may make an unschedulable pod schedulable. */
export type ClusterEvent =
  | 'NodeAdd'
  | 'NodeAllocatableChange'
  | 'NodeLabelChange'
  | 'NodeTaintChange'
  | 'NodeSchedulableChange'
  | 'AssignedPodAdd'
  | 'AssignedPodUpdate'
  | 'AssignedPodDelete'
  | 'PvcChange'
  | 'PvChange'
  | 'StorageClassChange'
  | 'NamespaceChange'
  | 'ForceActivate';

/** Which events each filter's rejection can be lifted by (EnqueueExtensions.EventsToRegister). */
const INTERESTS: Record<string, readonly ClusterEvent[]> = {
  NodeUnschedulable: ['NodeAdd', 'NodeSchedulableChange', 'NodeTaintChange'],
  TaintToleration: ['NodeAdd', 'NodeTaintChange'],
  NodeAffinity: ['NodeAdd', 'NodeLabelChange'],
  NodePorts: ['NodeAdd', 'AssignedPodDelete'],
  NodeResourcesFit: ['NodeAdd', 'NodeAllocatableChange', 'AssignedPodDelete'],
  VolumeBinding: ['NodeAdd', 'NodeLabelChange', 'PvcChange', 'PvChange', 'StorageClassChange'],
  InterPodAffinity: [
    'NodeAdd',
    'NodeLabelChange',
    'AssignedPodAdd',
    'AssignedPodUpdate',
    'AssignedPodDelete',
    'NamespaceChange',
  ],
  PodTopologySpread: [
    'NodeAdd',
    'NodeLabelChange',
    'NodeTaintChange',
    'AssignedPodAdd',
    'AssignedPodUpdate',
    'AssignedPodDelete',
  ],
  // no nodes at all
  NoNodes: ['NodeAdd'],
};

export interface QueuedPod {
  uid: string;
  pod: LivePod;
  priority: number;
  /** when the pod entered the queue, or last failed: the tie-breaker among equal priorities */
  enqueued: number;
  seq: number;
  attempts: number;
  lastFailure: number;
  /** the plugins that rejected the pod in its last attempt */
  rejectors: Set<string>;
  unschedulableSince?: number;
}

type Where = 'active' | 'backoff' | 'unschedulable' | 'gated' | 'inFlight';

/** A queued pod's place in a heap: its order key (enqueue time, or back-off expiry) when it was put there. */
interface Entry {
  qp: QueuedPod;
  seq: number;
  priority: number;
  order: number;
}

/** A binary heap ordered by a less-than function. */
class Heap<T> {
  private readonly items: T[] = [];
  constructor(private readonly less: (a: T, b: T) => boolean) {}
  get size(): number {
    return this.items.length;
  }
  peek(): T | undefined {
    return this.items[0];
  }
  push(x: T): void {
    const a = this.items;
    a.push(x);
    let i = a.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(a[i], a[p])) break;
      [a[i], a[p]] = [a[p], a[i]];
      i = p;
    }
  }
  pop(): T | undefined {
    const a = this.items;
    if (a.length === 0) return undefined;
    const top = a[0];
    const last = a.pop()!;
    if (a.length) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && this.less(a[l], a[m])) m = l;
        if (r < a.length && this.less(a[r], a[m])) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m], a[i]];
        i = m;
      }
    }
    return top;
  }
}

export function hasSchedulingGates(pod: Pod | undefined): boolean {
  return (pod?.spec?.schedulingGates ?? []).length > 0;
}

export class SchedulingQueue {
  // heap entries are snapshots, invalidated lazily: one counts only while its seq is the pod's current one
  private readonly active = new Heap<Entry>((a, b) =>
    a.priority !== b.priority ? a.priority > b.priority : a.order !== b.order ? a.order < b.order : a.seq < b.seq,
  );
  private readonly backoff = new Heap<Entry>((a, b) => a.order < b.order);
  private readonly pods = new Map<string, { qp: QueuedPod; where: Where }>();
  /** rejecting plugin → unschedulable pods it rejected, so an event touches only pods it may help */
  private readonly byRejector = new Map<string, Set<string>>();
  private nextSeq = 1;
  private backoffTimer?: Timer;
  private backoffTimerAt = Infinity;
  private readonly flushTimer: Timer;
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly onActive: () => void,
  ) {
    this.flushTimer = clock.every(FLUSH_UNSCHEDULABLE_EVERY_MS, () => this.flushUnschedulable());
  }

  stop(): void {
    this.stopped = true;
    this.flushTimer.cancel();
    this.backoffTimer?.cancel();
  }

  /** Pods known to the queue (waiting anywhere or being scheduled). */
  get size(): number {
    return this.pods.size;
  }

  has(uid: string): boolean {
    return this.pods.has(uid);
  }

  /** A new pending pod. */
  add(pod: LivePod, priority: number): void {
    const uid = pod.metadata.uid;
    if (this.pods.has(uid)) return this.update(pod, priority, false);
    const qp: QueuedPod = {
      uid,
      pod,
      priority,
      enqueued: this.clock.now(),
      seq: 0,
      attempts: 0,
      lastFailure: 0,
      rejectors: new Set(),
    };
    if (hasSchedulingGates(pod)) this.pods.set(uid, { qp, where: 'gated' });
    else this.toActive(qp);
  }

  /**
   * A pending pod changed. A gated pod whose gates are gone becomes active; an unschedulable pod whose
   * spec or labels changed is worth another try; status-only changes (ours included) move nothing.
   */
  update(pod: LivePod, priority: number, specOrLabelsChanged: boolean): void {
    const e = this.pods.get(pod.metadata.uid);
    if (!e) return this.add(pod, priority);
    e.qp.pod = pod;
    // (a pod's priority cannot change; a heap entry keeps the one it was queued with)
    e.qp.priority = priority;
    if (e.where === 'gated' && !hasSchedulingGates(pod)) this.toActive(e.qp);
    else if (e.where === 'unschedulable' && specOrLabelsChanged) this.toActiveOrBackoff(e.qp);
  }

  delete(uid: string): void {
    this.leave(uid);
    this.pods.delete(uid);
  }

  /** The next pod to schedule, marked in flight; undefined when none is ready. */
  pop(): QueuedPod | undefined {
    for (;;) {
      const entry = this.active.pop();
      if (!entry) return undefined;
      const qp = entry.qp;
      const e = this.pods.get(qp.uid);
      if (!e || e.where !== 'active' || e.qp !== qp || qp.seq !== entry.seq) continue;
      e.where = 'inFlight';
      qp.attempts++;
      return qp;
    }
  }

  /** The attempt ended with the pod placed (or gone): the queue forgets it. */
  done(uid: string): void {
    this.leave(uid);
    this.pods.delete(uid);
  }

  /** The attempt found no node; the pod waits for an event one of its rejectors cares about. */
  unschedulable(qp: QueuedPod, rejectors: Iterable<string>): void {
    const e = this.pods.get(qp.uid);
    if (!e || e.qp !== qp) return;
    qp.lastFailure = this.clock.now();
    // a pod that failed queues up behind the ones that have not been tried since
    qp.enqueued = qp.lastFailure;
    qp.rejectors = new Set(rejectors);
    qp.unschedulableSince = qp.lastFailure;
    e.where = 'unschedulable';
    for (const r of qp.rejectors) {
      let set = this.byRejector.get(r);
      if (!set) this.byRejector.set(r, (set = new Set()));
      set.add(qp.uid);
    }
  }

  /** Takes a pod out of the unschedulable index when it moves on. */
  private leave(uid: string): void {
    const e = this.pods.get(uid);
    if (e?.where !== 'unschedulable') return;
    for (const r of e.qp.rejectors) this.byRejector.get(r)?.delete(uid);
  }

  /** The attempt failed for another reason (an API error): retry after back-off. */
  error(qp: QueuedPod): void {
    const e = this.pods.get(qp.uid);
    if (!e || e.qp !== qp) return;
    qp.lastFailure = this.clock.now();
    qp.enqueued = qp.lastFailure;
    this.toBackoff(qp);
  }

  /** A cluster event: unschedulable pods one of whose rejectors it concerns are tried again. */
  moveAll(event: ClusterEvent): void {
    const uids = new Set<string>();
    for (const [plugin, set] of this.byRejector) {
      if (set.size && (event === 'ForceActivate' || INTERESTS[plugin]?.includes(event)))
        for (const uid of set) uids.add(uid);
    }
    for (const uid of uids) {
      const e = this.pods.get(uid);
      if (e?.where === 'unschedulable') this.toActiveOrBackoff(e.qp);
    }
  }

  backoffDuration(qp: QueuedPod): number {
    let d = INITIAL_BACKOFF_MS;
    for (let i = 1; i < qp.attempts && d < MAX_BACKOFF_MS; i++) d *= 2;
    return Math.min(d, MAX_BACKOFF_MS);
  }

  private backoffExpiry(qp: QueuedPod): number {
    return qp.lastFailure + this.backoffDuration(qp);
  }

  private toActive(qp: QueuedPod): void {
    this.leave(qp.uid);
    qp.seq = this.nextSeq++;
    qp.unschedulableSince = undefined;
    this.pods.set(qp.uid, { qp, where: 'active' });
    this.active.push({ qp, seq: qp.seq, priority: qp.priority, order: qp.enqueued });
    if (!this.stopped) this.onActive();
  }

  private toBackoff(qp: QueuedPod): void {
    this.leave(qp.uid);
    qp.seq = this.nextSeq++;
    qp.unschedulableSince = undefined;
    this.pods.set(qp.uid, { qp, where: 'backoff' });
    this.backoff.push({ qp, seq: qp.seq, priority: qp.priority, order: this.backoffExpiry(qp) });
    this.armBackoffTimer();
  }

  private toActiveOrBackoff(qp: QueuedPod): void {
    if (qp.attempts > 0 && this.backoffExpiry(qp) > this.clock.now()) this.toBackoff(qp);
    else this.toActive(qp);
  }

  private armBackoffTimer(): void {
    const head = this.backoff.peek();
    if (!head || this.stopped) return;
    const at = head.order;
    if (at >= this.backoffTimerAt) return;
    this.backoffTimer?.cancel();
    this.backoffTimerAt = at;
    this.backoffTimer = this.clock.after(Math.max(0, at - this.clock.now()), () => {
      this.backoffTimerAt = Infinity;
      this.flushBackoff();
    });
  }

  private flushBackoff(): void {
    const now = this.clock.now();
    for (;;) {
      const head = this.backoff.peek();
      if (!head) break;
      const e = this.pods.get(head.qp.uid);
      if (!e || e.where !== 'backoff' || e.qp !== head.qp || head.seq !== head.qp.seq) {
        this.backoff.pop();
        continue;
      }
      if (head.order > now) break;
      this.backoff.pop();
      this.toActive(head.qp);
    }
    this.armBackoffTimer();
  }

  private flushUnschedulable(): void {
    const now = this.clock.now();
    for (const e of this.pods.values()) {
      if (e.where === 'unschedulable' && now - (e.qp.unschedulableSince ?? now) >= MAX_UNSCHEDULABLE_MS)
        this.toActiveOrBackoff(e.qp);
    }
  }
}
