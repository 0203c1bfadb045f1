// /healthz, /livez and /readyz as kube-apiserver answers them: "ok" when every check passes; otherwise (or with
// ?verbose) one line per check, [+] passed or [-] failed with the reason, then "<endpoint> check failed". A check
// alone answers at /readyz/<name>.
export interface HealthCheck {
  name: string;
  /** why the check fails; undefined when it passes */
  failure: string | undefined;
}

export function isHealthPath(path: string): boolean {
  return /^\/(healthz|livez|readyz)(\/|$)/.test(path);
}

export function healthResponse(
  path: string,
  verbose: boolean,
  checks: HealthCheck[],
): { status: number; body: string } {
  const [endpoint, ...name] = path.slice(1).split('/');
  const only = name.join('/');
  const selected = only ? checks.filter((c) => c.name === only) : checks;
  if (selected.length === 0) return { status: 404, body: `${endpoint} check "${only}" not found\n` };
  const failed = selected.some((c) => c.failure !== undefined);
  if (!failed && !verbose) return { status: 200, body: 'ok' };
  const line = (c: HealthCheck) => (c.failure === undefined ? `[+]${c.name} ok` : `[-]${c.name} failed: ${c.failure}`);
  const lines = selected.map(line);
  lines.push(failed ? `${endpoint} check failed` : `${endpoint} check passed`);
  return { status: failed ? 500 : 200, body: lines.join('\n') + '\n' };
}
