// VolumeBinding: a pod waits until its PersistentVolumeClaims exist and, unless their StorageClass binds
// on first consumer, are bound; a bound claim's PersistentVolume may restrict the nodes by node affinity.
// Claims that bind on first consumer are handed the chosen node before the pod is bound (see scheduler.ts).
import type { PersistentVolumeClaim, Pod } from 'kubernetes-types/core/v1';
import { CycleState, FilterPlugin, unresolvable } from '../framework';
import { termsMatchNode } from '../nodeSelector';

const NAME = 'VolumeBinding';

export interface ClaimRef {
  name: string;
  claim: PersistentVolumeClaim;
}

interface VolumeState {
  bound: ClaimRef[];
  /** unbound claims of a WaitForFirstConsumer StorageClass */
  delayed: ClaimRef[];
}

/** The claims a pod uses: persistentVolumeClaim volumes and generic ephemeral volumes (<pod>-<volume>). */
export function podClaimNames(pod: Pod): { name: string; ephemeral: boolean }[] {
  const out: { name: string; ephemeral: boolean }[] = [];
  for (const v of pod.spec?.volumes ?? []) {
    if (v.persistentVolumeClaim?.claimName) out.push({ name: v.persistentVolumeClaim.claimName, ephemeral: false });
    else if (v.ephemeral) out.push({ name: `${pod.metadata?.name}-${v.name}`, ephemeral: true });
  }
  return out;
}

function isBound(claim: PersistentVolumeClaim): boolean {
  return !!claim.spec?.volumeName && claim.status?.phase !== 'Pending';
}

function bindingMode(state: CycleState, claim: PersistentVolumeClaim): string {
  const className = claim.spec?.storageClassName;
  const sc = className ? state.lookups.storageClass(className) : undefined;
  return sc?.volumeBindingMode ?? 'Immediate';
}

export const volumeBinding: FilterPlugin = {
  name: NAME,
  preFilter(state) {
    const pod = state.pod;
    const claims = podClaimNames(pod.pod);
    if (claims.length === 0) return undefined;
    const vs: VolumeState = { bound: [], delayed: [] };
    let unboundImmediate = false;
    for (const { name, ephemeral } of claims) {
      const claim = state.lookups.pvc(pod.namespace, name);
      if (!claim) {
        return unresolvable(
          NAME,
          ephemeral
            ? `waiting for ephemeral volume controller to create the persistentvolumeclaim "${name}"`
            : `persistentvolumeclaim "${name}" not found`,
        );
      }
      if (claim.status?.phase === 'Lost')
        return unresolvable(
          NAME,
          `persistentvolumeclaim "${name}" bound to non-existent persistentvolume "${claim.spec?.volumeName ?? ''}"`,
        );
      if (claim.metadata?.deletionTimestamp)
        return unresolvable(NAME, `persistentvolumeclaim "${name}" is being deleted`);
      if (isBound(claim)) vs.bound.push({ name, claim });
      else if (bindingMode(state, claim) === 'WaitForFirstConsumer') vs.delayed.push({ name, claim });
      else unboundImmediate = true;
    }
    if (unboundImmediate) return unresolvable(NAME, 'pod has unbound immediate PersistentVolumeClaims');
    state.data.set(NAME, vs);
    return undefined;
  },
  filter(state, node) {
    const vs = state.data.get(NAME) as VolumeState | undefined;
    if (!vs) return undefined;
    for (const { claim } of vs.bound) {
      const pv = state.lookups.pv(claim.spec?.volumeName ?? ''); // bound: isBound saw a volumeName;
      const terms = pv?.spec?.nodeAffinity?.required?.nodeSelectorTerms;
      if (terms && !termsMatchNode(terms, node.node))
        return unresolvable(NAME, "node(s) didn't match PersistentVolume's node affinity");
    }
    return undefined;
  },
};

/** Unbound WaitForFirstConsumer claims of the pod, as PreFilter found them. */
export function delayedClaims(state: CycleState): ClaimRef[] {
  return (state.data.get(NAME) as VolumeState | undefined)?.delayed ?? [];
}
