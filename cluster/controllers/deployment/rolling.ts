// The RollingUpdate strategy, step for step as Kubernetes' deployment controller: scale the new
// ReplicaSet up as far as maxSurge allows; otherwise scale old ReplicaSets down, first their unhealthy
// replicas, then healthy ones as long as availability stays at spec.replicas - maxUnavailable.
import type { Deployment, ReplicaSet } from '../kit/objects';
import { RolloutOps } from './ops';
import {
  availableReplicaCount,
  byCreation,
  deploymentComplete,
  filterActive,
  maxUnavailable,
  newRSNewReplicas,
  replicaCount,
  specReplicas,
} from './replicas';

/** rolloutRolling */
export async function rolloutRolling(ops: RolloutOps, d: Deployment, rsList: readonly ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await ops.newAndOld(d, rsList, true);
  const allRSs = [...oldRSs, newRS].filter((rs): rs is ReplicaSet => !!rs);
  if (await reconcileNewReplicaSet(ops, allRSs, newRS, d)) return ops.syncRolloutStatus(allRSs, newRS, d);
  if (await reconcileOldReplicaSets(ops, allRSs, filterActive(oldRSs), newRS, d))
    return ops.syncRolloutStatus(allRSs, newRS, d);
  if (deploymentComplete(d, d.status ?? {})) await ops.cleanup(oldRSs, d);
  return ops.syncRolloutStatus(allRSs, newRS, d);
}

/** Scales the new ReplicaSet towards spec.replicas within maxSurge; true when it changed. */
export async function reconcileNewReplicaSet(
  ops: RolloutOps,
  allRSs: readonly ReplicaSet[],
  newRS: ReplicaSet | undefined,
  d: Deployment,
): Promise<boolean> {
  if (!newRS) return false;
  const want = specReplicas(d);
  if (specReplicas(newRS) === want) return false;
  if (specReplicas(newRS) > want) return (await ops.scaleAndRecord(newRS, want, d)).scaled;
  return (await ops.scaleAndRecord(newRS, newRSNewReplicas(d, allRSs, newRS), d)).scaled;
}

/** Scales old ReplicaSets down as far as availability allows; true when any changed. */
export async function reconcileOldReplicaSets(
  ops: RolloutOps,
  allRSs: readonly ReplicaSet[],
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet | undefined,
  d: Deployment,
): Promise<boolean> {
  const oldPods = replicaCount(oldRSs);
  if (oldPods === 0) return false;
  const allPods = replicaCount(allRSs);
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const newUnavailable = newRS ? specReplicas(newRS) - (newRS.status?.availableReplicas ?? 0) : 0;
  // Replicas that may go now: everything beyond minAvailable, except that the new ReplicaSet's
  // unavailable replicas already use up part of the budget. Unhealthy old replicas go first, as they
  // add nothing to availability; then healthy ones.
  const maxScaledDown = allPods - minAvailable - newUnavailable;
  if (maxScaledDown <= 0) return false;
  const cleaned = await cleanupUnhealthyReplicas(ops, oldRSs, d, maxScaledDown);
  const all = [...cleaned.oldRSs, newRS].filter((rs): rs is ReplicaSet => !!rs);
  const scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(ops, all, cleaned.oldRSs, d);
  return cleaned.count + scaledDown > 0;
}

/** cleanupUnhealthyReplicas: removes old replicas that are not available, oldest ReplicaSet first. */
async function cleanupUnhealthyReplicas(
  ops: RolloutOps,
  oldRSs: ReplicaSet[],
  d: Deployment,
  maxCleanup: number,
): Promise<{ oldRSs: ReplicaSet[]; count: number }> {
  const sorted = [...oldRSs].sort(byCreation);
  let total = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (total >= maxCleanup) break;
    const rs = sorted[i];
    const replicas = specReplicas(rs);
    const available = rs.status?.availableReplicas ?? 0;
    if (replicas === 0 || replicas === available) continue;
    const count = Math.min(maxCleanup - total, replicas - available);
    const next = replicas - count;
    if (next > replicas)
      throw new Error(
        'when cleaning up unhealthy replicas, got invalid request to scale down ' +
          `${rs.metadata.namespace}/${rs.metadata.name} ${replicas} -> ${next}`,
      );
    sorted[i] = (await ops.scaleAndRecord(rs, next, d)).rs;
    total += count;
  }
  return { oldRSs: sorted, count: total };
}

/** scaleDownOldReplicaSetsForRollingUpdate: scales old ReplicaSets down while availability allows, oldest first. */
async function scaleDownOldReplicaSetsForRollingUpdate(
  ops: RolloutOps,
  allRSs: readonly ReplicaSet[],
  oldRSs: ReplicaSet[],
  d: Deployment,
): Promise<number> {
  const minAvailable = specReplicas(d) - maxUnavailable(d);
  const available = availableReplicaCount(allRSs);
  if (available <= minAvailable) return 0;
  const sorted = [...oldRSs].sort(byCreation);
  const budget = available - minAvailable;
  let total = 0;
  for (const rs of sorted) {
    if (total >= budget) break;
    if (specReplicas(rs) === 0) continue;
    const count = Math.min(specReplicas(rs), budget - total);
    const next = specReplicas(rs) - count;
    if (next > specReplicas(rs))
      throw new Error(
        'when scaling down old replica set, got invalid request to scale down ' +
          `${rs.metadata.namespace}/${rs.metadata.name} ${specReplicas(rs)} -> ${next}`,
      );
    await ops.scaleAndRecord(rs, next, d);
    total += count;
  }
  return total;
}
