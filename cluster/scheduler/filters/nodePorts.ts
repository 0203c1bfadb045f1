// NodePorts: a host port (protocol, port, host IP) can be used by one pod per node.
import { FilterPlugin, unschedulable } from '../framework';

export const nodePorts: FilterPlugin = {
  name: 'NodePorts',
  filter(state, node) {
    for (const hp of state.pod.hostPorts) {
      if (node.portConflicts(hp))
        return unschedulable(this.name, "node(s) didn't have free ports for the requested pod ports");
    }
    return undefined;
  },
};
