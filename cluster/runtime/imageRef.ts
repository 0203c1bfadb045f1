// Image references as container runtimes read them: a missing registry means Docker Hub, a missing
// tag means :latest, and a reference that does not parse is refused (InvalidImageName).
import { createHash } from 'crypto';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN =
  /^(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*(?::[0-9]+)?$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/;

export interface ParsedImage {
  /** registry/repository */
  repository: string;
  tag?: string;
  digest?: string;
}

/** Parses a reference; undefined when it is not a valid reference. */
export function parseImage(ref: string): ParsedImage | undefined {
  if (!ref || ref !== ref.trim()) return undefined;
  let rest = ref;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) return undefined;
  }
  let tag: string | undefined;
  const colon = rest.lastIndexOf(':');
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) return undefined;
  }
  const parts = rest.split('/');
  let domain = 'docker.io';
  if (parts.length > 1 && (parts[0].includes('.') || parts[0].includes(':') || parts[0] === 'localhost')) {
    domain = parts.shift()!;
    if (!DOMAIN.test(domain)) return undefined;
  }
  if (!parts.length || parts.some((p) => !COMPONENT.test(p))) return undefined;
  if (domain === 'docker.io' && parts.length === 1) parts.unshift('library');
  return { repository: `${domain}/${parts.join('/')}`, tag: tag ?? (digest ? undefined : 'latest'), digest };
}

/** "docker.io/library/nginx:1.27" for "nginx:1.27". */
export function normalizedImage(p: ParsedImage): string {
  return p.repository + (p.tag ? `:${p.tag}` : '') + (p.digest ? `@${p.digest}` : '');
}

/** Whether a pod pulls the image by default: untagged and :latest images always are. */
export function defaultPullPolicy(ref: string): 'Always' | 'IfNotPresent' {
  const p = parseImage(ref);
  return p && !p.digest && p.tag === 'latest' ? 'Always' : 'IfNotPresent';
}

/** The digest an image resolves to: its own when pinned, else a stable one derived from the reference. */
export function imageDigest(p: ParsedImage): string {
  return p.digest ?? `sha256:${createHash('sha256').update(normalizedImage(p)).digest('hex')}`;
}
