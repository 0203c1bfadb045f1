// Kinds without a rule of their own, judged by the kstatus conventions controllers follow (sigs.k8s.io/cli-utils):
// status.observedGeneration behind metadata.generation, and the Ready, Reconciling and Stalled conditions.
import { conditionOf } from './conditions';
import { Health } from './types';

interface WithStatus {
  metadata?: { generation?: number; deletionTimestamp?: string };
  status?: { observedGeneration?: unknown; conditions?: unknown };
}

/** Ready=False reasons that say the controller is still working rather than that it failed. */
const IN_PROGRESS_REASONS =
  /^(Progressing\w*|Reconcil\w*|InProgress|Pending|Creating|Initializ\w*|Issuing|DependencyNotReady|Waiting\w*)$/;

/**
 * Progressing while the controller has not observed the latest spec, is reconciling, or says Ready=Unknown or
 * Ready=False for a reason that means work in progress; Degraded when Stalled or Ready=False for another reason;
 * otherwise Healthy (also for objects without a status, which no controller reports on).
 */
export function kstatusHealth(live: WithStatus): Health {
  if (live.metadata?.deletionTimestamp) return { status: 'Progressing', message: 'being deleted' };
  const status = live.status;
  if (!status || typeof status !== 'object') return { status: 'Healthy' };
  const generation = live.metadata?.generation;
  // only a controller that reports observedGeneration says anything by it
  if (typeof status.observedGeneration === 'number' && typeof generation === 'number') {
    if (status.observedGeneration < generation)
      return { status: 'Progressing', message: 'Waiting for the controller to observe the latest spec' };
  }
  const stalled = conditionOf(live, 'Stalled');
  if (stalled?.status === 'True')
    return { status: 'Degraded', message: stalled.message || stalled.reason || 'Stalled' };
  const reconciling = conditionOf(live, 'Reconciling');
  if (reconciling?.status === 'True')
    return { status: 'Progressing', message: reconciling.message || reconciling.reason || 'Reconciling' };
  const ready = conditionOf(live, 'Ready');
  if (!ready || ready.status === 'True')
    return ready?.message ? { status: 'Healthy', message: ready.message } : { status: 'Healthy' };
  const message = ready.message || ready.reason || 'not ready';
  if (ready.status === 'False' && !IN_PROGRESS_REASONS.test(ready.reason ?? '')) return { status: 'Degraded', message };
  return { status: 'Progressing', message };
}
