// One scheduling decision, without side effects: PreFilter, Filter on every node, then scoring of the
// nodes that remain. The controller (scheduler.ts) acts on the result; benchmarks call it directly.
import { NodeInfo, SchedulerCache } from './cache';
import { CycleState, Lookups, Status, unresolvable } from './framework';
import { FILTERS } from './filters';
import { NODE_AFFINITY } from './filters/nodeAffinity';
import { fitErrorMessage, NO_NODES_AVAILABLE } from './fitError';
import { PodInfo } from './podInfo';
import { scoreNodes, selectHost } from './scoring';

export type Decision =
  { node: NodeInfo; state: CycleState } | { node?: undefined; message: string; rejectors: Set<string> };

export function decide(pod: PodInfo, cache: SchedulerCache, lookups: Lookups): Decision {
  const all = cache.nodes();
  if (all.length === 0) return { message: NO_NODES_AVAILABLE, rejectors: new Set(['NoNodes']) };
  const state: CycleState = { pod, cache, lookups, data: new Map() };
  for (const f of FILTERS) {
    const s = f.preFilter?.(state);
    if (s) {
      return {
        message: fitErrorMessage(pod.pod, {
          numAllNodes: all.length,
          statuses: new Map(),
          preFilterMsg: s.reasons.join(', '),
        }),
        rejectors: new Set([s.plugin]),
      };
    }
  }
  // node affinity may name the only nodes worth looking at
  const names = state.data.get(NODE_AFFINITY) as Set<string> | undefined;
  const nodes = names ? all.filter((n) => names.has(n.name)) : all;
  const statuses = new Map<string, Status>();
  const feasible: NodeInfo[] = [];
  for (const n of nodes) {
    let status: Status | undefined;
    for (const f of FILTERS) {
      status = f.filter(state, n);
      if (status) break;
    }
    if (status) statuses.set(n.name, status);
    else feasible.push(n);
  }
  if (feasible.length === 0) {
    const rejectors = new Set([...statuses.values()].map((s) => s.plugin));
    const absent = names
      ? unresolvable(NODE_AFFINITY, `node(s) didn't satisfy plugin(s) [${NODE_AFFINITY}]`)
      : undefined;
    if (absent && nodes.length < all.length) rejectors.add(NODE_AFFINITY);
    return { message: fitErrorMessage(pod.pod, { numAllNodes: all.length, statuses, absent }), rejectors };
  }
  const node = feasible.length === 1 ? feasible[0] : selectHost(scoreNodes(state, feasible));
  return { node, state };
}
