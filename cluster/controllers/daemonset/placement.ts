// Where a daemon pod may run (the placement half of Kubernetes' DaemonSet controller): judged with the
// scheduler's own node selector and taint rules, so the controller never creates a pod the scheduler
// would not place; and how a pod is pinned to its node.
import type { Affinity, PodSpec, Toleration } from 'kubernetes-types/core/v1';
import { deepClone } from '../../../kube/objects';
import { podMatchesNodeSelectorAndAffinity } from '../../scheduler/nodeSelector';
import { effectiveTaints, tolerationsTolerate } from '../../scheduler/taints';
import type { DaemonSet, Node, Pod } from '../kit/objects';

/** The tolerations Kubernetes adds to every daemon pod, so node conditions do not evict or block it. */
export function daemonTolerations(spec: PodSpec | undefined): Toleration[] {
  const add: Toleration[] = [
    { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' },
    { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' },
    { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' },
  ];
  if (spec?.hostNetwork)
    add.push({ key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
  const tolerations = [...(spec?.tolerations ?? [])];
  for (const t of add) {
    const i = tolerations.findIndex((x) => x.key === t.key && x.effect === t.effect);
    if (i >= 0) tolerations[i] = t;
    else tolerations.push(t);
  }
  return tolerations;
}

/**
 * Whether a daemon pod should run on node, and whether one already there may keep running (a node
 * tainted NoSchedule after the pod started keeps it; NoExecute does not).
 */
export function nodeShouldRunDaemonPod(
  node: Node,
  ds: DaemonSet,
): { shouldRun: boolean; shouldContinueRunning: boolean } {
  // an empty template spec stays empty: validation names what is missing
  const spec = ds.spec.template?.spec ?? ({} as PodSpec);
  if (spec.nodeName && spec.nodeName !== node.metadata.name) return { shouldRun: false, shouldContinueRunning: false };
  if (!podMatchesNodeSelectorAndAffinity({ spec }, node)) return { shouldRun: false, shouldContinueRunning: false };
  const tolerations = daemonTolerations(spec);
  // the taints the scheduler sees, including the one a node that is not Ready stands for
  const untolerated = effectiveTaints(node).filter(
    (t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerationsTolerate(tolerations, t),
  );
  if (untolerated.length === 0) return { shouldRun: true, shouldContinueRunning: true };
  return { shouldRun: false, shouldContinueRunning: !untolerated.some((t) => t.effect === 'NoExecute') };
}

/** The node a daemon pod is on, or is pinned to by its node affinity before it is scheduled. */
export function targetNode(pod: Pod): string | undefined {
  if (pod.spec?.nodeName) return pod.spec.nodeName;
  const terms =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  for (const term of terms) {
    for (const f of term.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In' && f.values?.length === 1) return f.values[0];
    }
  }
  return undefined;
}

/** The template's affinity with its required node terms replaced by "this node" (matchFields metadata.name). */
export function pinToNode(affinity: Affinity | undefined, nodeName: string): Affinity {
  const a: Affinity = deepClone(affinity ?? {});
  a.nodeAffinity = a.nodeAffinity ?? {};
  a.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution = {
    nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] }],
  };
  return a;
}
