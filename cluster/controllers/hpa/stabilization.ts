// What the HorizontalPodAutoscaler's behavior makes of a recommendation, as Kubernetes' controller applies it:
// stabilization windows (the highest recommendation of the last scaleDown window, 300 s by default, so a dip
// does not scale down; the lowest of the scaleUp window, 0 s by default) and the scaling policies of the
// direction (by default up by 4 pods or 100 % per 15 s, whichever is more; down by 100 %), with selectPolicy.
import type { HPAScalingRules, HorizontalPodAutoscalerBehavior } from 'kubernetes-types/autoscaling/v2';

interface Entry {
  at: number;
  replicas: number;
}

interface ScaleEvent {
  at: number;
  change: number;
}

const DEFAULT_UP: HPAScalingRules = {
  stabilizationWindowSeconds: 0,
  selectPolicy: 'Max',
  policies: [
    { type: 'Pods', value: 4, periodSeconds: 15 },
    { type: 'Percent', value: 100, periodSeconds: 15 },
  ],
};
const DEFAULT_DOWN: HPAScalingRules = {
  stabilizationWindowSeconds: 300,
  selectPolicy: 'Max',
  policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }],
};

export interface Limited {
  replicas: number;
  /** the policy held the change back */
  limitedBy?: 'ScaleUpLimit' | 'ScaleDownLimit';
}

/** One HPA's recent recommendations and scale changes. */
export class Stabilizer {
  private recommendations: Entry[] = [];
  private events: ScaleEvent[] = [];

  /** The replicas to scale to now, for a raw recommendation `desired` while the target has `current`. */
  next(desired: number, current: number, now: number, behavior: HorizontalPodAutoscalerBehavior | undefined): Limited {
    const up = { ...DEFAULT_UP, ...behavior?.scaleUp };
    const down = { ...DEFAULT_DOWN, ...behavior?.scaleDown };
    this.recommendations.push({ at: now, replicas: desired });
    const upWindow = (up.stabilizationWindowSeconds ?? 0) * 1000;
    const downWindow = (down.stabilizationWindowSeconds ?? 0) * 1000;
    const keep = Math.max(upWindow, downWindow);
    this.recommendations = this.recommendations.filter((r) => now - r.at <= keep);
    let upRec = desired;
    let downRec = desired;
    for (const r of this.recommendations) {
      if (now - r.at <= upWindow) upRec = Math.min(upRec, r.replicas);
      if (now - r.at <= downWindow) downRec = Math.max(downRec, r.replicas);
    }
    let stable = current;
    if (stable < upRec) stable = upRec;
    if (stable > downRec) stable = downRec;
    if (stable === current) return { replicas: current };
    const rules = stable > current ? up : down;
    const bound = this.policyBound(rules, current, now, stable > current);
    if (stable > current && stable > bound) return { replicas: Math.max(current, bound), limitedBy: 'ScaleUpLimit' };
    if (stable < current && stable < bound) return { replicas: Math.min(current, bound), limitedBy: 'ScaleDownLimit' };
    return { replicas: stable };
  }

  /** Records a change made, for the policies' periods. */
  scaled(from: number, to: number, now: number): void {
    this.events.push({ at: now, change: to - from });
    this.events = this.events.filter((e) => now - e.at <= 30 * 60_000);
  }

  /** The furthest the policies allow from `current` now (a ceiling going up, a floor going down). */
  private policyBound(rules: HPAScalingRules, current: number, now: number, up: boolean): number {
    if (rules.selectPolicy === 'Disabled') return current;
    const bounds = (rules.policies ?? []).map((p) => {
      const period = p.periodSeconds * 1000;
      const moved = this.events
        .filter((e) => now - e.at <= period && (up ? e.change > 0 : e.change < 0))
        .reduce((a, e) => a + e.change, 0);
      // where the period began
      const start = current - moved;
      if (up) return p.type === 'Pods' ? start + p.value : Math.ceil(start * (1 + p.value / 100));
      return p.type === 'Pods' ? start - p.value : Math.floor(start * (1 - p.value / 100));
    });
    if (!bounds.length) return up ? Infinity : -Infinity;
    const pickMax = (rules.selectPolicy ?? 'Max') === 'Max';
    // Max allows the biggest change: the highest ceiling going up, the lowest floor going down
    return up === pickMax ? Math.max(...bounds) : Math.min(...bounds);
  }
}
