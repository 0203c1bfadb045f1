// PriorityClasses (scheduling.k8s.io/v1) and the Priority admission of pods, as Kubernetes' scheduling
// registry and plugin/pkg/admission/priority: the two system classes exist from the start and cannot be
// deleted, and a new pod gets spec.priority (and preemptionPolicy) from its priorityClassName or the global
// default class, 0 without either.
import type { PriorityClass } from 'kubernetes-types/scheduling/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../../kube/objects';
import type { Store } from '../../store/types';
import { forbidden } from '../apiErrors';
import type { Strategy } from './strategy';

const PRIORITY_CLASSES = '/registry/scheduling.k8s.io/priorityclasses/';

type Class = KubeObject & PriorityClass;

export const SYSTEM_PRIORITY_CLASSES: Class[] = [
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-node-critical' },
    value: 2000001000,
    description: 'Used for system critical pods that must not be moved from their current node.',
  },
  {
    apiVersion: 'scheduling.k8s.io/v1',
    kind: 'PriorityClass',
    metadata: { name: 'system-cluster-critical' },
    value: 2000000000,
    description:
      'Used for system critical pods that must run in the cluster, but can be moved to another node if necessary.',
  },
];

const SYSTEM_NAMES = new Set(SYSTEM_PRIORITY_CLASSES.map((c) => c.metadata.name));

export const priorityClassStrategy: Strategy = {
  validateDelete(name) {
    if (!SYSTEM_NAMES.has(name)) return;
    throw forbidden(`priorityclasses.scheduling.k8s.io "${name}" is forbidden: cannot delete built-in priority class`, {
      name,
      group: 'scheduling.k8s.io',
      kind: 'priorityclasses',
    });
  },
};

/** Sets a new pod's priority from its class, or refuses a class that does not exist or a priority that differs. */
export function admitPodPriority(store: Store, obj: KubeObject): void {
  const pod = obj as KubeObject & Pod;
  const spec = pod.spec;
  if (!spec) return;
  const name = spec.priorityClassName;
  let pc: Class | undefined;
  if (name) {
    pc = store.get(PRIORITY_CLASSES + name)?.value as Class | undefined;
    if (!pc)
      throw forbidden(`pods "${pod.metadata.name ?? ''}" is forbidden: no PriorityClass with name ${name} was found`, {
        name: pod.metadata.name,
        kind: 'pods',
      });
  } else {
    const classes = store.list(PRIORITY_CLASSES).items.map((e) => e.value as Class);
    pc = classes.find((c) => c.globalDefault);
    if (pc) spec.priorityClassName = pc.metadata.name;
  }
  const priority = pc?.value ?? 0;
  if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority)
    throw forbidden(
      `pods "${pod.metadata.name ?? ''}" is forbidden: the integer value of priority (${spec.priority}) must not be ` +
        `provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
      { name: pod.metadata.name, kind: 'pods' },
    );
  spec.priority = priority;
  if (pc) spec.preemptionPolicy = pc.preemptionPolicy ?? 'PreemptLowerPriority';
}
