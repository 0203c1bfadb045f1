// Secret values never appear in a diff or a view; as kubectl diff does, a changed value shows as
// "*** (before)" / "*** (after)" and an unchanged one as "***" on both sides.
import { isRecord } from './objects';

const MASKED_FIELDS = ['data', 'stringData'] as const;

type Fields = Record<string, unknown>;

function isSecret(obj: unknown): obj is Fields {
  return isRecord(obj) && obj.kind === 'Secret' && (obj.apiVersion === 'v1' || obj.apiVersion === undefined);
}

/** A copy of a Secret with every data and stringData value replaced by "***"; other objects as they are. */
export function maskSecret<T>(obj: T): T {
  if (!isSecret(obj)) return obj;
  const out: Fields = { ...obj };
  for (const f of MASKED_FIELDS) {
    const values = obj[f];
    if (isRecord(values)) out[f] = Object.fromEntries(Object.keys(values).map((k) => [k, '***']));
  }
  return out as T;
}

/** Both sides of a Secret diff masked, so a change still shows but no value does. */
export function maskSecretPair<B, A>(before: B, after: A): [B, A] {
  if (!isSecret(before) && !isSecret(after)) return [before, after];
  const b: unknown = isRecord(before) ? { ...before } : before;
  const a: unknown = isRecord(after) ? { ...after } : after;
  for (const f of MASKED_FIELDS) {
    const bf = isRecord(before) ? before[f] : undefined;
    const af = isRecord(after) ? after[f] : undefined;
    const bv: Fields = isRecord(bf) ? bf : {};
    const av: Fields = isRecord(af) ? af : {};
    const differs = (k: string): boolean => k in bv && k in av && bv[k] !== av[k];
    if (isRecord(bf) && isRecord(b))
      b[f] = Object.fromEntries(Object.keys(bv).map((k) => [k, differs(k) ? '*** (before)' : '***']));
    if (isRecord(af) && isRecord(a))
      a[f] = Object.fromEntries(Object.keys(av).map((k) => [k, differs(k) ? '*** (after)' : '***']));
  }
  return [b as B, a as A];
}
