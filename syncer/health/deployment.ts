// Deployment: the rollout state kubectl rollout status reports, plus its current pods.
import { conditionOf, count, specNotObserved } from './conditions';
import { currentRevisionPods, podsOf, stuckPodsMessage } from './pods';
import type { Deployment, DeploymentSpec, DeploymentStatus } from 'kubernetes-types/apps/v1';
import { Health, HealthContext } from './types';

/** The rollout state `kubectl rollout status` reports; Suspended when paused, Degraded when stuck. */
export function deploymentHealth(live: Deployment, ctx: HealthContext): Health {
  const spec: Partial<DeploymentSpec> = live.spec ?? {};
  const status: DeploymentStatus = live.status ?? {};
  if (spec.paused) return { status: 'Suspended', message: 'Deployment is paused' };
  if (specNotObserved(live))
    return {
      status: 'Progressing',
      message: 'Waiting for rollout to finish: observed deployment generation less than desired generation',
    };
  const progressing = conditionOf(live, 'Progressing');
  if (progressing?.status === 'False' && progressing.reason === 'ProgressDeadlineExceeded') {
    return {
      status: 'Degraded',
      message: progressing.message || `Deployment "${live.metadata?.name}" exceeded its progress deadline`,
    };
  }
  // pods of older revisions may crash while a rollout replaces them; only the newest revision counts
  const stuck = stuckPodsMessage(currentRevisionPods(podsOf(live, ctx.pods, false), 'pod-template-hash'));
  if (stuck) return { status: 'Degraded', message: stuck };
  const desired = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const replicas = count(status.replicas);
  const updated = count(status.updatedReplicas);
  const available = count(status.availableReplicas);
  if (updated < desired)
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${updated} out of ${desired} new replicas have been updated...`,
    };
  if (replicas > updated)
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${replicas - updated} old replicas are pending termination...`,
    };
  if (available < updated)
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} of ${updated} updated replicas are available...`,
    };
  return { status: 'Healthy', message: `${available} of ${desired} replicas available` };
}
