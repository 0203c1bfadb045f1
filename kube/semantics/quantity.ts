// Resource quantities ("500m", "1.5Gi", "2e3"), parsed to a number so requests can be compared with limits.

const QUANTITY = /^([+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+))(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?$/;

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };

/**
 * Whether a text is a quantity by Kubernetes' grammar: a signed decimal number, then one binary suffix (Ki..Ei),
 * decimal suffix (n, u, m, k, M, G, T, P, E) or exponent (e3, E-2). "128MB", "1 Gi" and "1gi" are not.
 */
export function isQuantityText(text: string): boolean {
  return QUANTITY.test(text);
}

/** What kube-apiserver answers for a text that is no quantity. */
export const QUANTITY_FORMAT_MESSAGE =
  "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** undefined when the text is not a quantity. JSON numbers are quantities too. */
export function parseQuantity(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v : undefined;
  if (typeof v !== 'string') return undefined;
  const m = QUANTITY.exec(v.trim());
  if (!m) return undefined;
  const n = Number(m[1]);
  const suffix = m[2] ?? '';
  if (suffix in BINARY) return n * BINARY[suffix];
  const exp = suffix in DECIMAL ? DECIMAL[suffix] : Number(suffix.slice(1));
  // Dividing keeps "500m" and "0.5" exactly equal, which multiplying by 1e-3 would not.
  return exp < 0 ? n / 10 ** -exp : n * 10 ** exp;
}
