// StorageClasses: classes of the built-in hostpath provisioner get the folder their volumes live in (the
// state folder's volumes/) unless they name one.
import type { StorageClass } from 'kubernetes-types/storage/v1';
import type { KubeObject } from '../../../kube/objects';
import type { Strategy } from './strategy';

/** the provisioner of cluster/controllers/persistentVolumeController.ts */
const HOSTPATH_PROVISIONER = 'slipway.dev/hostpath';

export function storageClassStrategy(volumesDir: string): Strategy {
  return {
    prepareForCreate(obj) {
      const sc = obj as KubeObject & StorageClass;
      if (sc.provisioner !== HOSTPATH_PROVISIONER) return;
      const params = (sc.parameters ??= {});
      if (!params.path) params.path = volumesDir;
    },
  };
}
