// Taints and tolerations. A node is treated as carrying the NoSchedule taints the node lifecycle
// controller puts on nodes by their conditions (not Ready, memory, disk or PID pressure, network
// unavailable), so the scheduler keeps pods away for the same reason, with the same message, as Kubernetes.
import type { Node } from 'kubernetes-types/core/v1';

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

export const TAINT_NOT_READY = 'node.kubernetes.io/not-ready';
export const TAINT_UNREACHABLE = 'node.kubernetes.io/unreachable';
export const TAINT_UNSCHEDULABLE = 'node.kubernetes.io/unschedulable';

/** v1 helper ToleratesTaint: empty effect tolerates every effect, an empty key with Exists every key. */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator || 'Equal') {
    case 'Exists':
      return true;
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    default:
      return false;
  }
}

export function tolerationsTolerate(tolerations: readonly Toleration[] | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** The Ready condition's status: 'True', 'False', 'Unknown', or undefined when the node reports none. */
export function readyStatus(node: Node | undefined): string | undefined {
  return (node?.status?.conditions ?? []).find((c) => c.type === 'Ready')?.status;
}

/** Conditions that, when True, taint a node (TaintNodesByCondition). */
const CONDITION_TAINTS: Record<string, string> = {
  MemoryPressure: 'node.kubernetes.io/memory-pressure',
  DiskPressure: 'node.kubernetes.io/disk-pressure',
  PIDPressure: 'node.kubernetes.io/pid-pressure',
  NetworkUnavailable: 'node.kubernetes.io/network-unavailable',
};

/** The node's taints plus those the node lifecycle controller derives from its conditions. */
export function effectiveTaints(node: Node | undefined): Taint[] {
  const taints: Taint[] = [...(node?.spec?.taints ?? [])];
  const add = (key: string) => {
    if (!taints.some((t) => t.key === key && t.effect === 'NoSchedule')) taints.push({ key, effect: 'NoSchedule' });
  };
  const ready = readyStatus(node);
  if (ready !== 'True') add(ready === 'Unknown' ? TAINT_UNREACHABLE : TAINT_NOT_READY);
  for (const c of node?.status?.conditions ?? [])
    if (c.status === 'True' && CONDITION_TAINTS[c.type]) add(CONDITION_TAINTS[c.type]);
  return taints;
}
