// NodeAffinity: spec.nodeSelector and required node affinity. PreFilter narrows the nodes to look at
// when the terms name nodes (matchFields metadata.name In ...), as DaemonSet pods do.
import { FilterPlugin, unresolvable } from '../framework';
import { podMatchesNodeSelectorAndAffinity, requiredNodeNames } from '../nodeSelector';

export const NODE_AFFINITY = 'NodeAffinity';

export const nodeAffinity: FilterPlugin = {
  name: NODE_AFFINITY,
  preFilter(state) {
    const names = requiredNodeNames(state.pod.pod);
    if (names && names.size === 0) return unresolvable(this.name, 'pod affinity terms conflict');
    if (names) state.data.set(this.name, names);
    return undefined;
  },
  filter(state, node) {
    if (podMatchesNodeSelectorAndAffinity(state.pod.pod, node.node)) return undefined;
    return unresolvable(this.name, "node(s) didn't match Pod's node affinity/selector");
  },
};
