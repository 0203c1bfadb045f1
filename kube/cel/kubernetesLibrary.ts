// The functions Kubernetes adds to CEL that the CEL library lacks (its lists, strings and regex libraries here;
// quantity, URL, sets, IP and CIDR in their own modules), on the environment every Kubernetes expression is
// compiled in. Not provided: semver, format and the authorizer; an expression using one is a compile error.
import type { Environment } from '@marcbachmann/cel-js';
import { celCompare, celEquals } from './celValues';
import { registerNetworkLibrary } from './networkLibrary';
import { registerQuantityLibrary } from './quantityLibrary';
import { registerSetsLibrary } from './setsLibrary';
import { registerUrlLibrary } from './urlLibrary';

function sorted(list: unknown[]): boolean {
  for (let i = 1; i < list.length; i++) if (celCompare(list[i - 1], list[i]) > 0) return false;
  return true;
}

/** Sum of a list of ints or of doubles, as Kubernetes' `sum()`: 0 for an empty list. */
function sum(list: unknown[]): unknown {
  if (list.length === 0) return 0n;
  if (typeof list[0] === 'bigint') return (list as bigint[]).reduce((a, b) => a + b, 0n);
  return (list as number[]).reduce((a, b) => a + b, 0);
}

function extreme(list: unknown[], sign: 1 | -1): unknown {
  if (list.length === 0) throw new Error('min/max of an empty list');
  return list.reduce((best, v) => (celCompare(v, best) * sign > 0 ? v : best));
}

/** Regular expressions: JavaScript's, which agree with RE2 on the patterns rules use (no backreferences). */
function regex(pattern: string): RegExp {
  return new RegExp(pattern, 'g');
}

export function registerKubernetesLibrary(env: Environment): void {
  registerQuantityLibrary(env);
  registerUrlLibrary(env);
  registerSetsLibrary(env);
  registerNetworkLibrary(env);
  env
    .registerFunction('list.isSorted(): bool', (l: unknown[]) => sorted(l))
    .registerFunction('list.sum(): dyn', (l: unknown[]) => sum(l))
    .registerFunction('list.min(): dyn', (l: unknown[]) => extreme(l, -1))
    .registerFunction('list.max(): dyn', (l: unknown[]) => extreme(l, 1))
    .registerFunction('list.indexOf(dyn): int', (l: unknown[], v: unknown) =>
      BigInt(l.findIndex((x) => celEquals(x, v))),
    )
    .registerFunction('list.lastIndexOf(dyn): int', (l: unknown[], v: unknown) => {
      for (let i = l.length - 1; i >= 0; i--) if (celEquals(l[i], v)) return BigInt(i);
      return -1n;
    })
    .registerFunction('string.charAt(int): string', (s: string, i: bigint) => {
      if (i < 0n || i > BigInt(s.length)) throw new Error(`index out of range: ${i}`);
      return s.charAt(Number(i));
    })
    .registerFunction('string.replace(string, string): string', (s: string, a: string, b: string) => s.split(a).join(b))
    .registerFunction('string.replace(string, string, int): string', (s: string, a: string, b: string, n: bigint) => {
      const parts = s.split(a);
      if (n < 0n || BigInt(parts.length - 1) <= n) return parts.join(b);
      const count = Number(n);
      return parts.slice(0, count + 1).join(b) + a + parts.slice(count + 1).join(a);
    })
    .registerFunction('string.reverse(): string', (s: string) => [...s].reverse().join(''))
    .registerFunction('string.find(string): string', (s: string, re: string) => regex(re).exec(s)?.[0] ?? '')
    .registerFunction('string.findAll(string): list<string>', (s: string, re: string) =>
      [...s.matchAll(regex(re))].map((m) => m[0]),
    )
    .registerFunction('string.findAll(string, int): list<string>', (s: string, re: string, n: bigint) => {
      const all = [...s.matchAll(regex(re))].map((m) => m[0]);
      return n < 0n ? all : all.slice(0, Number(n));
    });
}
