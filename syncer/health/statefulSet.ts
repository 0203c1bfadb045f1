// StatefulSet: readiness and the rolling update as kubectl rollout status reports them, plus its pods.
import { count, specNotObserved } from './conditions';
import { currentRevisionPods, podsOf, stuckPodsMessage } from './pods';
import type {
  StatefulSet,
  StatefulSetSpec,
  StatefulSetStatus,
  StatefulSetUpdateStrategy,
} from 'kubernetes-types/apps/v1';
import { Health, HealthContext } from './types';

/** Readiness and the rolling update as `kubectl rollout status` reports them; Degraded when its pods are stuck. */
export function statefulSetHealth(live: StatefulSet, ctx: HealthContext): Health {
  const spec: Partial<StatefulSetSpec> = live.spec ?? {};
  const status: Partial<StatefulSetStatus> = live.status ?? {};
  if (specNotObserved(live))
    return { status: 'Progressing', message: 'Waiting for statefulset spec update to be observed...' };
  const pods = currentRevisionPods(podsOf(live, ctx.pods, true), 'controller-revision-hash', status.updateRevision);
  const stuck = stuckPodsMessage(pods);
  if (stuck) return { status: 'Degraded', message: stuck };
  const desired = typeof spec.replicas === 'number' ? spec.replicas : 1;
  const ready = count(status.readyReplicas);
  if (ready < desired) return { status: 'Progressing', message: `Waiting for ${desired - ready} pods to be ready...` };
  const strategy: StatefulSetUpdateStrategy = spec.updateStrategy ?? {};
  if (strategy.type === 'OnDelete') return { status: 'Healthy', message: `statefulset has ${ready} ready pods` };
  const partition = count(strategy.rollingUpdate?.partition);
  if (partition > 0) {
    const expected = desired - partition;
    const updated = count(status.updatedReplicas);
    if (updated < expected)
      return {
        status: 'Progressing',
        message: `Waiting for partitioned roll out to finish: ${updated} out of ${expected} new pods have been updated...`,
      };
    return { status: 'Healthy', message: `partitioned roll out complete: ${updated} new pods have been updated...` };
  }
  if (status.updateRevision && status.currentRevision !== status.updateRevision) {
    return {
      status: 'Progressing',
      message: `waiting for statefulset rolling update to complete ${count(status.updatedReplicas)} pods at revision ${status.updateRevision}...`,
    };
  }
  const at = status.currentRevision ? ` at revision ${status.currentRevision}` : '';
  return {
    status: 'Healthy',
    message: `statefulset rolling update complete ${count(status.currentReplicas) || ready} pods${at}...`,
  };
}
