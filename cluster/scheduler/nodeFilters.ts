// Running the filter plugins on one node, as the framework's RunFilterPluginsWithNominatedPods does, and the
// dry-run changes that nominated pods and preemption make to a node: a pod added or removed on the NodeInfo,
// with every plugin's PreFilter data kept in step. Dry runs change the cache's own NodeInfo and undo it
// before they return (decisions are synchronous), on a copy of the cycle state.
import { NodeInfo } from './cache';
import { CycleState, Status } from './framework';
import { FILTERS } from './filters';
import { PodInfo } from './podInfo';

/** The first rejection of the pod on the node, as the node stands. */
export function runFilters(state: CycleState, node: NodeInfo): Status | undefined {
  for (const f of FILTERS) {
    const s = f.filter(state, node);
    if (s) return s;
  }
  return undefined;
}

/** A copy of the cycle state whose plugin data a dry run may change. */
export function cloneState(state: CycleState): CycleState {
  const data = new Map(state.data);
  for (const f of FILTERS) {
    if (f.cloneData && data.has(f.name)) data.set(f.name, f.cloneData(data.get(f.name)));
  }
  return { ...state, data };
}

export function addPodTo(state: CycleState, pod: PodInfo, node: NodeInfo): void {
  node.addPod(pod);
  for (const f of FILTERS) f.updateWithPod?.(state, pod, node, 1);
}

export function removePodFrom(state: CycleState, pod: PodInfo, node: NodeInfo): void {
  node.removePod(pod.uid);
  for (const f of FILTERS) f.updateWithPod?.(state, pod, node, -1);
}

/**
 * The filters with the pods nominated to this node (of the pod's priority or higher) counted as if they ran
 * there, so room that preemption made goes to the pod it was made for; they must pass without them too
 * (a nominated pod must not be what satisfies the pod's affinity).
 */
export function filterWithNominated(
  state: CycleState,
  node: NodeInfo,
  nominated: readonly PodInfo[],
): Status | undefined {
  if (nominated.length === 0) return runFilters(state, node);
  const extra = nominated.filter(
    (p) => p.uid !== state.pod.uid && p.priority >= state.pod.priority && !node.pods.has(p.uid),
  );
  if (extra.length === 0) return runFilters(state, node);
  const withThem = cloneState(state);
  let status: Status | undefined;
  try {
    for (const p of extra) addPodTo(withThem, p, node);
    status = runFilters(withThem, node);
  } finally {
    for (const p of extra) node.removePod(p.uid);
  }
  return status ?? runFilters(state, node);
}
