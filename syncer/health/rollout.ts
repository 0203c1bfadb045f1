// Argo Rollout (argoproj.io): the judgement of Argo CD's health check for Rollouts, on the same fields.
import { conditionOf, count } from './conditions';
import type { HealthStatusCode } from '../../kube/application';
import { Health } from './types';

interface Rollout {
  metadata?: { generation?: number; annotations?: Record<string, string> };
  spec?: { replicas?: number; paused?: boolean; workloadRef?: object; strategy?: { canary?: object } };
  status?: {
    observedGeneration?: number | string;
    workloadObservedGeneration?: number | string;
    phase?: string;
    message?: string;
    pauseConditions?: unknown[];
    replicas?: number;
    updatedReplicas?: number;
    availableReplicas?: number;
    conditions?: unknown;
  };
}

const PHASES: Record<string, HealthStatusCode> = {
  Healthy: 'Healthy',
  Progressing: 'Progressing',
  Degraded: 'Degraded',
  Paused: 'Suspended',
};

/** Whether the rollout controller has acted on the latest spec (and on the referenced workload's). */
function observed(live: Rollout): boolean {
  const status = live.status;
  if (!status) return false;
  const generation = live.metadata?.generation;
  const seen = Number(status.observedGeneration);
  // controllers before v0.10 wrote a hash here: nothing to compare
  if (!Number.isNaN(seen) && typeof generation === 'number' && seen < generation) return false;
  const workloadGeneration = live.metadata?.annotations?.['rollout.argoproj.io/workload-generation'];
  if (live.spec?.workloadRef && workloadGeneration !== undefined)
    return Number(workloadGeneration) === Number(status.workloadObservedGeneration);
  return true;
}

/**
 * Progressing until the controller has observed the spec; then the phase the controller reports (Paused is
 * Suspended); controllers that report none are judged by their conditions (InvalidSpec, an aborted rollout or
 * a missed progress deadline: Degraded), a pause, and their replica counts.
 */
export function rolloutHealth(live: Rollout): Health {
  if (!observed(live)) return { status: 'Progressing', message: 'Waiting for rollout spec update to be observed' };
  const status = live.status!;
  const phase = status.phase && PHASES[status.phase];
  if (phase) return status.message ? { status: phase, message: status.message } : { status: phase };
  const invalid = conditionOf(live, 'InvalidSpec');
  if (invalid) return { status: 'Degraded', message: invalid.message || 'the Rollout spec is invalid' };
  const progressing = conditionOf(live, 'Progressing');
  if (progressing?.reason === 'RolloutAborted' || progressing?.reason === 'ProgressDeadlineExceeded')
    return { status: 'Degraded', message: progressing.message || progressing.reason };
  if (live.spec?.paused || (Array.isArray(status.pauseConditions) && status.pauseConditions.length))
    return { status: 'Suspended', message: 'Rollout is paused' };
  const desired = typeof live.spec?.replicas === 'number' ? live.spec.replicas : 1;
  const updated = count(status.updatedReplicas);
  if (updated < desired)
    return { status: 'Progressing', message: 'Waiting for roll out to finish: More replicas need to be updated' };
  // blue-green keeps old replicas for a scale-down delay, so only a canary waits for them to go
  if (live.spec?.strategy?.canary && count(status.replicas) > updated)
    return { status: 'Progressing', message: 'Waiting for roll out to finish: old replicas are pending termination' };
  if (count(status.availableReplicas) < updated)
    return {
      status: 'Progressing',
      message: 'Waiting for roll out to finish: updated replicas are still becoming available',
    };
  return { status: 'Healthy' };
}
