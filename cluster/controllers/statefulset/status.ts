// A StatefulSet's status (Kubernetes' computeReplicaStatus and the status updater): counted from its pods,
// written only when it changed, with zero counters omitted as the Go structs omit them.
import type { StatefulSetStatus as StatefulSetStatusObject } from 'kubernetes-types/apps/v1';
import type { Pod, StatefulSet } from '../kit/objects';
import type { ControllerRevision } from '../history/revisions';
import { podRevision } from './identity';
import { isCreated, isRunningAndAvailable, isRunningAndReady, isTerminating } from './podState';

export interface ReplicaStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  currentRevision: string;
  updateRevision: string;
  collisionCount: number;
}

/** computeReplicaStatus: the counts over the set's pods at now. */
export function replicaStatus(
  set: StatefulSet,
  current: ControllerRevision,
  update: ControllerRevision,
  collisionCount: number,
  pods: Pod[],
  now: number,
): ReplicaStatus {
  const minReady = set.spec.minReadySeconds ?? 0;
  const s: ReplicaStatus = {
    observedGeneration: set.metadata.generation,
    replicas: 0,
    readyReplicas: 0,
    currentReplicas: 0,
    updatedReplicas: 0,
    availableReplicas: 0,
    currentRevision: current.metadata.name!,
    updateRevision: update.metadata.name!,
    collisionCount,
  };
  for (const p of pods) {
    if (isCreated(p)) s.replicas++;
    if (isRunningAndReady(p)) {
      s.readyReplicas++;
      if (isRunningAndAvailable(p, minReady, now)) s.availableReplicas++;
    }
    if (isCreated(p) && !isTerminating(p)) {
      if (podRevision(p) === current.metadata.name) s.currentReplicas++;
      if (podRevision(p) === update.metadata.name) s.updatedReplicas++;
    }
  }
  return s;
}

/**
 * The merge patch recording status, or undefined when the set shows it already. A finished rolling update
 * (every pod updated and ready) makes the update revision current.
 */
export function statusPatch(set: StatefulSet, computed: ReplicaStatus): { status: object } | undefined {
  const status = { ...computed };
  if (
    set.spec.updateStrategy?.type === 'RollingUpdate' &&
    status.updatedReplicas === status.replicas &&
    status.readyReplicas === status.replicas
  ) {
    status.currentReplicas = status.updatedReplicas;
    status.currentRevision = status.updateRevision;
  }
  const old: Partial<StatefulSetStatusObject> = set.status ?? {};
  const same =
    (status.observedGeneration ?? 0) <= (old.observedGeneration ?? 0) &&
    status.replicas === (old.replicas ?? 0) &&
    status.currentReplicas === (old.currentReplicas ?? 0) &&
    status.readyReplicas === (old.readyReplicas ?? 0) &&
    status.updatedReplicas === (old.updatedReplicas ?? 0) &&
    status.availableReplicas === (old.availableReplicas ?? 0) &&
    status.currentRevision === (old.currentRevision ?? '') &&
    status.updateRevision === (old.updateRevision ?? '') &&
    status.collisionCount === (old.collisionCount ?? 0);
  if (same) return undefined;
  // zero counters are omitted as the Go structs omit them; null removes a stale value
  const omitZero = (v: number) => (v ? v : null);
  return {
    status: {
      observedGeneration: status.observedGeneration ?? null,
      replicas: status.replicas,
      readyReplicas: omitZero(status.readyReplicas),
      currentReplicas: omitZero(status.currentReplicas),
      updatedReplicas: omitZero(status.updatedReplicas),
      availableReplicas: status.availableReplicas,
      currentRevision: status.currentRevision || null,
      updateRevision: status.updateRevision || null,
      collisionCount: status.collisionCount,
    },
  };
}
