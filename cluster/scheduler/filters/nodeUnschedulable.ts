// NodeUnschedulable: a cordoned node (spec.unschedulable) takes only pods that tolerate the
// node.kubernetes.io/unschedulable:NoSchedule taint.
import { FilterPlugin, unresolvable } from '../framework';
import { TAINT_UNSCHEDULABLE, tolerationsTolerate } from '../taints';

export const nodeUnschedulable: FilterPlugin = {
  name: 'NodeUnschedulable',
  filter(state, node) {
    if (!node.node?.spec?.unschedulable) return undefined;
    if (tolerationsTolerate(state.pod.pod.spec?.tolerations, { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule' }))
      return undefined;
    return unresolvable(this.name, 'node(s) were unschedulable');
  },
};
