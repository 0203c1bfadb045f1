// Ingress: Healthy once it exists. Whether an address is ever published depends on an ingress
// controller being installed, so a missing one would leave it Progressing forever.
import { Health } from './types';

export function ingressHealth(live: any): Health {
  const ingress = live.status?.loadBalancer?.ingress;
  const addresses = Array.isArray(ingress) ? ingress.map((i: any) => i?.ip || i?.hostname).filter(Boolean) : [];
  return addresses.length ? { status: 'Healthy', message: `address ${addresses.join(', ')}` } : { status: 'Healthy' };
}
