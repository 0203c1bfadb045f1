// InterPodAffinity: required pod affinity and anti-affinity by topology domain (a node label such as
// kubernetes.io/hostname or topology.kubernetes.io/zone), in both directions: the incoming pod's terms
// against the pods already placed, and the placed pods' anti-affinity against the incoming pod.
import { NodeInfo } from '../cache';
import { CycleState, FilterPlugin, unresolvable, unschedulable } from '../framework';
import { AffinityTerm, PodInfo, termMatches } from '../podInfo';

const NAME = 'InterPodAffinity';

interface AffinityState {
  /** topology "key=value" → pods there matching all of the incoming pod's affinity terms */
  affinityCounts: Map<string, number>;
  /** topology "key=value" → pods there matching one of the incoming pod's anti-affinity terms */
  antiAffinityCounts: Map<string, number>;
  /** topology "key=value" → placed pods whose anti-affinity rejects the incoming pod there */
  existingAntiAffinityCounts: Map<string, number>;
}

const pair = (key: string, value: string) => `${key}=${value}`;

function bump(m: Map<string, number>, k: string, delta = 1): void {
  const n = (m.get(k) ?? 0) + delta;
  // a domain whose count drops to zero is gone, as if it had never been counted
  if (n) m.set(k, n);
  else m.delete(k);
}

type NamespaceLabels = (ns: string) => Record<string, string> | undefined;

function matchesAll(terms: AffinityTerm[], p: PodInfo, nsLabels: NamespaceLabels): boolean {
  return terms.every((t) => termMatches(t, p, nsLabels));
}

/** A placed pod's required anti-affinity against the incoming pod. */
function countExistingAntiAffinity(
  s: AffinityState,
  pod: PodInfo,
  existing: PodInfo,
  node: NodeInfo,
  nsLabels: NamespaceLabels,
  delta: number,
): void {
  for (const t of existing.requiredAntiAffinity) {
    const v = node.labels[t.topologyKey];
    if (v !== undefined && termMatches(t, pod, nsLabels))
      bump(s.existingAntiAffinityCounts, pair(t.topologyKey, v), delta);
  }
}

/** The incoming pod's required affinity and anti-affinity terms against a placed pod. */
function countIncomingTerms(
  s: AffinityState,
  pod: PodInfo,
  existing: PodInfo,
  node: NodeInfo,
  nsLabels: NamespaceLabels,
  delta: number,
): void {
  if (pod.requiredAffinity.length && matchesAll(pod.requiredAffinity, existing, nsLabels)) {
    for (const t of pod.requiredAffinity) {
      const v = node.labels[t.topologyKey];
      if (v !== undefined) bump(s.affinityCounts, pair(t.topologyKey, v), delta);
    }
  }
  for (const t of pod.requiredAntiAffinity) {
    const v = node.labels[t.topologyKey];
    if (v !== undefined && termMatches(t, existing, nsLabels))
      bump(s.antiAffinityCounts, pair(t.topologyKey, v), delta);
  }
}

function compute(state: CycleState): AffinityState {
  const pod = state.pod;
  const nsLabels = (ns: string) => state.lookups.namespaceLabels(ns);
  const s: AffinityState = {
    affinityCounts: new Map(),
    antiAffinityCounts: new Map(),
    existingAntiAffinityCounts: new Map(),
  };
  // placed pods with required anti-affinity are few; they are tracked apart so this stays cheap
  for (const uid of state.cache.withRequiredAntiAffinity) {
    const existing = state.cache.podInfo(uid);
    const node = existing && state.cache.getNode(state.cache.nodeOf(uid)!);
    if (!existing || !node || existing.uid === pod.uid) continue;
    countExistingAntiAffinity(s, pod, existing, node, nsLabels, 1);
  }
  if (pod.requiredAffinity.length || pod.requiredAntiAffinity.length) {
    for (const [existing, node] of state.cache.allPods()) {
      if (existing.uid !== pod.uid) countIncomingTerms(s, pod, existing, node, nsLabels, 1);
    }
  }
  return s;
}

export const interPodAffinity: FilterPlugin = {
  name: NAME,
  preFilter(state) {
    state.data.set(NAME, compute(state));
    return undefined;
  },
  filter(state, node) {
    const s = state.data.get(NAME) as AffinityState;
    const pod = state.pod;
    const labels = node.labels;
    if (pod.requiredAffinity.length) {
      let podsExist = true;
      for (const t of pod.requiredAffinity) {
        const v = labels[t.topologyKey];
        // the node must carry every topology label the terms use
        if (v === undefined) return unresolvable(NAME, "node(s) didn't match pod affinity rules");
        if (!(s.affinityCounts.get(pair(t.topologyKey, v)) ?? 0)) podsExist = false;
      }
      // the first pod of a group with affinity to itself may go anywhere
      const first = s.affinityCounts.size === 0 && matchesAll(pod.requiredAffinity, pod, () => undefined);
      if (!podsExist && !first) return unresolvable(NAME, "node(s) didn't match pod affinity rules");
    }
    if (s.antiAffinityCounts.size) {
      for (const t of pod.requiredAntiAffinity) {
        const v = labels[t.topologyKey];
        if (v !== undefined && (s.antiAffinityCounts.get(pair(t.topologyKey, v)) ?? 0) > 0) {
          return unschedulable(NAME, "node(s) didn't match pod anti-affinity rules");
        }
      }
    }
    if (s.existingAntiAffinityCounts.size) {
      for (const [k, v] of Object.entries(labels)) {
        if ((s.existingAntiAffinityCounts.get(pair(k, v)) ?? 0) > 0)
          return unschedulable(NAME, "node(s) didn't satisfy existing pods anti-affinity rules");
      }
    }
    return undefined;
  },
  updateWithPod(state, p, node, delta) {
    const s = state.data.get(NAME) as AffinityState | undefined;
    if (!s || p.uid === state.pod.uid) return;
    const nsLabels = (ns: string) => state.lookups.namespaceLabels(ns);
    countExistingAntiAffinity(s, state.pod, p, node, nsLabels, delta);
    countIncomingTerms(s, state.pod, p, node, nsLabels, delta);
  },
  cloneData(data) {
    const s = data as AffinityState;
    return {
      affinityCounts: new Map(s.affinityCounts),
      antiAffinityCounts: new Map(s.antiAffinityCounts),
      existingAntiAffinityCounts: new Map(s.existingAntiAffinityCounts),
    } satisfies AffinityState;
  },
};
