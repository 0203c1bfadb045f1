// Pod readiness and availability as every controller judges them (kubernetes' podutil): Ready is the pod's
// Ready condition; available is Ready for longer than minReadySeconds. One rule, so a pod counted available by
// a Deployment is also available to a StatefulSet or DaemonSet at the same instant.
import type { Pod, PodCondition } from 'kubernetes-types/core/v1';

/** podutil.GetPodReadyCondition: the first Ready condition, as Kubernetes reads it. */
export function podReadyCondition(pod: Pod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: Pod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

/** podutil.IsPodActive: not finished and not being deleted. */
export function isPodActive(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

/** When the pod last became Ready (ms), if it is. */
export function podReadySince(pod: Pod): number | undefined {
  const c = podReadyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  return Date.parse(c.lastTransitionTime);
}

/**
 * podutil.IsPodAvailable: Ready, and either minReadySeconds is 0 or readySince + minReadySeconds is strictly
 * before now (Kubernetes uses Time.Before, so a pod exactly at the boundary is not yet available).
 */
export function isPodAvailable(pod: Pod, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = Date.parse(podReadyCondition(pod)?.lastTransitionTime ?? '');
  return Number.isFinite(since) && since + minReadySeconds * 1000 < now;
}
