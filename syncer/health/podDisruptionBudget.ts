// PodDisruptionBudget: whether enough of its pods are healthy.
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { conditionOf, count, specNotObserved } from './conditions';
import { Health } from './types';

/**
 * Progressing until the disruption controller has observed it and while fewer pods are healthy than it asks
 * for (their workload's own health says whether that is a rollout or a failure); Degraded when the controller
 * cannot compute it (SyncFailed); else Healthy, saying whether a disruption is allowed now.
 */
export function podDisruptionBudgetHealth(live: PodDisruptionBudget): Health {
  const allowed = conditionOf(live, 'DisruptionAllowed');
  if (specNotObserved(live) || !allowed)
    return { status: 'Progressing', message: 'Waiting for the budget to be computed' };
  if (allowed.reason === 'SyncFailed') return { status: 'Degraded', message: allowed.message || 'SyncFailed' };
  const current = count(live.status?.currentHealthy);
  const desired = count(live.status?.desiredHealthy);
  const pods = `${current} of ${desired} required pods healthy`;
  if (current < desired) return { status: 'Progressing', message: pods };
  const disruptions = count(live.status?.disruptionsAllowed);
  return { status: 'Healthy', message: `${pods}, ${disruptions} disruption${disruptions === 1 ? '' : 's'} allowed` };
}
