// Kubernetes' CEL quantity library: quantity("1.5Gi"), isQuantity(text), and comparisons and arithmetic on
// quantities. Values are numbers (kube/semantics/quantity.ts), exact for the sizes manifests use.
import type { Environment } from '@marcbachmann/cel-js';
import { isQuantityText, parseQuantity } from '../semantics/quantity';

/** A quantity in CEL, by its value. */
export class CelQuantity {
  constructor(readonly value: number) {}
}

const Q = 'kubernetes.Quantity';

function quantity(text: string): CelQuantity {
  const value = isQuantityText(text) ? parseQuantity(text) : undefined;
  if (value === undefined) throw new Error(`quantities must match the Kubernetes quantity grammar: ${text}`);
  return new CelQuantity(value);
}

const compare = (a: CelQuantity, b: CelQuantity) => Math.sign(a.value - b.value);

export function registerQuantityLibrary(env: Environment): void {
  env
    .registerType(Q, CelQuantity)
    .registerFunction(`quantity(string): ${Q}`, quantity)
    .registerFunction('isQuantity(string): bool', (s: string) => isQuantityText(s))
    .registerFunction(`${Q}.isGreaterThan(${Q}): bool`, (a: CelQuantity, b: CelQuantity) => compare(a, b) > 0)
    .registerFunction(`${Q}.isLessThan(${Q}): bool`, (a: CelQuantity, b: CelQuantity) => compare(a, b) < 0)
    .registerFunction(`${Q}.compareTo(${Q}): int`, (a: CelQuantity, b: CelQuantity) => BigInt(compare(a, b)))
    .registerFunction(`${Q}.sign(): int`, (a: CelQuantity) => BigInt(Math.sign(a.value)))
    .registerFunction(`${Q}.isInteger(): bool`, (a: CelQuantity) => Number.isSafeInteger(a.value))
    .registerFunction(`${Q}.asInteger(): int`, (a: CelQuantity) => {
      if (!Number.isSafeInteger(a.value)) throw new Error('cannot convert value to integer');
      return BigInt(a.value);
    })
    .registerFunction(`${Q}.asApproximateFloat(): double`, (a: CelQuantity) => a.value)
    .registerFunction(`${Q}.add(${Q}): ${Q}`, (a: CelQuantity, b: CelQuantity) => new CelQuantity(a.value + b.value))
    .registerFunction(`${Q}.add(int): ${Q}`, (a: CelQuantity, b: bigint) => new CelQuantity(a.value + Number(b)))
    .registerFunction(`${Q}.sub(${Q}): ${Q}`, (a: CelQuantity, b: CelQuantity) => new CelQuantity(a.value - b.value))
    .registerFunction(`${Q}.sub(int): ${Q}`, (a: CelQuantity, b: bigint) => new CelQuantity(a.value - Number(b)));
}
