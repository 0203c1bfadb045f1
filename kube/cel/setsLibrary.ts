// Kubernetes' CEL sets library: sets.contains(a, b), sets.equivalent(a, b), sets.intersects(a, b) on lists.
import type { Environment } from '@marcbachmann/cel-js';
import { celEquals } from './celValues';

/** The `sets` namespace: a constant whose methods are the library's functions. */
class CelSets {}

const S = 'kubernetes.Sets';
const includes = (list: unknown[], v: unknown) => list.some((x) => celEquals(x, v));

export function registerSetsLibrary(env: Environment): void {
  env
    .registerType(S, CelSets)
    .registerConstant('sets', S, new CelSets())
    .registerFunction(`${S}.contains(list, list): bool`, (_: CelSets, a: unknown[], b: unknown[]) =>
      b.every((v) => includes(a, v)),
    )
    .registerFunction(
      `${S}.equivalent(list, list): bool`,
      (_: CelSets, a: unknown[], b: unknown[]) => b.every((v) => includes(a, v)) && a.every((v) => includes(b, v)),
    )
    .registerFunction(`${S}.intersects(list, list): bool`, (_: CelSets, a: unknown[], b: unknown[]) =>
      b.some((v) => includes(a, v)),
    );
}
