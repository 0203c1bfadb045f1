// Taints and tolerations. A node whose Ready condition is not True is treated as carrying the taint the
// node lifecycle controller would put on it (node.kubernetes.io/not-ready or /unreachable, NoSchedule),
// so the scheduler keeps pods away from it for the same reason, with the same message, as Kubernetes.

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
export function readyStatus(node: any): string | undefined {
  return (node?.status?.conditions ?? []).find((c: any) => c.type === 'Ready')?.status;
}

/** The node's taints plus the one a not-ready node gets from the node lifecycle controller. */
export function effectiveTaints(node: any): Taint[] {
  const taints: Taint[] = [...(node?.spec?.taints ?? [])];
  const ready = readyStatus(node);
  if (ready !== 'True') {
    const key = ready === 'Unknown' ? TAINT_UNREACHABLE : TAINT_NOT_READY;
    if (!taints.some((t) => t.key === key && t.effect === 'NoSchedule')) taints.push({ key, effect: 'NoSchedule' });
  }
  return taints;
}
