// Parses a Kubernetes REST path into group, version, namespace, resource, name and subresource, and the
// integer query parameters requests carry. A malformed request is a 400 that names what is wrong, never a 500.
import { badRequest } from './apiErrors';

export interface RequestInfo {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  /** the legacy /watch/ path prefix (`/api/v1/watch/...`): a watch, of a collection or of one named object */
  legacyWatch?: boolean;
  /** for a proxy subresource: the path after .../proxy, "/" when none */
  proxyPath?: string;
}

// Sub-paths of /api/v1/namespaces/<name>/ that belong to the namespace itself, not to a namespaced resource.
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function parseResourcePath(pathname: string): RequestInfo | undefined {
  let parts: string[];
  try {
    parts = pathname
      .split('/')
      .filter((p) => p !== '')
      .map(decodeURIComponent);
  } catch {
    throw badRequest(`the request path ${JSON.stringify(pathname)} has a malformed %-escape`);
  }
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1];
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1];
    version = parts[2];
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  // kube-apiserver still serves the watch prefix its old clients (Ruby's kubeclient) use
  const legacyWatch = rest[0] === 'watch';
  if (legacyWatch) rest = rest.slice(1);
  if (rest.length === 0) return undefined;
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length > 2 && !NAMESPACE_SUBRESOURCES.has(rest[2])) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  // a proxy subresource carries the path to reach on the target after it: pods/NAME/proxy/PATH...
  const proxied = rest[2] === 'proxy' && !legacyWatch;
  if ((rest.length > 3 && !proxied) || (legacyWatch && rest.length > 2)) return undefined;
  const ri: RequestInfo = { group, version, namespace, resource: rest[0], name: rest[1], subresource: rest[2] };
  if (legacyWatch) ri.legacyWatch = true;
  if (proxied) ri.proxyPath = '/' + rest.slice(3).join('/');
  return ri;
}

/** An integer query parameter (limit, timeoutSeconds, ...), undefined when absent; anything else is a 400. */
export function intQueryParam(q: URLSearchParams, name: string, min = Number.MIN_SAFE_INTEGER): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!/^-?\d+$/.test(v.trim()) || !Number.isSafeInteger(n) || n < min) {
    const bound = min > Number.MIN_SAFE_INTEGER ? ` >= ${min}` : '';
    throw badRequest(`${name}: Invalid value: ${JSON.stringify(v)}: must be an integer${bound}`);
  }
  return n;
}

/**
 * A boolean query parameter read as kube-apiserver's query conversion does: absent is false, and so are "0" and
 * "false" in any case; any other value (even empty, "True" as the Python client sends) is true.
 */
export function boolQueryParam(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && v !== '0' && v.toLowerCase() !== 'false';
}
