// TaintToleration: every NoSchedule and NoExecute taint of the node must be tolerated (PreferNoSchedule
// only lowers the node's score). The message names no taint: Kubernetes 1.34 stopped showing taint keys
// and values in pod status.
import { FilterPlugin, unresolvable } from '../framework';
import { tolerationsTolerate } from '../taints';

export const taintToleration: FilterPlugin = {
  name: 'TaintToleration',
  filter(state, node) {
    const tolerations = state.pod.pod.spec?.tolerations;
    for (const taint of node.taints) {
      if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
      if (!tolerationsTolerate(tolerations, taint)) return unresolvable(this.name, 'node(s) had untolerated taint(s)');
    }
    return undefined;
  },
};
