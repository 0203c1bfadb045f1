// Which victims evicting would violate a PodDisruptionBudget, as kube-scheduler's filterPodsWithPDBViolation
// counts: each budget allows status.disruptionsAllowed more, taken by the victims in the order given (most
// important first); pods the budget already lists as disrupted take nothing.
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { budgetsCovering } from '../../controllers/kit/disruptionBudgets';
import { PodInfo } from '../podInfo';

/** kube-scheduler reads a budget without selector terms as covering no pod (eviction reads it as every pod). */
function selectsSomething(b: PodDisruptionBudget): boolean {
  const sel = b.spec?.selector;
  return Object.keys(sel?.matchLabels ?? {}).length > 0 || (sel?.matchExpressions ?? []).length > 0;
}

export function splitByBudgetViolation(
  pods: readonly PodInfo[],
  budgets: readonly PodDisruptionBudget[],
): { violating: PodInfo[]; nonViolating: PodInfo[] } {
  const relevant = budgets.filter(selectsSomething);
  const allowed = new Map(relevant.map((b) => [b, b.status?.disruptionsAllowed ?? 0]));
  const violating: PodInfo[] = [];
  const nonViolating: PodInfo[] = [];
  for (const p of pods) {
    let violated = false;
    for (const b of budgetsCovering(p.pod, relevant)) {
      if (b.status?.disruptedPods?.[p.name]) continue;
      const left = allowed.get(b)! - 1;
      allowed.set(b, left);
      if (left < 0) violated = true;
    }
    (violated ? violating : nonViolating).push(p);
  }
  return { violating, nonViolating };
}
