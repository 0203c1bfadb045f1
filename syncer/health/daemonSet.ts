// DaemonSet: one pod per eligible node, updated and available, plus its pods.
import { count, specNotObserved } from './conditions';
import { currentRevisionPods, podsOf, stuckPodsMessage } from './pods';
import type { DaemonSet, DaemonSetStatus } from 'kubernetes-types/apps/v1';
import { Health, HealthContext } from './types';

/** Progressing until every eligible node runs an updated, available pod; Degraded when its pods are stuck. */
export function daemonSetHealth(live: DaemonSet, ctx: HealthContext): Health {
  const status: Partial<DaemonSetStatus> = live.status ?? {};
  if (specNotObserved(live))
    return { status: 'Progressing', message: 'Waiting for daemon set spec update to be observed...' };
  const stuck = stuckPodsMessage(currentRevisionPods(podsOf(live, ctx.pods, true), 'controller-revision-hash'));
  if (stuck) return { status: 'Degraded', message: stuck };
  const desired = count(status.desiredNumberScheduled);
  if (live.spec?.updateStrategy?.type === 'OnDelete')
    return { status: 'Healthy', message: `${count(status.numberAvailable)} of ${desired} pods available` };
  const updated = count(status.updatedNumberScheduled);
  const available = count(status.numberAvailable);
  if (updated < desired)
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${updated} out of ${desired} new pods have been updated...`,
    };
  if (available < desired)
    return {
      status: 'Progressing',
      message: `Waiting for rollout to finish: ${available} of ${desired} updated pods are available...`,
    };
  return { status: 'Healthy', message: `${available} of ${desired} pods available` };
}
