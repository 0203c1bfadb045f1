// Storage admission on create, as Kubernetes' DefaultStorageClass and StorageObjectInUseProtection
// admission plugins: a claim that names no class gets the default one (the newest, if several are marked),
// and claims and volumes get the finalizer that keeps them while in use (removed by
// controllers/storageProtectionController.ts). Classes of the built-in hostpath provisioner get the folder
// their volumes live in (the state folder's volumes/) unless they name one.
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import type { StorageClass } from 'kubernetes-types/storage/v1';
import type { KubeObject } from '../../kube/objects';
import { ResourceInfo } from '../../kube/registry';
import { Store } from '../store/types';
import { StorageHooks } from './objectStorage';

const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];
const BETA_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';
/** the provisioner of cluster/controllers/persistentVolumeController.ts */
const HOSTPATH_PROVISIONER = 'slipway.dev/hostpath';
const CLASSES_PREFIX = '/registry/storage.k8s.io/storageclasses/';
const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
const PV_PROTECTION = 'kubernetes.io/pv-protection';

export class StorageAdmission implements StorageHooks {
  constructor(
    private readonly store: Store,
    private readonly volumesDir: string,
  ) {}

  beforeCreate(info: ResourceInfo, obj: KubeObject): void {
    if (info.group === '' && info.plural === 'persistentvolumeclaims') {
      this.defaultClass(obj as KubeObject & PersistentVolumeClaim);
      addFinalizer(obj, PVC_PROTECTION);
    } else if (info.group === '' && info.plural === 'persistentvolumes') {
      addFinalizer(obj, PV_PROTECTION);
    } else if (info.group === 'storage.k8s.io' && info.plural === 'storageclasses')
      this.defaultPath(obj as KubeObject & StorageClass);
  }

  /** An unset class (not the empty string, which asks for no class) becomes the default class. */
  private defaultClass(claim: KubeObject & PersistentVolumeClaim): void {
    const spec = (claim.spec ??= {});
    if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
    if (claim.metadata?.annotations?.[BETA_CLASS_ANNOTATION] !== undefined) return;
    const name = defaultStorageClass(this.store.list(CLASSES_PREFIX).items.map((e) => e.value));
    if (name) spec.storageClassName = name;
  }

  private defaultPath(sc: KubeObject & StorageClass): void {
    if (sc.provisioner !== HOSTPATH_PROVISIONER) return;
    const params = (sc.parameters ??= {});
    if (!params.path) params.path = this.volumesDir;
  }
}

function addFinalizer(obj: KubeObject, finalizer: string): void {
  const meta = (obj.metadata ??= {});
  const list: string[] = Array.isArray(meta.finalizers) ? meta.finalizers : [];
  if (!list.includes(finalizer)) meta.finalizers = [...list, finalizer];
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
