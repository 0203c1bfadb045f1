// pods/proxy, services/proxy and nodes/proxy (what `kubectl proxy` users reach apps through). The request names
// its target as [scheme:]NAME[:port]; resolveProxyTarget finds the address kube-apiserver would dial: the pod's IP,
// or for a Service one of its ready endpoints chosen at random. The simulated runtime runs no process behind a pod
// IP, so the answer is a 503 saying so; with real containers a ProxyDialer (the one seam for forwarding the request)
// carries it to the pod. The embedded nodes serve no kubelet API, so nodes/proxy is always a 503.
import type { IncomingMessage, ServerResponse } from 'http';
import type { Node, Pod, Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { findServicePort, readyBackends } from '../../network/serviceEndpoints';
import { ApiError, notFound } from '../apiErrors';
import type { RequestScope } from '../handlers/scope';
import { storageKey } from '../objectStorage';

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
  /** why nothing can be dialled even with real containers (no ready endpoint, no port, nodes) */
  unreachable?: string;
}

/** Forwards a request to a target; none is installed while pods are simulated. */
export type ProxyDialer = (target: ProxyTarget, req: IncomingMessage, res: ServerResponse) => Promise<void>;

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
      const svcPort = findServicePort(svc, port);
      if (!svcPort)
        return {
          scheme,
          host: svc.spec?.clusterIP,
          port,
          path,
          what,
          unreachable: `no service port ${port} found for ${what}`,
        };
      const backends = readyBackends(serviceSlices(scope, name), svcPort);
      // kube-apiserver dials a ready endpoint at random; the cluster IP names the Service in messages meanwhile
      const b = backends[Math.floor(Math.random() * backends.length)];
      if (!b)
        return {
          scheme,
          host: svc.spec?.clusterIP,
          port: String(svcPort.port),
          path,
          what,
          unreachable: `no endpoints available for service "${name}"`,
        };
      return { scheme, host: b.ip, port: String(b.port), path, what };
    }
    default: {
      const node = obj as Node;
      const internal = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      return {
        scheme: 'https',
        host: internal,
        port: port ?? '10250',
        path,
        what,
        unreachable: `${what} cannot be proxied to: the embedded cluster's nodes serve no kubelet API`,
      };
    }
  }
}

/** The EndpointSlices of a Service, as the endpoint controller labels them. */
function serviceSlices(scope: RequestScope, service: string): EndpointSlice[] {
  const info = scope.api.registry.byResource('discovery.k8s.io', 'v1', 'endpointslices');
  if (!info) return [];
  return scope.api.store
    .list(storageKey(info, scope.namespace))
    .items.map((e) => e.value as unknown as EndpointSlice)
    .filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === service);
}

export async function serveProxy(scope: RequestScope, id: string, proxyPath: string): Promise<void> {
  const target = resolveProxyTarget(scope, id, proxyPath);
  const dial = scope.api.proxyDialer;
  if (!dial) {
    const where = target.host ? ` at ${target.host}${target.port ? `:${target.port}` : ''}` : '';
    throw new ApiError(
      503,
      'ServiceUnavailable',
      `${target.what} cannot be proxied to: the embedded cluster simulates containers, so nothing listens${where}; ` +
        'proxy paths reach workloads once pods run as real containers',
    );
  }
  if (target.unreachable) throw new ApiError(503, 'ServiceUnavailable', target.unreachable);
  if (!target.host || !target.port)
    throw new ApiError(503, 'ServiceUnavailable', `${target.what} has no ${target.host ? 'port' : 'IP address'} yet`);
  try {
    await dial(target, scope.req, scope.res);
  } catch (e) {
    throw new ApiError(
      503,
      'ServiceUnavailable',
      `error trying to reach ${target.what} at ${target.host}:${target.port}: ${(e as Error).message}`,
    );
  }
}
