// HorizontalPodAutoscaler: whether it can scale its target. Metrics that cannot be read do not make it Degraded
// (Argo CD says Degraded): the embedded cluster has no metrics, and the HPA still keeps min and max replicas.
import type { HorizontalPodAutoscaler } from 'kubernetes-types/autoscaling/v2';
import { conditionOf, specNotObserved } from './conditions';
import { Health } from './types';

/** Reasons the user must act on: the target or the HPA's own spec is wrong. */
const DEGRADED = new Set(['FailedGetScale', 'FailedUpdateScale', 'InvalidSelector', 'InvalidMetricSourceType']);

/** Degraded when it cannot get or scale its target; Progressing before the controller reports; else Healthy. */
export function horizontalPodAutoscalerHealth(live: HorizontalPodAutoscaler): Health {
  if (specNotObserved(live)) return { status: 'Progressing', message: 'Waiting to Autoscale' };
  const able = conditionOf(live, 'AbleToScale');
  const active = conditionOf(live, 'ScalingActive');
  for (const c of [able, active])
    if (c?.status === 'False' && DEGRADED.has(c.reason ?? ''))
      return { status: 'Degraded', message: c.message || c.reason };
  if (!able) return { status: 'Progressing', message: 'Waiting to Autoscale' };
  const { currentReplicas, desiredReplicas } = live.status ?? {};
  const replicas = `${currentReplicas ?? 0} current, ${desiredReplicas ?? 0} desired replicas`;
  if (active?.status === 'False')
    return { status: 'Healthy', message: `${replicas}; ${active.message || active.reason}` };
  return { status: 'Healthy', message: replicas };
}
