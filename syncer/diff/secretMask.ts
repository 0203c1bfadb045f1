// Secret values never appear in a diff; as kubectl diff does, a changed value shows as
// "*** (before)" / "*** (after)" and an unchanged one as "***" on both sides.

import { isRecord } from '../../kube/objects';

const MASKED_FIELDS = ['data', 'stringData'] as const;

function isSecret(obj: unknown): obj is Record<string, unknown> {
  return isRecord(obj) && obj.kind === 'Secret' && (obj.apiVersion === 'v1' || obj.apiVersion === undefined);
}

/** The field's entries when it is a map, else none. */
function entriesOf(obj: unknown, field: string): Record<string, unknown> | undefined {
  const v = isRecord(obj) ? obj[field] : undefined;
  return isRecord(v) ? v : undefined;
}

/** A copy of a Secret with every data and stringData value replaced by "***"; other objects as they are. */
export function maskSecret<T>(obj: T): T {
  if (!isSecret(obj)) return obj;
  const out: Record<string, unknown> = { ...obj };
  for (const f of MASKED_FIELDS) {
    const values = entriesOf(obj, f);
    if (values) out[f] = Object.fromEntries(Object.keys(values).map((k) => [k, '***']));
  }
  return out as T;
}

/** Both sides of a Secret diff masked, so a change still shows but no value does. */
export function maskSecretPair<T>(before: T, after: T): [T, T] {
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  const b: Record<string, unknown> | undefined = isRecord(before) ? { ...before } : undefined;
  const a: Record<string, unknown> | undefined = isRecord(after) ? { ...after } : undefined;
  for (const f of MASKED_FIELDS) {
    const bv = entriesOf(before, f);
    const av = entriesOf(after, f);
    const differs = (k: string): boolean => !!bv && !!av && k in bv && k in av && bv[k] !== av[k];
    if (b && bv) b[f] = Object.fromEntries(Object.keys(bv).map((k) => [k, differs(k) ? '*** (before)' : '***']));
    if (a && av) a[f] = Object.fromEntries(Object.keys(av).map((k) => [k, differs(k) ? '*** (after)' : '***']));
  }
  return [(b ?? before) as T, (a ?? after) as T];
}
