// intstr.GetScaledValueFromIntOrPercent, the one parser of maxSurge / maxUnavailable / partition-style fields.

/**
 * "25%" of total, rounded up or down; an int as it is; absent is 0. Anything else (a plain numeric string,
 * "abc") is an error naming the value, as Kubernetes rejects it, rather than a silent 0.
 */
export function scaledValue(v: number | string | undefined | null, total: number, roundUp: boolean): number {
  if (v === undefined || v === null) return 0;
  if (typeof v === 'number') return v;
  const m = /^(-?\d+)%$/.exec(v);
  if (!m) {
    throw new Error(`invalid value for IntOrString: invalid value "${v}": must be an integer or percentage (e.g '5%')`);
  }
  const pct = Number(m[1]);
  return roundUp ? Math.ceil((pct * total) / 100) : Math.floor((pct * total) / 100);
}
