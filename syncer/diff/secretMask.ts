// Secret values never appear in a diff; as kubectl diff does, a changed value shows as
// "*** (before)" / "*** (after)" and an unchanged one as "***" on both sides.

const MASKED_FIELDS = ['data', 'stringData'] as const;

function isSecret(obj: any): boolean {
  return (
    !!obj &&
    typeof obj === 'object' &&
    obj.kind === 'Secret' &&
    (obj.apiVersion === 'v1' || obj.apiVersion === undefined)
  );
}

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A copy of a Secret with every data and stringData value replaced by "***"; other objects as they are. */
export function maskSecret(obj: any): any {
  if (!isSecret(obj)) return obj;
  const out = { ...obj };
  for (const f of MASKED_FIELDS) {
    if (isObject(obj[f])) out[f] = Object.fromEntries(Object.keys(obj[f]).map((k) => [k, '***']));
  }
  return out;
}

/** Both sides of a Secret diff masked, so a change still shows but no value does. */
export function maskSecretPair(before: any, after: any): [any, any] {
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  const b = before && typeof before === 'object' ? { ...before } : before;
  const a = after && typeof after === 'object' ? { ...after } : after;
  for (const f of MASKED_FIELDS) {
    const bv: Record<string, any> = isObject(before?.[f]) ? before[f] : {};
    const av: Record<string, any> = isObject(after?.[f]) ? after[f] : {};
    const differs = (k: string): boolean => k in bv && k in av && bv[k] !== av[k];
    if (isObject(before?.[f]))
      b[f] = Object.fromEntries(Object.keys(bv).map((k) => [k, differs(k) ? '*** (before)' : '***']));
    if (isObject(after?.[f]))
      a[f] = Object.fromEntries(Object.keys(av).map((k) => [k, differs(k) ? '*** (after)' : '***']));
  }
  return [b, a];
}
