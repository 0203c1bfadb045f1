// PersistentVolumeClaim: bound to a volume or not.
import { Health } from './types';

export function persistentVolumeClaimHealth(live: any): Health {
  switch (live.status?.phase) {
    case 'Bound':
      return { status: 'Healthy', message: `Bound to ${live.spec?.volumeName ?? 'a volume'}` };
    case 'Lost':
      return { status: 'Degraded', message: `Lost its volume ${live.spec?.volumeName ?? ''}`.trim() };
    default:
      return { status: 'Progressing', message: 'Waiting for the claim to be bound' };
  }
}
