// Kubernetes' CEL URL library: url(text) for absolute URIs and absolute paths, isURL(text), and the parts.
import type { Environment } from '@marcbachmann/cel-js';

/** A parsed URL in CEL; a path alone has no scheme or host. */
export class CelUrl {
  constructor(
    readonly url: URL,
    readonly pathOnly: boolean,
  ) {}
}

const U = 'kubernetes.URL';

function parse(text: string): CelUrl | undefined {
  try {
    if (text.startsWith('/')) return new CelUrl(new URL(text, 'http://path.invalid'), true);
    return /^[a-zA-Z][a-zA-Z0-9+.-]*:/.test(text) ? new CelUrl(new URL(text), false) : undefined;
  } catch {
    return undefined;
  }
}

function url(text: string): CelUrl {
  const u = parse(text);
  if (!u) throw new Error(`URL parse error during conversion from string: ${text}`);
  return u;
}

function query(u: CelUrl): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [k, v] of u.url.searchParams) (out[k] ??= []).push(v);
  return out;
}

export function registerUrlLibrary(env: Environment): void {
  env
    .registerType(U, CelUrl)
    .registerFunction(`url(string): ${U}`, url)
    .registerFunction('isURL(string): bool', (s: string) => parse(s) !== undefined)
    .registerFunction(`${U}.getScheme(): string`, (u: CelUrl) => (u.pathOnly ? '' : u.url.protocol.slice(0, -1)))
    .registerFunction(`${U}.getHost(): string`, (u: CelUrl) => (u.pathOnly ? '' : u.url.host))
    .registerFunction(`${U}.getHostname(): string`, (u: CelUrl) =>
      u.pathOnly ? '' : u.url.hostname.replace(/^\[(.*)\]$/, '$1'),
    )
    .registerFunction(`${U}.getPort(): string`, (u: CelUrl) => (u.pathOnly ? '' : u.url.port))
    .registerFunction(`${U}.getEscapedPath(): string`, (u: CelUrl) => u.url.pathname)
    .registerFunction(`${U}.getQuery(): map<string, list<string>>`, query);
}
