// Which pods a ReplicaSet removes first when it scales down, in Kubernetes' order
// (controller.ActivePodsWithRanks with LogarithmicScaleDown): unscheduled before scheduled, Pending
// before Unknown before Running, not ready before ready, lower pod-deletion-cost first, pods doubled up
// on a node with related pods first, the most recently ready first, more restarts first, newest first.
// Ready and creation times compare on a log2 scale of their age, so pods of about the same age are
// chosen between at random (by UID) rather than always the very newest.
import type { Pod } from 'kubernetes-types/core/v1';
import { isPodActive, isPodReady, podReadySince } from '../kit/podReadiness';

const PHASE_ORDER: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

interface Ranked<P extends Pod = Pod> {
  pod: P;
  /** how many related active pods share its node */
  rank: number;
}

function deletionCost(pod: Pod): number {
  const v = pod.metadata?.annotations?.[DELETION_COST];
  return v !== undefined && /^-?\d+$/.test(v) ? Number(v) : 0;
}

/** floor(log2(age in ns)), -1 for no age */
function logRank(t: number, now: number): number {
  const d = (now - t) * 1e6;
  return d > 0 ? Math.floor(Math.log2(d)) : -1;
}

function uidLess(a: Pod, b: Pod): boolean {
  return (a.metadata?.uid ?? '') < (b.metadata?.uid ?? '');
}

/** afterOrZero: a zero time sorts first, then the later time */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (!t1 || !t2) return !t1;
  return t1 > t2;
}

function timeLess(t1: number | undefined, t2: number | undefined, a: Pod, b: Pod, now: number): boolean {
  if (!t1 || !t2) return afterOrZero(t1, t2);
  const diff = logRank(t1, now) - logRank(t2, now);
  if (diff === 0) return uidLess(a, b);
  return diff < 0;
}

function less(x: Ranked, y: Ranked, now: number): boolean {
  const a = x.pod;
  const b = y.pod;
  const na = a.spec?.nodeName ?? '';
  const nb = b.spec?.nodeName ?? '';
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const pa = PHASE_ORDER[a.status?.phase ?? ''] ?? 0;
  const pb = PHASE_ORDER[b.status?.phase ?? ''] ?? 0;
  if (pa !== pb) return pa < pb;
  const ra = isPodReady(a);
  const rb = isPodReady(b);
  if (ra !== rb) return !ra;
  const ca = deletionCost(a);
  const cb = deletionCost(b);
  if (ca !== cb) return ca < cb;
  if (x.rank !== y.rank) return x.rank > y.rank;
  if (ra && rb) {
    const ta = podReadySince(a);
    const tb = podReadySince(b);
    if (ta !== tb) return timeLess(ta, tb, a, b, now);
  }
  const ma = maxRestarts(a);
  const mb = maxRestarts(b);
  if (ma !== mb) return ma > mb;
  const ka = Date.parse(a.metadata?.creationTimestamp ?? '') || 0;
  const kb = Date.parse(b.metadata?.creationTimestamp ?? '') || 0;
  if (ka !== kb) return timeLess(ka, kb, a, b, now);
  return false;
}

/**
 * getPodsToDelete: the `count` pods to delete first. `related` are the pods of every ReplicaSet with
 * the same owner (this one included); the active ones count towards "doubled up" on a node.
 */
export function podsToDelete<P extends Pod>(
  pods: readonly P[],
  related: readonly Pod[],
  count: number,
  now: number,
): P[] {
  if (count >= pods.length) return [...pods];
  const perNode = new Map<string, number>();
  for (const p of related) {
    if (!isPodActive(p)) continue;
    const n = p.spec?.nodeName ?? '';
    perNode.set(n, (perNode.get(n) ?? 0) + 1);
  }
  const ranked: Ranked<P>[] = pods.map((pod) => ({ pod, rank: perNode.get(pod.spec?.nodeName ?? '') ?? 0 }));
  ranked.sort((x, y) => (less(x, y, now) ? -1 : less(y, x, now) ? 1 : 0));
  return ranked.slice(0, count).map((r) => r.pod);
}

/** The highest restart count among the pod's containers. */
export function maxRestarts(pod: Pod): number {
  let n = 0;
  for (const s of pod.status?.containerStatuses ?? []) n = Math.max(n, s.restartCount ?? 0);
  return n;
}
