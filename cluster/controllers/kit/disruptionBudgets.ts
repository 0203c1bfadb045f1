// PodDisruptionBudgets as a pod's eviction sees them: which budgets cover a pod and whether one more
// voluntary disruption is allowed, from the status the disruption controller keeps
// (disruptionController.ts). The Eviction subresource asks evictionVerdict before it deletes a pod.
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import { fromLabelSelector, matchesLabels } from '../../../kube/labelSelector';

/** The budgets of the pod's namespace whose selector matches it (an empty selector matches nothing in policy/v1beta1
 * but everything in policy/v1; the embedded cluster serves policy/v1). */
export function budgetsCovering(pod: Pod, budgets: readonly PodDisruptionBudget[]): PodDisruptionBudget[] {
  return budgets.filter((b) => {
    if (b.metadata?.namespace !== pod.metadata?.namespace) return false;
    try {
      return matchesLabels(fromLabelSelector(b.spec?.selector ?? {}), pod.metadata?.labels);
    } catch {
      return false;
    }
  });
}

export type EvictionVerdict =
  | { allowed: true; budget?: PodDisruptionBudget }
  | { allowed: false; budget?: PodDisruptionBudget; status: 429 | 500; message: string; cause?: string };

/**
 * Whether evicting the pod keeps its budget, as kube-apiserver's eviction REST decides: no budget, or one whose
 * status is current and allows a disruption (the caller then lowers disruptionsAllowed by one in the budget's
 * status, recording the pod under disruptedPods); more than one budget is an error.
 */
export function evictionVerdict(pod: Pod, budgets: readonly PodDisruptionBudget[]): EvictionVerdict {
  const covering = budgetsCovering(pod, budgets);
  if (!covering.length) return { allowed: true };
  if (covering.length > 1)
    return {
      allowed: false,
      status: 500,
      message: 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.',
    };
  const budget = covering[0];
  const status = budget.status;
  const tooMany = "Cannot evict pod as it would violate the pod's disruption budget.";
  if ((status?.observedGeneration ?? 0) < (budget.metadata?.generation ?? 0))
    return { allowed: false, budget, status: 429, message: tooMany, cause: 'the budget is being processed' };
  if ((status?.disruptionsAllowed ?? 0) > 0) return { allowed: true, budget };
  return {
    allowed: false,
    budget,
    status: 429,
    message: tooMany,
    cause:
      `The disruption budget ${budget.metadata?.name} needs ${status?.desiredHealthy ?? 0} healthy pods and has ` +
      `${status?.currentHealthy ?? 0} currently`,
  };
}
