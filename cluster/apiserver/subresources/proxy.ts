// pods/proxy, services/proxy and nodes/proxy (what `kubectl proxy` users reach apps through). The request names
// its target as [scheme:]NAME[:port]; resolveProxyTarget finds the address kube-apiserver would dial. The
// simulated runtime runs no process behind a pod IP, so the answer is a 503 saying so; a runtime with real
// containers plugs in as a ProxyDialer (the one seam for forwarding the request).
import type { IncomingMessage, ServerResponse } from 'http';
import type { Node, Pod, Service } from 'kubernetes-types/core/v1';
import { ApiError, notFound } from '../apiErrors';
import type { RequestScope } from '../handlers/scope';

/** Where a proxied request goes. */
export interface ProxyTarget {
  scheme: 'http' | 'https';
  /** a pod IP or node address; undefined when the object has none yet */
  host?: string;
  port?: string;
  /** the path after .../proxy, with the request's query */
  path: string;
  /** what is reached, for messages: `pods "web"` */
  what: string;
}

/** Forwards a request to a target; none is installed while pods are simulated. */
export type ProxyDialer = (target: ProxyTarget, req: IncomingMessage, res: ServerResponse) => Promise<void>;

const PROXIED = new Set(['pods', 'services', 'nodes']);

export function isProxied(resource: string, group: string): boolean {
  return group === '' && PROXIED.has(resource);
}

/** [scheme:]name[:port], as kube-apiserver splits a proxy request's name (net.SplitSchemeNamePort). */
export function splitSchemeNamePort(id: string): { scheme: 'http' | 'https'; name: string; port?: string } {
  const parts = id.split(':');
  if (parts.length === 3 && (parts[0] === 'http' || parts[0] === 'https'))
    return { scheme: parts[0], name: parts[1], port: parts[2] || undefined };
  if (parts.length === 2) return { scheme: 'http', name: parts[0], port: parts[1] || undefined };
  return { scheme: 'http', name: id };
}

export function resolveProxyTarget(scope: RequestScope, id: string, proxyPath: string): ProxyTarget {
  const { api, info, namespace } = scope;
  const { scheme, name, port } = splitSchemeNamePort(id);
  const obj = api.storage.tryGet(info, namespace, name);
  if (!obj) throw notFound(info.plural, info.group, name);
  const path = proxyPath + scope.url.search;
  const what = `${info.plural} "${name}"`;
  switch (info.plural) {
    case 'pods': {
      const pod = obj as Pod;
      const firstPort = pod.spec?.containers?.[0]?.ports?.[0]?.containerPort;
      return { scheme, host: pod.status?.podIP, port: port ?? (firstPort ? String(firstPort) : undefined), path, what };
    }
    case 'services': {
      const svc = obj as Service;
      return { scheme, host: svc.spec?.clusterIP, port: port ?? String(svc.spec?.ports?.[0]?.port ?? ''), path, what };
    }
    default: {
      const node = obj as Node;
      const internal = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      return { scheme: 'https', host: internal, port: port ?? '10250', path, what };
    }
  }
}

export async function serveProxy(scope: RequestScope, id: string, proxyPath: string): Promise<void> {
  const target = resolveProxyTarget(scope, id, proxyPath);
  const dial = scope.api.proxyDialer;
  if (dial && target.host) return dial(target, scope.req, scope.res);
  const where = target.host ? ` at ${target.host}${target.port ? `:${target.port}` : ''}` : '';
  throw new ApiError(
    503,
    'ServiceUnavailable',
    `${target.what} cannot be proxied to: the embedded cluster simulates containers, so nothing listens${where}; ` +
      'proxy paths reach workloads once pods run as real containers',
  );
}
