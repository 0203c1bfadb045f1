// How many replicas one resource metric asks for, as Kubernetes' replica calculator works it out: usage of the
// pods with metrics against their requests (Utilization) or per pod (AverageValue); no change within the 10 %
// tolerance; pods without metrics counted as idle when scaling up and as at their request when scaling down, and
// unready pods left out of a CPU scale-up, so a rollout or a missing reading never makes it overshoot.
import type { Pod } from 'kubernetes-types/core/v1';
import { parseQuantity } from '../../../kube/semantics/quantity';

/** Kubernetes' --horizontal-pod-autoscaler-tolerance */
export const TOLERANCE = 0.1;

export type ResourceName = 'cpu' | 'memory';

export interface ResourceTarget {
  resource: ResourceName;
  /** percent of the pods' requests */
  averageUtilization?: number;
  /** per pod, in base units (cores, bytes) */
  averageValue?: number;
}

export interface Recommendation {
  replicas: number;
  /** the metric now, over the pods with readings: percent of requests, and per pod in base units */
  utilization?: number;
  averageValue: number;
}

export class MetricError extends Error {}

function podRequest(pod: Pod, resource: ResourceName): number | undefined {
  let total = 0;
  for (const c of pod.spec?.containers ?? []) {
    const q = parseQuantity(c.resources?.requests?.[resource]);
    if (q === undefined) return undefined;
    total += q;
  }
  return total;
}

function ready(pod: Pod): boolean {
  return pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * The replicas `target` asks for. `pods` are the target's pods (not deleted, not failed); `usage` is each pod's
 * reading by name (base units); `current` the target's replicas now.
 */
export function recommend(
  target: ResourceTarget,
  current: number,
  pods: Pod[],
  usage: Map<string, number>,
): Recommendation {
  const name = target.resource;
  const measured = pods.filter((p) => usage.has(p.metadata?.name ?? ''));
  if (!measured.length) throw new MetricError(`did not receive metrics for targeted pods (pods might be unready)`);
  const requests = new Map<string, number>();
  if (target.averageUtilization !== undefined) {
    for (const p of pods) {
      const r = podRequest(p, name);
      if (r === undefined || r === 0)
        throw new MetricError(
          `failed to get ${name} utilization: missing request for ${name} in pod ${p.metadata?.name}`,
        );
      requests.set(p.metadata?.name ?? '', r);
    }
  }
  // a CPU scale-up does not count pods that are not ready yet: their start-up burn is not load
  const counted = measured.filter((p) => name !== 'cpu' || ready(p));
  const missing = pods.filter((p) => !usage.has(p.metadata?.name ?? ''));
  const unready = measured.filter((p) => !counted.includes(p));
  const sumOf = (ps: Pod[], m: Map<string, number>) => ps.reduce((a, p) => a + (m.get(p.metadata?.name ?? '') ?? 0), 0);

  const ratioOf = (ps: Pod[], extraUsage: number, extraPods: Pod[]): number => {
    const all = [...ps, ...extraPods];
    const used = sumOf(ps, usage) + extraUsage;
    if (target.averageUtilization !== undefined) return used / sumOf(all, requests) / (target.averageUtilization / 100);
    return used / all.length / (target.averageValue ?? 1);
  };
  const base = counted.length ? counted : measured;
  const ratio = ratioOf(base, 0, []);
  const averageValue = sumOf(measured, usage) / measured.length;
  const utilization =
    target.averageUtilization !== undefined
      ? Math.round((sumOf(measured, usage) / sumOf(measured, requests)) * 100)
      : undefined;
  const within = (r: number) => Math.abs(1 - r) <= TOLERANCE;
  if (!missing.length && !unready.length) {
    return { replicas: within(ratio) ? current : Math.ceil(ratio * base.length), utilization, averageValue };
  }
  if (within(ratio)) return { replicas: current, utilization, averageValue };
  // the pods without a reading (and, scaling up, the unready ones) at their most conservative value
  const up = ratio > 1;
  const assumed = up ? [...missing, ...unready] : missing;
  const assumedUsage = up
    ? 0
    : target.averageUtilization !== undefined
      ? sumOf(missing, requests)
      : (target.averageValue ?? 0) * missing.length;
  const adjusted = ratioOf(base, assumedUsage, assumed);
  // the direction flipped or the change vanished: keep the replicas
  if (within(adjusted) || up !== adjusted > 1) return { replicas: current, utilization, averageValue };
  const replicas = Math.ceil(adjusted * (base.length + assumed.length));
  return { replicas: up ? Math.max(replicas, current) : Math.min(replicas, current), utilization, averageValue };
}
