// Who owns a member's claims under persistentVolumeClaimRetentionPolicy (stateful_set_utils.go's
// ClaimsMatchRetentionPolicy): the set when whenDeleted is Delete, the pod once scaled away when whenScaled is.
import type { KubeObject, OwnerReference } from '../../../kube/objects';
import type { Pod, StatefulSet } from '../kit/objects';
import { KIND, inOrdinalRange } from './identity';

function retention(set: StatefulSet): { whenDeleted: string; whenScaled: string } {
  const p = set.spec.persistentVolumeClaimRetentionPolicy ?? {};
  return { whenDeleted: p.whenDeleted ?? 'Retain', whenScaled: p.whenScaled ?? 'Retain' };
}

/**
 * The owner references a claim should have: the set when whenDeleted is Delete (so deleting the set
 * deletes it), its pod once the pod is scaled away when whenScaled is Delete (so the claim goes with it).
 */
function wantedClaimOwners(set: StatefulSet, pod: Pod): { set: boolean; pod: boolean } {
  const policy = retention(set);
  const scaledDown = !inOrdinalRange(pod, set);
  const podRef = policy.whenScaled === 'Delete' && scaledDown;
  const setRef = policy.whenDeleted === 'Delete' && !podRef;
  return { set: setRef, pod: podRef };
}

function hasOwner(obj: KubeObject, uid: string | undefined): boolean {
  return !!uid && !!obj.metadata.ownerReferences?.some((r) => r.uid === uid);
}

/** The claim's owner references per the policy, or undefined when they are already right. */
export function claimOwnersUpdate(claim: KubeObject, set: StatefulSet, pod: Pod): OwnerReference[] | undefined {
  const want = wantedClaimOwners(set, pod);
  const setUid = set.metadata.uid;
  const podUid = pod.metadata.uid;
  const haveSet = hasOwner(claim, setUid);
  const havePod = hasOwner(claim, podUid);
  if (haveSet === want.set && (havePod === want.pod || !podUid)) return undefined;
  let refs = (claim.metadata.ownerReferences ?? []).filter((r) => r.uid !== setUid && r.uid !== podUid);
  if (want.set)
    refs = [...refs, { apiVersion: KIND.apiVersion, kind: KIND.kind, name: set.metadata.name, uid: setUid! }];
  if (want.pod && podUid) refs = [...refs, { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: podUid }];
  return refs;
}
