// Service: a LoadBalancer waits for its address; every other type works once created.
import type { Service } from 'kubernetes-types/core/v1';
import { Health } from './types';

/** Healthy, except a LoadBalancer without an address yet (Progressing). */
export function serviceHealth(live: Service): Health {
  if (live.spec?.type !== 'LoadBalancer') return { status: 'Healthy' };
  const ingress = live.status?.loadBalancer?.ingress;
  if (Array.isArray(ingress) && ingress.some((i) => i?.ip || i?.hostname)) return { status: 'Healthy' };
  return { status: 'Progressing', message: 'Waiting for the load balancer address' };
}
