// A member pod's state as the StatefulSet controller reads it (stateful_set_utils.go): created, Running and
// Ready, available after minReadySeconds by the one rule every controller shares (kit/podReadiness.ts).
import { isPodAvailable, isPodReady } from '../kit/podReadiness';
import type { Pod } from '../kit/objects';

export const phase = (p: Pod): string | undefined => p.status?.phase;
/** A pod not yet created has no phase: it is a placeholder built by newPod. */
export const isCreated = (p: Pod) => !!phase(p);
export const isTerminating = (p: Pod) => !!p.metadata.deletionTimestamp;

/** Running and Ready (StatefulSet's isRunningAndReady). */
export function isRunningAndReady(p: Pod): boolean {
  return phase(p) === 'Running' && isPodReady(p);
}

/** Running and available by podutil.IsPodAvailable, the rule every controller shares. */
export function isRunningAndAvailable(p: Pod, minReadySeconds: number, now: number): boolean {
  return phase(p) === 'Running' && isPodAvailable(p, minReadySeconds, now);
}

export function isUnavailable(p: Pod, minReadySeconds: number, now: number): boolean {
  return !isRunningAndAvailable(p, minReadySeconds, now) || isTerminating(p);
}
