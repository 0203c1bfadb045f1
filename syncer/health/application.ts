// An Application deployed by another (app of apps): its health is the child's own health and sync, as Argo CD
// judges its Applications, so the parent's waves wait for a child to be deployed and healthy.
import { Application } from '../../kube/application';
import { specNotObserved } from './conditions';
import { Health } from './types';

/**
 * Progressing until the child's syncer has seen its latest spec and synced it; Degraded when its last sync failed
 * and left it OutOfSync; otherwise the child's health, with its message.
 */
export function applicationHealth(live: Application): Health {
  const st = live.status;
  if (!st?.health || !st.sync?.revision) return { status: 'Progressing', message: 'waiting for its first sync' };
  if (specNotObserved(live)) return { status: 'Progressing', message: 'its syncer has not seen the latest spec yet' };
  const op = st.operationState;
  if (op?.phase === 'Running') return { status: 'Progressing', message: op.message ?? 'syncing' };
  if (st.sync.status === 'OutOfSync' && op?.phase === 'Failed')
    return { status: 'Degraded', message: `its sync failed: ${op.message ?? 'see its status'}` };
  return { status: st.health.status, ...(st.health.message ? { message: st.health.message } : {}) };
}
