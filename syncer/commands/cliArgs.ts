// How a `slipway` command fails (a message on stderr, an exit code) and reads an integer or a size option.
import { parseQuantity } from '../../kube/semantics/quantity';

export function fail(message: string, code = 2): never {
  process.stderr.write(`slipway: ${message}\n`);
  process.exit(code);
}

/** The integer value of option --NAME, from min to max; anything else fails with the range. */
export function intOption(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be a number from ${min} to ${max}, got ${v}`);
  return n;
}

/** The bytes option --NAME gives as a Kubernetes quantity ("10Mi", "500Ki", "4096"), at least min. */
export function sizeOption(name: string, v: string, min: number): number {
  const n = parseQuantity(v);
  if (n === undefined || !Number.isInteger(n) || n < min)
    fail(`--${name} must be a size of at least ${min} bytes, such as 10Mi or 500Ki, got ${v}`);
  return n;
}
