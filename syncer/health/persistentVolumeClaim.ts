// PersistentVolumeClaim: bound to a volume or not.
import type { PersistentVolumeClaim } from 'kubernetes-types/core/v1';
import { Health } from './types';

/** Healthy when Bound, Degraded when Lost, else Progressing. */
export function persistentVolumeClaimHealth(live: PersistentVolumeClaim): Health {
  switch (live.status?.phase) {
    case 'Bound':
      return { status: 'Healthy', message: `Bound to ${live.spec?.volumeName ?? 'a volume'}` };
    case 'Lost':
      return { status: 'Degraded', message: `Lost its volume ${live.spec?.volumeName ?? ''}`.trim() };
    default:
      return { status: 'Progressing', message: 'Waiting for the claim to be bound' };
  }
}
