// Deployment status: the counters summed over its ReplicaSets, the Available condition, and the
// Progressing condition that tracks a rollout against progressDeadlineSeconds (ReplicaSetUpdated while
// it moves, NewReplicaSetAvailable when done, ProgressDeadlineExceeded when it stalled too long).
import type { DeploymentStatus } from 'kubernetes-types/apps/v1';
import type { Deployment, ReplicaSet } from '../kit/objects';
import {
  AVAILABLE,
  Condition,
  PROGRESSING,
  WithConditions,
  REPLICA_FAILURE,
  Reasons,
  getCondition,
  newDeploymentCondition,
  removeCondition,
  replicaSetToDeploymentCondition,
  setCondition,
} from './conditions';
import {
  actualReplicaCount,
  availableReplicaCount,
  deploymentComplete,
  maxUnavailable,
  readyReplicaCount,
  replicaCount,
  specReplicas,
} from './replicas';

/** A Deployment's status as this controller computes it: its own condition type. */
export type Status = Omit<DeploymentStatus, 'conditions'> & WithConditions;
type CountKey = 'replicas' | 'updatedReplicas' | 'readyReplicas' | 'availableReplicas' | 'unavailableReplicas';

/** progressDeadlineSeconds set and not "infinite" (MaxInt32). */
export function hasProgressDeadline(d: Deployment): boolean {
  const s = d.spec?.progressDeadlineSeconds;
  return s !== undefined && s !== null && s !== 2147483647;
}

/** Counters serialize as Go's omitempty int32s: zero is left out. */
function putCount(status: Status, key: CountKey, n: number): void {
  if (n) status[key] = n;
  else delete status[key];
}

/** calculateStatus: counters from the ReplicaSets, and Available against maxUnavailable. */
export function calculateStatus(
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
  d: Deployment,
  now: number,
): Status {
  const available = availableReplicaCount(allRSs);
  const total = replicaCount(allRSs);
  const unavailable = Math.max(0, total - available);
  const status: Status = { observedGeneration: d.metadata.generation };
  putCount(status, 'replicas', actualReplicaCount(allRSs));
  putCount(status, 'updatedReplicas', actualReplicaCount(newRS ? [newRS] : []));
  putCount(status, 'readyReplicas', readyReplicaCount(allRSs));
  putCount(status, 'availableReplicas', available);
  putCount(status, 'unavailableReplicas', unavailable);
  const conditions = d.status?.conditions as Condition[] | undefined;
  if (conditions?.length) status.conditions = conditions.map((c) => ({ ...c }));
  if (d.status?.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (available >= specReplicas(d) - maxUnavailable(d)) {
    setCondition(
      status,
      newDeploymentCondition(
        AVAILABLE,
        'True',
        Reasons.MinimumReplicasAvailable,
        'Deployment has minimum availability.',
        now,
      ),
    );
  } else {
    setCondition(
      status,
      newDeploymentCondition(
        AVAILABLE,
        'False',
        Reasons.MinimumReplicasUnavailable,
        'Deployment does not have minimum availability.',
        now,
      ),
    );
  }
  return status;
}

/** DeploymentProgressing: more updated, ready or available replicas, or fewer old ones, than last time. */
function progressed(d: Deployment, next: Status): boolean {
  const old = d.status ?? {};
  const oldOld = (old.replicas ?? 0) - (old.updatedReplicas ?? 0);
  const newOld = (next.replicas ?? 0) - (next.updatedReplicas ?? 0);
  return (
    (next.updatedReplicas ?? 0) > (old.updatedReplicas ?? 0) ||
    newOld < oldOld ||
    (next.readyReplicas ?? 0) > (old.readyReplicas ?? 0) ||
    (next.availableReplicas ?? 0) > (old.availableReplicas ?? 0)
  );
}

/** DeploymentTimedOut: no progress reported within progressDeadlineSeconds. */
function timedOut(d: Deployment, next: Status, now: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getCondition(next, PROGRESSING);
  if (!cond) return false;
  if (cond.reason === Reasons.NewReplicaSetAvailable) return false;
  if (cond.reason === Reasons.TimedOut) return true;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  return from + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 < now;
}

/** The first ReplicaFailure of the new ReplicaSet, else of any ReplicaSet (getReplicaFailures). */
function replicaFailure(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined): Condition | undefined {
  const find = (rs: ReplicaSet | undefined) =>
    (rs?.status?.conditions as Condition[] | undefined)?.find((c) => c.type === REPLICA_FAILURE);
  const c = find(newRS) ?? allRSs.map(find).find((x) => x);
  return c ? replicaSetToDeploymentCondition(c) : undefined;
}

/** syncRolloutStatus's new status: calculateStatus plus the Progressing and ReplicaFailure conditions. */
export function rolloutStatus(
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
  d: Deployment,
  now: number,
): Status {
  const next = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeCondition(next, PROGRESSING);
  const current = getCondition(d.status, PROGRESSING);
  // a finished rollout being resynced has nothing to estimate
  const isComplete =
    (next.replicas ?? 0) === (next.updatedReplicas ?? 0) && current?.reason === Reasons.NewReplicaSetAvailable;
  if (hasProgressDeadline(d) && !isComplete) {
    const subject = newRS ? `ReplicaSet "${newRS.metadata.name}"` : `Deployment "${d.metadata.name}"`;
    if (deploymentComplete(d, next)) {
      setCondition(
        next,
        newDeploymentCondition(
          PROGRESSING,
          'True',
          Reasons.NewReplicaSetAvailable,
          `${subject} has successfully progressed.`,
          now,
        ),
      );
    } else if (progressed(d, next)) {
      const cond = newDeploymentCondition(
        PROGRESSING,
        'True',
        Reasons.ReplicaSetUpdated,
        `${subject} is progressing.`,
        now,
      );
      // progress refreshes lastUpdateTime even when the reason stays the same
      if (current) {
        if (current.status === 'True') cond.lastTransitionTime = current.lastTransitionTime;
        removeCondition(next, PROGRESSING);
      }
      setCondition(next, cond);
    } else if (timedOut(d, next, now)) {
      setCondition(
        next,
        newDeploymentCondition(PROGRESSING, 'False', Reasons.TimedOut, `${subject} has timed out progressing.`, now),
      );
    }
  }
  const failure = replicaFailure(allRSs, newRS);
  if (failure) setCondition(next, failure);
  else removeCondition(next, REPLICA_FAILURE);
  return next;
}

/**
 * requeueStuckDeployment: while a rollout is unfinished and has not timed out, when to look again so
 * the deadline is noticed (ms of cluster time), or undefined when there is nothing to watch for.
 */
export function stuckRecheckDelay(d: Deployment, next: Status, now: number): number | undefined {
  const cond = getCondition(d.status, PROGRESSING);
  if (!hasProgressDeadline(d) || !cond) return undefined;
  if (deploymentComplete(d, next) || cond.reason === Reasons.TimedOut) return undefined;
  const after = Date.parse(cond.lastUpdateTime ?? '') + (d.spec?.progressDeadlineSeconds ?? 0) * 1000 - now;
  // a second more absorbs the second-precision timestamps
  return after < 1000 ? 0 : after + 1000;
}
