// ReplicaSet: its status counters, a ReplicaFailure condition, and its pods.
import { conditionOf, count, specNotObserved } from './conditions';
import { podsOf, stuckPodsMessage } from './pods';
import type { ReplicaSet } from 'kubernetes-types/apps/v1';
import { Health, HealthContext } from './types';

/** Progressing until its replicas are available; Degraded on ReplicaFailure or stuck pods. */
export function replicaSetHealth(live: ReplicaSet, ctx: HealthContext): Health {
  if (specNotObserved(live))
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed replica set generation less than desired generation',
    };
  const failure = conditionOf(live, 'ReplicaFailure');
  if (failure?.status === 'True')
    return { status: 'Degraded', message: failure.message || failure.reason || 'ReplicaSet cannot create pods' };
  const stuck = stuckPodsMessage(podsOf(live, ctx.pods, true));
  if (stuck) return { status: 'Degraded', message: stuck };
  const desired = typeof live.spec?.replicas === 'number' ? live.spec.replicas : 1;
  const available = count(live.status?.availableReplicas);
  if (available < desired)
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} out of ${desired} new replicas are available...`,
    };
  return { status: 'Healthy', message: `${available} of ${desired} replicas available` };
}
