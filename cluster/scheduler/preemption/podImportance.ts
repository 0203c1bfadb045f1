// Which of two pods matters more when one of them has to go, as kube-scheduler's MoreImportantPod: the higher
// priority, then the one that started first.
import { PodInfo } from '../podInfo';

/** status.startTime in milliseconds; a pod not started yet counts as the latest. */
export function startTime(p: PodInfo): number {
  const t = p.pod.status?.startTime;
  const ms = t ? Date.parse(t) : NaN;
  return Number.isNaN(ms) ? Infinity : ms;
}

export function moreImportant(a: PodInfo, b: PodInfo): boolean {
  if (a.priority !== b.priority) return a.priority > b.priority;
  return startTime(a) < startTime(b);
}

/** A sort comparator: the most important first. */
export function byImportance(a: PodInfo, b: PodInfo): number {
  return moreImportant(a, b) ? -1 : moreImportant(b, a) ? 1 : 0;
}
