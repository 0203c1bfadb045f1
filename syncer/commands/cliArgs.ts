// How a `slipway` command fails (a message on stderr, an exit code) and reads an integer option.

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
