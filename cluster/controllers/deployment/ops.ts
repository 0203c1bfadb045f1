// What the rollout strategies ask of the Deployment controller: the writes they make (scaling a
// ReplicaSet, the status, cleaning up old revisions) and the ReplicaSets and pods it has found.

export interface ScaleResult {
  /** the size changed (an event was recorded) */
  scaled: boolean;
  /** the ReplicaSet as written (or as it was when nothing was written) */
  rs: any;
}

export interface RolloutOps {
  /** getAllReplicaSetsAndSyncRevision: the new ReplicaSet (created when asked and missing) and all old ones */
  newAndOld(d: any, rsList: readonly any[], create: boolean): Promise<{ newRS: any; oldRSs: any[] }>;
  /** scaleReplicaSetAndRecordEvent: nothing when the size is already right */
  scaleAndRecord(rs: any, replicas: number, d: any): Promise<ScaleResult>;
  /** scaleReplicaSet: writes when the size or the desired/max annotations differ */
  scale(rs: any, replicas: number, d: any): Promise<ScaleResult>;
  syncRolloutStatus(allRSs: readonly any[], newRS: any, d: any): Promise<void>;
  /** removes old ReplicaSets beyond revisionHistoryLimit */
  cleanup(oldRSs: readonly any[], d: any): Promise<void>;
  /** active and inactive pods of the Deployment's ReplicaSets, by ReplicaSet UID */
  podsByReplicaSet(rsList: readonly any[]): Map<string, any[]>;
}
