// PersistentVolume, PersistentVolumeClaim and StorageClass rows.

import type { StorageClass } from 'kubernetes-types/storage/v1';
import type { PersistentVolume, PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import { since, str } from './format';
import { AGE_COLUMN, column, NAME_COLUMN, printer } from './types';

const MODE_ABBREV: [string, string][] = [
  ['ReadWriteOnce', 'RWO'],
  ['ReadOnlyMany', 'ROX'],
  ['ReadWriteMany', 'RWX'],
  ['ReadWriteOncePod', 'RWOP'],
];

/** "RWO,RWX" in a fixed order, whatever order the object lists them in. */
export function accessModes(modes: unknown): string {
  const set = new Set(Array.isArray(modes) ? modes : []);
  return MODE_ABBREV.filter(([m]) => set.has(m))
    .map(([, a]) => a)
    .join(',');
}

const CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** The legacy annotation still wins over spec.storageClassName. */
function storageClassOf(o: PersistentVolume | PersistentVolumeClaim): string {
  return o.metadata?.annotations?.[CLASS_ANNOTATION] ?? str(o.spec?.storageClassName);
}

export const persistentVolumePrinter = printer<PersistentVolume>({
  columns: [
    NAME_COLUMN,
    column('Capacity', 'string', 'Storage capacity of the volume.'),
    column('Access Modes', 'string', 'How the volume can be mounted.'),
    column('Reclaim Policy', 'string', 'What happens to the volume when its claim is released.'),
    column('Status', 'string', 'Volume phase.'),
    column('Claim', 'string', 'The claim bound to the volume.'),
    column('StorageClass', 'string', 'Storage class of the volume.'),
    column('VolumeAttributesClass', 'string', 'Volume attributes class of the volume.'),
    column('Reason', 'string', 'Why the volume is in its phase, if known.'),
    AGE_COLUMN,
    column('VolumeMode', 'string', 'Filesystem or Block.', 1),
  ],
  cells: (o, now) => {
    const ref = o.spec?.claimRef;
    return [
      o.metadata?.name ?? '',
      str(o.spec?.capacity?.storage ?? '0'),
      accessModes(o.spec?.accessModes),
      str(o.spec?.persistentVolumeReclaimPolicy),
      o.metadata?.deletionTimestamp ? 'Terminating' : str(o.status?.phase),
      ref ? `${str(ref.namespace)}/${str(ref.name)}` : '',
      storageClassOf(o),
      o.spec?.volumeAttributesClassName ?? '<unset>',
      str(o.status?.reason),
      since(o.metadata?.creationTimestamp, now),
      o.spec?.volumeMode ?? '<unset>',
    ];
  },
});

export const persistentVolumeClaimPrinter = printer<PersistentVolumeClaim>({
  columns: [
    NAME_COLUMN,
    column('Status', 'string', 'Claim phase.'),
    column('Volume', 'string', 'The volume bound to the claim.'),
    column('Capacity', 'string', 'Capacity of the bound volume.'),
    column('Access Modes', 'string', 'Access modes of the bound volume.'),
    column('StorageClass', 'string', 'Storage class the claim asks for.'),
    column('VolumeAttributesClass', 'string', 'Volume attributes class the claim asks for.'),
    AGE_COLUMN,
    column('VolumeMode', 'string', 'Filesystem or Block.', 1),
  ],
  cells: (o, now) => {
    // Capacity and modes describe the bound volume, so they stay blank until binding.
    const bound = !!o.spec?.volumeName;
    return [
      o.metadata?.name ?? '',
      o.metadata?.deletionTimestamp ? 'Terminating' : str(o.status?.phase),
      str(o.spec?.volumeName),
      bound ? str(o.status?.capacity?.storage ?? '0') : '',
      bound ? accessModes(o.status?.accessModes) : '',
      storageClassOf(o),
      o.spec?.volumeAttributesClassName || '<unset>',
      since(o.metadata?.creationTimestamp, now),
      o.spec?.volumeMode ?? '<unset>',
    ];
  },
});

function isDefaultClass(o: StorageClass): boolean {
  const a = o.metadata?.annotations ?? {};
  return (
    a['storageclass.kubernetes.io/is-default-class'] === 'true' ||
    a['storageclass.beta.kubernetes.io/is-default-class'] === 'true'
  );
}

export const storageClassPrinter = printer<StorageClass>({
  columns: [
    NAME_COLUMN,
    column('Provisioner', 'string', 'The volume plugin that provisions volumes of this class.'),
    column('ReclaimPolicy', 'string', 'Reclaim policy of provisioned volumes.'),
    column('VolumeBindingMode', 'string', 'When claims are bound and provisioned.'),
    column('AllowVolumeExpansion', 'string', 'Whether claims of this class may grow.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [
    (o.metadata?.name ?? '') + (isDefaultClass(o) ? ' (default)' : ''),
    str(o.provisioner),
    o.reclaimPolicy ?? 'Delete',
    o.volumeBindingMode ?? 'Immediate',
    o.allowVolumeExpansion === true,
    since(o.metadata?.creationTimestamp, now),
  ],
});
