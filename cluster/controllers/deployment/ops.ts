// What the rollout strategies ask of the Deployment controller: the writes they make (scaling a
// ReplicaSet, the status, cleaning up old revisions) and the ReplicaSets and pods it has found.
import type { Deployment, Pod, ReplicaSet } from '../kit/objects';

export interface ScaleResult {
  /** the size changed (an event was recorded) */
  scaled: boolean;
  /** the ReplicaSet as written (or as it was when nothing was written) */
  rs: ReplicaSet;
}

export interface RolloutOps {
  /** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked and missing) and all old ones */
  newAndOld(
    d: Deployment,
    rsList: readonly ReplicaSet[],
    create: boolean,
  ): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }>;
  /** scaleReplicaSetAndRecordEvent: nothing when the size is already right */
  scaleAndRecord(rs: ReplicaSet, replicas: number, d: Deployment): Promise<ScaleResult>;
  /** scaleReplicaSet: writes when the size or the desired/max annotations differ */
  scale(rs: ReplicaSet, replicas: number, d: Deployment): Promise<ScaleResult>;
  syncRolloutStatus(allRSs: readonly ReplicaSet[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void>;
  /** removes old ReplicaSets beyond revisionHistoryLimit */
  cleanup(oldRSs: readonly ReplicaSet[], d: Deployment): Promise<void>;
  /** active and inactive pods of the Deployment's ReplicaSets, by ReplicaSet UID */
  podsByReplicaSet(rsList: readonly ReplicaSet[]): Map<string, Pod[]>;
}
