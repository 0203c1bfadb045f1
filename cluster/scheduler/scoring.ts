// Scoring of the nodes a pod fits on, with the plugins and weights of Kubernetes' default profile:
//   NodeResourcesFit (LeastAllocated: the node with the most room left)      weight 1
//   NodeResourcesBalancedAllocation (cpu and memory used in like proportion) weight 1
//   TaintToleration (fewest untolerated PreferNoSchedule taints)              weight 3
//   NodeAffinity (preferred node affinity)                                     weight 2
//   PodTopologySpread (emptier topology domains; cluster defaults for workloads) weight 2
//   InterPodAffinity (preferred pod affinity and anti-affinity)               weight 2
// Each plugin scores 0..100; the highest weighted sum wins, ties broken at random.
import { NodeInfo } from './cache';
import { CycleState } from './framework';
import { topologySpreadScores } from './filters/podTopologySpread';
import { termMatchesNode } from './nodeSelector';
import { PodInfo, termMatches } from './podInfo';
import { Resources } from './resources';
import { tolerationsTolerate } from './taints';

const MAX_SCORE = 100;

function leastRequested(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.floor(((capacity - requested) * MAX_SCORE) / capacity);
}

/** LeastAllocated over cpu and memory (weights 1 and 1), counting requests with the non-zero defaults. */
export function leastAllocatedScore(pod: PodInfo, node: NodeInfo): number {
  let sum = 0;
  let weights = 0;
  const pairs: [number, number][] = [
    [node.nonZeroRequested.cpu + pod.nonZeroRequests.cpu, node.allocatable.cpu],
    [node.nonZeroRequested.memory + pod.nonZeroRequests.memory, node.allocatable.memory],
  ];
  for (const [req, alloc] of pairs) {
    if (alloc === 0) continue;
    sum += leastRequested(req, alloc);
    weights++;
  }
  return weights ? Math.floor(sum / weights) : 0;
}

function isBestEffort(r: Resources): boolean {
  return r.cpu === 0 && r.memory === 0;
}

/** BalancedAllocation: 100 × (1 − the spread of the cpu and memory fractions the node would have in use). */
export function balancedAllocationScore(pod: PodInfo, node: NodeInfo): number {
  const fractions: number[] = [];
  const pairs: [number, number][] = [
    [node.requested.cpu + pod.requests.cpu, node.allocatable.cpu],
    [node.requested.memory + pod.requests.memory, node.allocatable.memory],
  ];
  for (const [req, alloc] of pairs) {
    if (alloc === 0) continue;
    fractions.push(Math.min(1, req / alloc));
  }
  let std = 0;
  if (fractions.length === 2) std = Math.abs((fractions[0] - fractions[1]) / 2);
  return Math.trunc((1 - std) * MAX_SCORE);
}

function countIntolerablePreferNoSchedule(pod: PodInfo, node: NodeInfo): number {
  const tolerations = (pod.pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === 'PreferNoSchedule');
  let n = 0;
  for (const taint of node.taints)
    if (taint.effect === 'PreferNoSchedule' && !tolerationsTolerate(tolerations, taint)) n++;
  return n;
}

function preferredNodeAffinity(pod: PodInfo, node: NodeInfo): number {
  let sum = 0;
  for (const p of pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []) {
    if (p.weight && p.preference && termMatchesNode(p.preference, node.node)) sum += p.weight;
  }
  return sum;
}

/** helper.DefaultNormalizeScore */
function normalize(scores: number[], reverse: boolean): number[] {
  const max = Math.max(0, ...scores);
  if (max === 0) return scores.map(() => (reverse ? MAX_SCORE : 0));
  return scores.map((s) => {
    const v = Math.floor((MAX_SCORE * s) / max);
    return reverse ? MAX_SCORE - v : v;
  });
}

/**
 * InterPodAffinity scoring: per topology domain, the weights of the incoming pod's preferred terms that
 * placed pods match (anti-affinity subtracts), plus placed pods' terms that match the incoming pod
 * (required affinity counting with weight 1); a node scores the sum over its domains, then min-max scaled.
 */
function interPodAffinityScores(state: CycleState, nodes: NodeInfo[]): number[] | undefined {
  const pod = state.pod;
  const nsLabels = (ns: string) => state.lookups.namespaceLabels(ns);
  const hasOwn = pod.preferredAffinity.length > 0 || pod.preferredAntiAffinity.length > 0;
  if (!hasOwn && state.cache.withAffinity.size === 0) return undefined;
  const byTopology = new Map<string, number>();
  const addTo = (key: string, node: NodeInfo, w: number) => {
    const v = node.labels[key];
    if (v === undefined || w === 0) return;
    const k = `${key}=${v}`;
    byTopology.set(k, (byTopology.get(k) ?? 0) + w);
  };
  const visit = (existing: PodInfo, node: NodeInfo) => {
    if (existing.uid === pod.uid) return;
    for (const { weight, term } of pod.preferredAffinity)
      if (termMatches(term, existing, nsLabels)) addTo(term.topologyKey, node, weight);
    for (const { weight, term } of pod.preferredAntiAffinity)
      if (termMatches(term, existing, nsLabels)) addTo(term.topologyKey, node, -weight);
    for (const term of existing.requiredAffinity)
      if (termMatches(term, pod, nsLabels)) addTo(term.topologyKey, node, 1);
    for (const { weight, term } of existing.preferredAffinity)
      if (termMatches(term, pod, nsLabels)) addTo(term.topologyKey, node, weight);
    for (const { weight, term } of existing.preferredAntiAffinity)
      if (termMatches(term, pod, nsLabels)) addTo(term.topologyKey, node, -weight);
  };
  if (hasOwn) {
    for (const [p, n] of state.cache.allPods()) visit(p, n);
  } else {
    for (const uid of state.cache.withAffinity) {
      const p = state.cache.podInfo(uid);
      const n = p && state.cache.getNode(state.cache.nodeOf(uid)!);
      if (p && n) visit(p, n);
    }
  }
  if (byTopology.size === 0) return undefined;
  const raw = nodes.map((n) => {
    let s = 0;
    for (const [k, v] of Object.entries(n.labels)) s += byTopology.get(`${k}=${v}`) ?? 0;
    return s;
  });
  const min = Math.min(...raw);
  const max = Math.max(...raw);
  return raw.map((s) => (max - min > 0 ? Math.trunc((MAX_SCORE * (s - min)) / (max - min)) : 0));
}

export interface NodeScore {
  node: NodeInfo;
  total: number;
}

export function scoreNodes(state: CycleState, nodes: NodeInfo[]): NodeScore[] {
  const pod = state.pod;
  const totals = nodes.map((n) => leastAllocatedScore(pod, n));
  if (!isBestEffort(pod.requests)) nodes.forEach((n, i) => (totals[i] += balancedAllocationScore(pod, n)));
  normalize(
    nodes.map((n) => countIntolerablePreferNoSchedule(pod, n)),
    true,
  ).forEach((s, i) => (totals[i] += 3 * s));
  if (pod.pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution?.length) {
    normalize(
      nodes.map((n) => preferredNodeAffinity(pod, n)),
      false,
    ).forEach((s, i) => (totals[i] += 2 * s));
  }
  topologySpreadScores(state, nodes)?.forEach((s, i) => (totals[i] += 2 * s));
  interPodAffinityScores(state, nodes)?.forEach((s, i) => (totals[i] += 2 * s));
  return nodes.map((node, i) => ({ node, total: totals[i] }));
}

/** The best-scoring node; among equals each has the same chance, as kube-scheduler's selectHost. */
export function selectHost(scores: NodeScore[]): NodeInfo {
  let best = scores[0];
  let ties = 1;
  for (let i = 1; i < scores.length; i++) {
    const s = scores[i];
    if (s.total > best.total) {
      best = s;
      ties = 1;
    } else if (s.total === best.total) {
      ties++;
      if (Math.random() * ties < 1) best = s;
    }
  }
  return best.node;
}
