// Ingress: Healthy once it exists. Whether an address is ever published depends on an ingress
// controller being installed, so a missing one would leave it Progressing forever.
import type { Ingress } from 'kubernetes-types/networking/v1';
import { Health } from './types';

/** Always Healthy; the message names its addresses once published. */
export function ingressHealth(live: Ingress): Health {
  const ingress = live.status?.loadBalancer?.ingress;
  const addresses = Array.isArray(ingress) ? ingress.map((i) => i?.ip || i?.hostname).filter(Boolean) : [];
  return addresses.length ? { status: 'Healthy', message: `address ${addresses.join(', ')}` } : { status: 'Healthy' };
}
