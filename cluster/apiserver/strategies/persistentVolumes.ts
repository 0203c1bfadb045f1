// PersistentVolumes: a new volume is Pending and gets the finalizer that keeps it while a claim is bound to
// it, as Kubernetes' StorageObjectInUseProtection admission (removed by controllers/storageProtectionController.ts).
import { addFinalizer } from './finalizers';
import type { Strategy } from './strategy';

const PV_PROTECTION = 'kubernetes.io/pv-protection';

export const persistentVolumeStrategy: Strategy = {
  initialStatus: () => ({ phase: 'Pending' }),
  prepareForCreate: (obj) => addFinalizer(obj, PV_PROTECTION),
};
