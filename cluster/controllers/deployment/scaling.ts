// Scaling a Deployment that is not rolling out (a new spec.replicas, or a paused Deployment):
// a single active ReplicaSet takes the new size; during a rollout, the change (within maxSurge) is
// shared among the active ReplicaSets in proportion to their size, leftovers to the largest.
import type { Deployment, ReplicaSet } from '../kit/objects';
import { RolloutOps } from './ops';
import {
  bySizeNewer,
  bySizeOlder,
  desiredReplicasAnnotation,
  filterActive,
  findActiveOrLatest,
  isRollingUpdate,
  isSaturated,
  maxSurge,
  replicaCount,
  replicaSetProportion,
  specReplicas,
} from './replicas';

/** isScalingEvent: an active ReplicaSet was sized for a different spec.replicas. */
export function isScalingEvent(d: Deployment, newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[]): boolean {
  for (const rs of filterActive([...oldRSs, newRS])) {
    const desired = desiredReplicasAnnotation(rs);
    if (desired === undefined) continue;
    if (desired !== specReplicas(d)) return true;
  }
  return false;
}

/** DeploymentController.scale */
export async function scaleDeployment(
  ops: RolloutOps,
  d: Deployment,
  newRS: ReplicaSet | undefined,
  oldRSs: ReplicaSet[],
): Promise<void> {
  const single = findActiveOrLatest(newRS, oldRSs);
  if (single) {
    if (specReplicas(single) === specReplicas(d)) return;
    await ops.scaleAndRecord(single, specReplicas(d), d);
    return;
  }
  // a saturated new ReplicaSet (adopted mid-rollout) leaves nothing to the old ones
  if (isSaturated(d, newRS)) {
    for (const old of filterActive(oldRSs)) await ops.scaleAndRecord(old, 0, d);
    return;
  }
  if (!isRollingUpdate(d)) return;
  const all = filterActive([...oldRSs, newRS]);
  const allowed = specReplicas(d) > 0 ? specReplicas(d) + maxSurge(d) : 0;
  const toAdd = allowed - replicaCount(all);
  // scaling up, the newer of equal ReplicaSets grows first; scaling down, the older shrinks first
  if (toAdd > 0) all.sort(bySizeNewer);
  else if (toAdd < 0) all.sort(bySizeOlder);
  let added = 0;
  const sizes = new Map<string, number>();
  for (const rs of all) {
    if (toAdd !== 0) {
      const p = replicaSetProportion(rs, d, toAdd, added);
      sizes.set(rs.metadata.name, specReplicas(rs) + p);
      added += p;
    } else {
      sizes.set(rs.metadata.name, specReplicas(rs));
    }
  }
  for (let i = 0; i < all.length; i++) {
    const rs = all[i];
    if (i === 0 && toAdd !== 0) sizes.set(rs.metadata.name, Math.max(0, sizes.get(rs.metadata.name)! + toAdd - added));
    await ops.scale(rs, sizes.get(rs.metadata.name)!, d);
  }
}
