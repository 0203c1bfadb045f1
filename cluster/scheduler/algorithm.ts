// One scheduling decision, without side effects: PreFilter, Filter on every node (the pod's nominated node
// first), then scoring of the nodes that remain. The controller (scheduler.ts) acts on the result, and asks
// preemption (preemption/) about a pod that fits nowhere; benchmarks call it directly.
import { NodeInfo, SchedulerCache } from './cache';
import { CycleState, Lookups, Status, unresolvable } from './framework';
import { FILTERS } from './filters';
import { NODE_AFFINITY } from './filters/nodeAffinity';
import { Diagnosis } from './fitError';
import { filterWithNominated } from './nodeFilters';
import { Nominator } from './nominator';
import { PodInfo } from './podInfo';
import { scoreNodes, selectHost } from './scoring';

export type Decision =
  | { node: NodeInfo; state: CycleState }
  | { node?: undefined; noNodes: true; rejectors: Set<string> }
  | { node?: undefined; noNodes?: false; diagnosis: Diagnosis; state: CycleState; rejectors: Set<string> };

export function decide(
  pod: PodInfo,
  cache: SchedulerCache,
  lookups: Lookups,
  nominator: Nominator = new Nominator(),
): Decision {
  const all = cache.nodes();
  if (all.length === 0) return { noNodes: true, rejectors: new Set(['NoNodes']) };
  const state: CycleState = { pod, cache, lookups, data: new Map() };
  for (const f of FILTERS) {
    const s = f.preFilter?.(state);
    if (s) {
      const diagnosis = { numAllNodes: all.length, statuses: new Map(), preFilterMsg: s.reasons.join(', ') };
      return { diagnosis, state, rejectors: new Set([s.plugin]) };
    }
  }
  // node affinity may name the only nodes worth looking at
  const names = state.data.get(NODE_AFFINITY) as Set<string> | undefined;
  const nodes = names ? all.filter((n) => names.has(n.name)) : all;
  // the node preemption made room on is likely the only one that fits: it is tried first
  const nominatedName = nominator.nodeOf(pod.uid) ?? pod.pod.status?.nominatedNodeName;
  const nominated = nominatedName ? nodes.find((n) => n.name === nominatedName) : undefined;
  if (nominated && !filterWithNominated(state, nominated, nominator.nominatedOn(nominated.name)))
    return { node: nominated, state };
  const statuses = new Map<string, Status>();
  const feasible: NodeInfo[] = [];
  for (const n of nodes) {
    const status = filterWithNominated(state, n, nominator.nominatedOn(n.name));
    if (status) statuses.set(n.name, status);
    else feasible.push(n);
  }
  if (feasible.length === 0) {
    const rejectors = new Set([...statuses.values()].map((s) => s.plugin));
    const absent = names
      ? unresolvable(NODE_AFFINITY, `node(s) didn't satisfy plugin(s) [${NODE_AFFINITY}]`)
      : undefined;
    if (absent && nodes.length < all.length) rejectors.add(NODE_AFFINITY);
    return { diagnosis: { numAllNodes: all.length, statuses, absent }, state, rejectors };
  }
  const node = feasible.length === 1 ? feasible[0] : selectHost(scoreNodes(state, feasible));
  return { node, state };
}
