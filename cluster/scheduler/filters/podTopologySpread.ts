// PodTopologySpread: topologySpreadConstraints. DoNotSchedule constraints filter: placing the pod in a
// node's domain must not make that domain exceed the least-populated domain by more than maxSkew.
// ScheduleAnyway constraints (and, for pods without constraints, the cluster defaults: hostname skew 3,
// zone skew 5, selecting the pod's Service, ReplicaSet, StatefulSet or ReplicationController) only score.
import { fromLabelSelector, matchesLabels, NOTHING, Requirement, Selector } from '../../../kube/labelSelector';
import { NodeInfo } from '../cache';
import { CycleState, FilterPlugin, unresolvable, unschedulable } from '../framework';
import { podMatchesNodeSelectorAndAffinity } from '../nodeSelector';
import { PodInfo } from '../podInfo';
import { tolerationsTolerate } from '../taints';

const NAME = 'PodTopologySpread';
const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';

export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  honorNodeAffinity: boolean;
  honorTaints: boolean;
}

function constraintsOf(pod: PodInfo, when: 'DoNotSchedule' | 'ScheduleAnyway'): Constraint[] {
  const out: Constraint[] = [];
  for (const c of pod.pod.spec?.topologySpreadConstraints ?? []) {
    if (c.whenUnsatisfiable !== when) continue;
    let selector: Selector;
    try {
      selector = fromLabelSelector(c.labelSelector);
    } catch {
      selector = NOTHING;
    }
    // matchLabelKeys narrow the selector to pods with the same values (pod-template-hash: the same revision)
    const extra: Requirement[] = [];
    for (const k of c.matchLabelKeys ?? [])
      if (k in pod.labels) extra.push({ key: k, operator: 'In', values: [pod.labels[k]] });
    if (extra.length && !selector.nothing) selector = { requirements: [...selector.requirements, ...extra] };
    out.push({
      maxSkew: c.maxSkew ?? 1,
      topologyKey: c.topologyKey,
      selector,
      minDomains: c.minDomains ?? 1,
      honorNodeAffinity: (c.nodeAffinityPolicy ?? 'Honor') === 'Honor',
      honorTaints: c.nodeTaintsPolicy === 'Honor',
    });
  }
  return out;
}

/** The cluster-level default constraints, for a pod that brings none and belongs to a workload. */
function defaultConstraints(state: CycleState): Constraint[] {
  const pod = state.pod;
  if ((pod.pod.spec?.topologySpreadConstraints ?? []).length) return [];
  const requirements = state.lookups.workloadSelectors(pod).flatMap((s) => s.requirements);
  if (requirements.length === 0) return [];
  const selector: Selector = { requirements };
  const base = { selector, minDomains: 1, honorNodeAffinity: true, honorTaints: false };
  return [
    { ...base, maxSkew: 3, topologyKey: HOSTNAME },
    { ...base, maxSkew: 5, topologyKey: ZONE },
  ];
}

function eligible(c: Constraint, pod: PodInfo, node: NodeInfo): boolean {
  if (c.honorNodeAffinity && !podMatchesNodeSelectorAndAffinity(pod.pod, node.node)) return false;
  if (c.honorTaints) {
    for (const t of node.taints) {
      if ((t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerationsTolerate(pod.pod.spec?.tolerations, t))
        return false;
    }
  }
  return true;
}

/** Pods of the incoming pod's namespace on the node that the selector picks (terminating ones do not count). */
export function countMatching(node: NodeInfo, selector: Selector, namespace: string): number {
  let n = 0;
  for (const p of node.podsMatching(selector)) {
    if (p.namespace === namespace && !p.pod.metadata?.deletionTimestamp && matchesLabels(selector, p.labels)) n++;
  }
  return n;
}

interface FilterState {
  constraints: Constraint[];
  /** per constraint: domain value → matching pods */
  counts: Map<string, number>[];
}

function hasAllKeys(constraints: Constraint[], node: NodeInfo): boolean {
  return constraints.every((c) => node.labels[c.topologyKey] !== undefined);
}

export const podTopologySpread: FilterPlugin = {
  name: NAME,
  preFilter(state) {
    const constraints = constraintsOf(state.pod, 'DoNotSchedule');
    if (constraints.length === 0) return undefined;
    const counts = constraints.map(() => new Map<string, number>());
    for (const node of state.cache.nodes()) {
      // a node counts only if it has every key the constraints use
      if (!hasAllKeys(constraints, node)) continue;
      constraints.forEach((c, i) => {
        if (!eligible(c, state.pod, node)) return;
        const v = node.labels[c.topologyKey];
        counts[i].set(v, (counts[i].get(v) ?? 0) + countMatching(node, c.selector, state.pod.namespace));
      });
    }
    state.data.set(NAME, { constraints, counts } satisfies FilterState);
    return undefined;
  },
  filter(state, node) {
    const s = state.data.get(NAME) as FilterState | undefined;
    if (!s) return undefined;
    if (!hasAllKeys(s.constraints, node))
      return unresolvable(NAME, "node(s) didn't match pod topology spread constraints (missing required label)");
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i];
      const domains = s.counts[i];
      const min = domains.size < c.minDomains ? 0 : Math.min(...domains.values());
      const self = matchesLabels(c.selector, state.pod.labels) ? 1 : 0;
      const skew = (domains.get(node.labels[c.topologyKey]) ?? 0) + self - min;
      if (skew > c.maxSkew) return unschedulable(NAME, "node(s) didn't match pod topology spread constraints");
    }
    return undefined;
  },
  updateWithPod(state, p, node, delta) {
    const s = state.data.get(NAME) as FilterState | undefined;
    // counted as preFilter counts: same namespace, not terminating, on a node with every key
    if (!s || p.namespace !== state.pod.namespace || p.pod.metadata?.deletionTimestamp) return;
    if (!hasAllKeys(s.constraints, node)) return;
    s.constraints.forEach((c, i) => {
      if (!eligible(c, state.pod, node) || !matchesLabels(c.selector, p.labels)) return;
      const v = node.labels[c.topologyKey];
      s.counts[i].set(v, (s.counts[i].get(v) ?? 0) + delta);
    });
  },
  cloneData(data) {
    const s = data as FilterState;
    return { constraints: s.constraints, counts: s.counts.map((m) => new Map(m)) } satisfies FilterState;
  },
};

/**
 * The PodTopologySpread score of feasible nodes (0..100, higher for emptier domains), or undefined when
 * the pod has no constraints to score by.
 */
export function topologySpreadScores(state: CycleState, nodes: NodeInfo[]): number[] | undefined {
  const pod = state.pod;
  let constraints = constraintsOf(pod, 'ScheduleAnyway');
  // the pod's own constraints need every key on a node; the defaults take what each node has
  const requireAll = constraints.length > 0;
  if (!requireAll) constraints = defaultConstraints(state);
  if (constraints.length === 0) return undefined;
  const ignored = nodes.map((n) => requireAll && !hasAllKeys(constraints, n));
  const counts = constraints.map(() => new Map<string, number>());
  const domains = constraints.map(() => new Set<string>());
  nodes.forEach((n, j) => {
    if (ignored[j]) return;
    constraints.forEach((c, i) => {
      const v = n.labels[c.topologyKey];
      if (v !== undefined) domains[i].add(v);
    });
  });
  for (const node of state.cache.nodes()) {
    if (requireAll && !hasAllKeys(constraints, node)) continue;
    constraints.forEach((c, i) => {
      if (c.topologyKey === HOSTNAME || !eligible(c, pod, node)) return;
      const v = node.labels[c.topologyKey];
      if (v === undefined || !domains[i].has(v)) return;
      counts[i].set(v, (counts[i].get(v) ?? 0) + countMatching(node, c.selector, pod.namespace));
    });
  }
  // the hostname "domains" are the nodes being scored
  const weights = constraints.map((c, i) =>
    Math.log((c.topologyKey === HOSTNAME ? ignored.filter((x) => !x).length : domains[i].size) + 2),
  );
  const raw = nodes.map((n, j) => {
    if (ignored[j]) return 0;
    let score = 0;
    constraints.forEach((c, i) => {
      const v = n.labels[c.topologyKey];
      if (v === undefined) return;
      const cnt = c.topologyKey === HOSTNAME ? countMatching(n, c.selector, pod.namespace) : (counts[i].get(v) ?? 0);
      score += cnt * weights[i] + (c.maxSkew - 1);
    });
    return Math.round(score);
  });
  let min = Infinity;
  let max = 0;
  raw.forEach((s, j) => {
    if (ignored[j]) return;
    min = Math.min(min, s);
    max = Math.max(max, s);
  });
  return raw.map((s, j) => (ignored[j] ? 0 : max === 0 ? 100 : Math.floor((100 * (max + min - s)) / max)));
}
