// Reading status.conditions, which every rule below consults the same way.

export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

/** The condition of this type in status.conditions (undefined when absent or the list is malformed). */
export function conditionOf(obj: { status?: object } | undefined, type: string): Condition | undefined {
  const list = (obj?.status as { conditions?: unknown } | undefined)?.conditions;
  if (!Array.isArray(list)) return undefined;
  return list.find((c: Partial<Condition> | null) => c && c.type === type);
}

/** observedGeneration behind metadata.generation: the controller has not acted on the latest spec yet. */
export function specNotObserved(
  obj: { metadata?: { generation?: number }; status?: { observedGeneration?: number } } | undefined,
): boolean {
  const generation = obj?.metadata?.generation;
  const observed = obj?.status?.observedGeneration;
  if (typeof generation !== 'number') return false;
  return typeof observed !== 'number' || observed < generation;
}

/** A non-negative integer field, 0 when absent (as the API omits zero counters). */
export function count(v: unknown): number {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}
