// PersistentVolumeClaims: a new claim is Pending; as Kubernetes' DefaultStorageClass admission plugin, a
// claim that names no class gets the default one (the newest, if several are marked), and as
// StorageObjectInUseProtection, the finalizer that keeps it while a pod uses it (removed by
// controllers/storageProtectionController.ts).
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../../kube/objects';
import type { Store } from '../../store/types';
import { addFinalizer } from './finalizers';
import type { Strategy } from './strategy';

const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
const CLASSES_PREFIX = '/registry/storage.k8s.io/storageclasses/';
const PVC_PROTECTION = 'kubernetes.io/pvc-protection';

type Claim = KubeObject & PersistentVolumeClaim;

export function persistentVolumeClaimStrategy(store: Store): Strategy {
  return {
    initialStatus: () => ({ phase: 'Pending' }),
    prepareForCreate(obj) {
      defaultClass(obj as Claim, () => store.list(CLASSES_PREFIX).items.map((e) => e.value));
      addFinalizer(obj, PVC_PROTECTION);
    },
  };
}

/** An unset class (not the empty string, which asks for no class) becomes the default class. */
function defaultClass(claim: Claim, classes: () => KubeObject[]): void {
  const spec = (claim.spec ??= {});
  if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
  if (claim.metadata?.annotations?.[BETA_CLASS_ANNOTATION] !== undefined) return;
  const name = defaultStorageClass(classes());
  if (name) spec.storageClassName = name;
}

/** The default class among classes: the newest of those marked default, then by name, as Kubernetes picks. */
export function defaultStorageClass(classes: KubeObject[]): string | undefined {
  const marked = classes.filter(
    (c) =>
      DEFAULT_CLASS_ANNOTATIONS.some((a) => c?.metadata?.annotations?.[a] === 'true') && !c.metadata.deletionTimestamp,
  );
  marked.sort((a, b) => {
    const t = String(b.metadata.creationTimestamp ?? '').localeCompare(String(a.metadata.creationTimestamp ?? ''));
    return t !== 0 ? t : String(a.metadata.name).localeCompare(String(b.metadata.name));
  });
  return marked[0]?.metadata?.name;
}
