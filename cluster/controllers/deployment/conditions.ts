// Deployment and ReplicaSet status conditions, with Kubernetes' reasons and update rules: a condition
// whose status and reason are unchanged is left alone; a status that stays the same keeps its
// lastTransitionTime.
import { timestamp } from '../../clock';

export const AVAILABLE = 'Available';
export const PROGRESSING = 'Progressing';
export const REPLICA_FAILURE = 'ReplicaFailure';

/** Reasons of the Progressing, Available and ReplicaFailure conditions (deploymentutil). */
export const Reasons = {
  NewReplicaSet: 'NewReplicaSetCreated',
  FoundNewReplicaSet: 'FoundNewReplicaSet',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  NewReplicaSetAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  Paused: 'DeploymentPaused',
  Resumed: 'DeploymentResumed',
  FailedReplicaSetCreate: 'ReplicaSetCreateError',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/**
 * A Deployment's or ReplicaSet's status, as far as its conditions go: as read (kubernetes-types, status a
 * string) or as written here.
 */
export interface WithConditions {
  conditions?: (Omit<Condition, 'status'> & { status: string })[];
}

export function newDeploymentCondition(
  type: string,
  status: Condition['status'],
  reason: string,
  message: string,
  now: number,
): Condition {
  const t = timestamp(now);
  return { type, status, lastUpdateTime: t, lastTransitionTime: t, reason, message };
}

/** The condition of this type in a status (a Deployment's or a ReplicaSet's: their conditions share the shape). */
export function getCondition(
  status: { conditions?: readonly { type: string }[] } | undefined,
  type: string,
): Condition | undefined {
  return status?.conditions?.find((c) => c.type === type) as Condition | undefined;
}

/** deploymentutil.SetDeploymentCondition (and the ReplicaSet equivalent). */
export function setCondition(status: WithConditions, cond: Condition): void {
  const cur = getCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  if (cur && cur.status === cond.status) cond = { ...cond, lastTransitionTime: cur.lastTransitionTime };
  status.conditions = [...(status.conditions ?? []).filter((c) => c.type !== cond.type), cond];
}

export function removeCondition(status: WithConditions, type: string): void {
  if (!status.conditions) return;
  status.conditions = status.conditions.filter((c) => c.type !== type);
  if (status.conditions.length === 0) delete status.conditions;
}

/** A ReplicaSet condition as the Deployment reports it (ReplicaSetToDeploymentCondition). */
export function replicaSetToDeploymentCondition(c: Condition): Condition {
  return {
    type: c.type,
    status: c.status,
    lastUpdateTime: c.lastTransitionTime,
    lastTransitionTime: c.lastTransitionTime,
    reason: c.reason,
    message: c.message,
  };
}
