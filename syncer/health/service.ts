// Service: a LoadBalancer waits for its address; every other type works once created.
import { Health } from './types';

export function serviceHealth(live: any): Health {
  if (live.spec?.type !== 'LoadBalancer') return { status: 'Healthy' };
  const ingress = live.status?.loadBalancer?.ingress;
  if (Array.isArray(ingress) && ingress.some((i: any) => i?.ip || i?.hostname)) return { status: 'Healthy' };
  return { status: 'Progressing', message: 'Waiting for the load balancer address' };
}
