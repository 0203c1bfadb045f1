// The Recreate strategy: scale every old ReplicaSet to zero, wait until none of their pods is left
// running, then create (or reuse) the new ReplicaSet at full size.
import type { Deployment, Pod, ReplicaSet } from '../kit/objects';
import { RolloutOps } from './ops';
import { actualReplicaCount, deploymentComplete, filterActive, specReplicas } from './replicas';

/** rolloutRecreate */
export async function rolloutRecreate(ops: RolloutOps, d: Deployment, rsList: readonly ReplicaSet[]): Promise<void> {
  // no new ReplicaSet yet: creating it now would scale up before the old pods are gone
  let { newRS, oldRSs } = await ops.newAndOld(d, rsList, false);
  let allRSs = [...oldRSs, newRS].filter((rs): rs is ReplicaSet => !!rs);
  let scaledDown = false;
  for (const rs of filterActive(oldRSs)) {
    if ((await ops.scaleAndRecord(rs, 0, d)).scaled) scaledDown = true;
  }
  if (scaledDown) return ops.syncRolloutStatus(allRSs, newRS, d);
  if (oldPodsRunning(newRS, oldRSs, ops.podsByReplicaSet(rsList))) return ops.syncRolloutStatus(allRSs, newRS, d);
  if (!newRS) {
    ({ newRS, oldRSs } = await ops.newAndOld(d, rsList, true));
    allRSs = [...oldRSs, newRS].filter((rs): rs is ReplicaSet => !!rs);
  }
  if (newRS) await ops.scaleAndRecord(newRS, specReplicas(d), d);
  if (deploymentComplete(d, d.status ?? {})) await ops.cleanup(oldRSs, d);
  return ops.syncRolloutStatus(allRSs, newRS, d);
}

/** oldPodsRunning: any old pod not yet Succeeded or Failed (terminating pods still run). */
function oldPodsRunning(
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
  podMap: Map<string, Pod[]>,
): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    for (const p of pods) {
      const phase = p.status?.phase;
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}
