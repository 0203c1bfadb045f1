// Reading status.conditions, which every rule below consults the same way.

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export function conditionOf(obj: any, type: string): Condition | undefined {
  const list = obj?.status?.conditions;
  if (!Array.isArray(list)) return undefined;
  return list.find((c: any) => c && c.type === type);
}

/** observedGeneration behind metadata.generation: the controller has not acted on the latest spec yet. */
export function specNotObserved(obj: any): boolean {
  const generation = obj?.metadata?.generation;
  const observed = obj?.status?.observedGeneration;
  if (typeof generation !== 'number') return false;
  return typeof observed !== 'number' || observed < generation;
}

/** A non-negative integer field, 0 when absent (as the API omits zero counters). */
export function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
