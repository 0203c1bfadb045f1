// Which volume a claim binds to and which class a claim without one gets (Kubernetes' persistentvolume
// index.go findBestMatchForClaim, and the default StorageClass rule): pure functions over the cached objects.
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { StorageClass as StorageClassObject } from 'kubernetes-types/storage/v1';
import { fromLabelSelector, matchesLabels } from '../../../kube/labelSelector';
import { parseQuantity } from '../../../kube/semantics/quantity';
import type { Stored } from '../kit/objects';

export type Claim = Stored<PersistentVolumeClaim>;
export type Volume = Stored<PersistentVolume>;
export type StorageClass = Stored<StorageClassObject>;

const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

/** A storage quantity in bytes ("1Gi", "500M", "1e9"); NaN when unreadable or negative. */
export function storageBytes(q: unknown): number {
  const n = parseQuantity(q);
  return n === undefined || n < 0 ? NaN : n;
}

export const className = (o: Claim | Volume): string => o?.spec?.storageClassName ?? '';

const isDefaultClass = (sc: StorageClass) =>
  DEFAULT_CLASS_ANNOTATIONS.some((a) => sc?.metadata?.annotations?.[a] === 'true');

/** The default class: of those marked default and not being deleted, the newest (then by name). */
export function defaultClass(classes: readonly StorageClass[]): string | undefined {
  const marked = classes.filter((c) => isDefaultClass(c) && !c.metadata.deletionTimestamp);
  marked.sort(
    (a, b) =>
      String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)) ||
      String(a.metadata.name).localeCompare(String(b.metadata.name)),
  );
  return marked[0]?.metadata.name;
}

/**
 * The available volume that best fits the claim (class, volume mode, access modes, size, selector): one
 * whose claimRef already names the claim first, then the smallest.
 */
export function bestVolume(claim: Claim, volumes: Iterable<Volume>): Volume | undefined {
  const want = storageBytes(claim.spec?.resources?.requests?.storage);
  const modes: string[] = claim.spec?.accessModes ?? [];
  const mode = claim.spec?.volumeMode ?? 'Filesystem';
  let selector;
  try {
    selector = claim.spec?.selector ? fromLabelSelector(claim.spec.selector) : undefined;
  } catch {
    return undefined;
  }
  let best: Volume | undefined;
  for (const v of volumes) {
    if (v.metadata.deletionTimestamp) continue;
    const ref = v.spec?.claimRef;
    const reserved =
      ref &&
      ref.namespace === claim.metadata.namespace &&
      ref.name === claim.metadata.name &&
      (!ref.uid || ref.uid === claim.metadata.uid);
    if (ref && !reserved) continue;
    if (!reserved && v.status?.phase && v.status.phase !== 'Available' && v.status.phase !== 'Pending') continue;
    if (className(v) !== className(claim)) continue;
    if ((v.spec?.volumeMode ?? 'Filesystem') !== mode) continue;
    const has: string[] = v.spec?.accessModes ?? [];
    if (!modes.every((m) => has.includes(m))) continue;
    const size = storageBytes(v.spec?.capacity?.storage);
    if (!(size >= want)) continue;
    if (selector && !matchesLabels(selector, v.metadata.labels)) continue;
    if (reserved) return v;
    if (!best || size < storageBytes(best.spec?.capacity?.storage)) best = v;
  }
  return best;
}
