// Registry credentials for an image from the pod's imagePullSecrets, as the kubelet's keyring matches them: a
// kubernetes.io/dockerconfigjson (or legacy dockercfg) Secret holds entries keyed by registry ("host[:port]",
// optionally a scheme, a path prefix, or a "*." wildcard in the host); the most specific entry that matches the
// image's registry and repository path wins.
import type { Secret } from 'kubernetes-types/core/v1';
import { parseImage } from '../runtime/imageRef';
import type { RegistryAuth } from '../runtime/types';

interface DockerConfigEntry {
  username?: string;
  password?: string;
  auth?: string;
}

/** Docker Hub's credentials are written under its legacy index address. */
const DOCKER_HUB_KEYS = ['index.docker.io', 'registry-1.docker.io', 'docker.io'];

/** The entries of a pull Secret; a Secret of another type or with unreadable data gives none. */
export function secretEntries(secret: Secret): [string, DockerConfigEntry][] {
  const read = (key: string): unknown => {
    const b64 = secret.data?.[key];
    if (!b64) return undefined;
    try {
      return JSON.parse(Buffer.from(b64, 'base64').toString('utf8'));
    } catch {
      return undefined;
    }
  };
  const config =
    secret.type === 'kubernetes.io/dockercfg'
      ? (read('.dockercfg') as Record<string, DockerConfigEntry> | undefined)
      : (read('.dockerconfigjson') as { auths?: Record<string, DockerConfigEntry> } | undefined)?.auths;
  return Object.entries(config ?? {}).filter(([, e]) => e && typeof e === 'object');
}

/** host and path of a keyring key: "https://Host:5000/v1/" → ["host:5000", "v1"] */
function splitKey(key: string): [string, string] {
  const bare = key.replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
  const slash = bare.indexOf('/');
  const host = (slash < 0 ? bare : bare.slice(0, slash)).toLowerCase();
  const path = slash < 0 ? '' : bare.slice(slash + 1);
  // Docker Hub's legacy key is its index API's address: its "/v1" is not a repository path
  if (DOCKER_HUB_KEYS.includes(host)) return ['docker.io', path === 'v1' ? '' : path];
  return [host, path];
}

function hostMatches(pattern: string, host: string): boolean {
  if (!pattern.includes('*')) return pattern === host;
  const [pHost, pPort] = pattern.split(':');
  const [hHost, hPort] = host.split(':');
  if (pPort !== hPort) return false;
  const p = pHost.split('.');
  const h = hHost.split('.');
  return p.length === h.length && p.every((part, i) => part === '*' || part === h[i]);
}

function credentials(serveraddress: string, e: DockerConfigEntry): RegistryAuth | undefined {
  if (e.username !== undefined && e.password !== undefined)
    return { username: e.username, password: e.password, serveraddress };
  if (!e.auth) return undefined;
  const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return undefined;
  return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1), serveraddress };
}

/** The credentials for `image` among the Secrets' entries, or undefined when none matches. */
export function registryAuthFor(image: string, secrets: Secret[]): RegistryAuth | undefined {
  const parsed = parseImage(image);
  if (!parsed) return undefined;
  const slash = parsed.repository.indexOf('/');
  const host = parsed.repository.slice(0, slash).toLowerCase();
  const path = parsed.repository.slice(slash + 1);
  let best: { auth: RegistryAuth; specificity: number } | undefined;
  for (const secret of secrets) {
    for (const [key, entry] of secretEntries(secret)) {
      const [kHost, kPath] = splitKey(key);
      if (!hostMatches(kHost, host)) continue;
      if (kPath && !(path === kPath || path.startsWith(`${kPath}/`))) continue;
      const auth = credentials(host === 'docker.io' ? 'https://index.docker.io/v1/' : host, entry);
      const specificity = (kHost.includes('*') ? 0 : 1000) + kPath.length;
      if (auth && (!best || specificity > best.specificity)) best = { auth, specificity };
    }
  }
  return best?.auth;
}
