// NodeResourcesFit: the pod's effective requests must fit in what the node's allocatable leaves after the
// requests of the pods already on it (bound, or chosen and being bound), and the node's pod count.
// A request larger than the whole allocatable cannot be helped by preemption.
import { FilterPlugin, Status } from '../framework';
import { requestedScalarNames } from '../resources';

export const nodeResourcesFit: FilterPlugin = {
  name: 'NodeResourcesFit',
  filter(state, node) {
    const req = state.pod.requests;
    const alloc = node.allocatable;
    const used = node.requested;
    const reasons: string[] = [];
    let unresolvable = false;
    if (node.pods.size + 1 > alloc.pods) reasons.push('Too many pods');
    const check = (name: string, want: number, have: number, inUse: number) => {
      if (want > 0 && want > have - inUse) {
        reasons.push(`Insufficient ${name}`);
        if (want > have) unresolvable = true;
      }
    };
    check('cpu', req.cpu, alloc.cpu, used.cpu);
    check('memory', req.memory, alloc.memory, used.memory);
    check('ephemeral-storage', req.ephemeralStorage, alloc.ephemeralStorage, used.ephemeralStorage);
    for (const name of requestedScalarNames(req))
      check(name, req.scalar![name], alloc.scalar?.[name] ?? 0, used.scalar?.[name] ?? 0);
    if (reasons.length === 0) return undefined;
    const s: Status = {
      code: unresolvable ? 'UnschedulableAndUnresolvable' : 'Unschedulable',
      reasons,
      plugin: this.name,
    };
    return s;
  },
};
