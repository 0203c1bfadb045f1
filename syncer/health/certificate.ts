// cert-manager Certificate: issued (Ready), being issued, or failed.
import { conditionOf } from './conditions';
import { Health } from './types';

/** Progressing while Issuing or before cert-manager reports; Healthy when Ready; Degraded when Ready=False. */
export function certificateHealth(live: { status?: { conditions?: unknown } }): Health {
  const issuing = conditionOf(live, 'Issuing');
  if (issuing?.status === 'True')
    return { status: 'Progressing', message: issuing.message || 'Issuing the certificate' };
  const ready = conditionOf(live, 'Ready');
  if (ready?.status === 'True') return { status: 'Healthy', message: ready.message || 'Certificate is up to date' };
  if (ready?.status === 'False')
    return { status: 'Degraded', message: ready.message || ready.reason || 'Certificate is not ready' };
  return { status: 'Progressing', message: 'Waiting for the certificate to be issued' };
}
