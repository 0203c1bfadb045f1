// What the ingress listener does with a request: route it by host and path (ingressRoutes.ts) to a Service port,
// choose a ready endpoint of it (serviceEndpoints.ts) and forward the request there with the client's Host header.
// No rule and no default backend: 404; a Service without a ready endpoint (or simulated pods, which nothing runs
// behind): 503; a pod that does not answer: 502. Each error says which Ingress and Service it concerns.
import type { IncomingMessage, ServerResponse } from 'http';
import type { HostNetwork } from './hostNetwork';
import { forwardHttp } from './httpForwarder';
import { IngressRoutes, type Route } from './ingressRoutes';
import { findServicePort } from './serviceEndpoints';

function answer(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent) return void res.destroy();
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text + '\n');
}

/** the request's host without its port ("[::1]:8080" → "[::1]") */
function hostOf(req: IncomingMessage): string {
  const host = req.headers.host ?? '';
  return host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.split(':')[0];
}

export class IngressProxy {
  private routes = new IngressRoutes([]);

  constructor(private readonly network: HostNetwork) {}

  /** the routes of the Ingresses served, rebuilt by the ingress controller when they change */
  setRoutes(routes: IngressRoutes): void {
    this.routes = routes;
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const url = req.url ?? '/';
    const path = url.split('?')[0] || '/';
    const route = this.routes.match(hostOf(req), path);
    if (!route) return answer(res, 404, `404 Not Found: no Ingress rule for ${hostOf(req) || '(no host)'}${path}`);
    void this.forward(route, url, req, res);
  };

  private async forward(route: Route, url: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
    const ingress = `Ingress ${route.namespace}/${route.ingress}`;
    const svcRef = route.backend.service;
    if (!svcRef) return answer(res, 503, `503 Service Unavailable: ${ingress} routes to a resource, not a Service`);
    const what = `Service ${route.namespace}/${svcRef.name}`;
    const svc = this.network.endpoints.service(route.namespace, svcRef.name);
    const svcPort = svc && findServicePort(svc, svcRef.port?.name || svcRef.port?.number);
    if (!svcPort) {
      const port = svcRef.port?.name ?? svcRef.port?.number ?? '';
      return answer(
        res,
        503,
        `503 Service Unavailable: ${ingress}: ${what} ${svc ? `has no port ${port}` : 'not found'}`,
      );
    }
    const backend = this.network.endpoints.pick(route.namespace, svcRef.name, svcPort, req.socket.remoteAddress);
    if (!backend)
      return answer(
        res,
        503,
        `503 Service Unavailable: ${ingress}: ${what} port ${svcPort.port} has no ready endpoint`,
      );
    if (!this.network.podsReachable)
      return answer(
        res,
        503,
        `503 Service Unavailable: ${ingress}: the pods of ${what} are simulated; nothing answers`,
      );
    try {
      await forwardHttp({ scheme: 'http', host: backend.ip, port: backend.port, path: url }, req, res, {
        preserveHost: true,
      });
    } catch (e) {
      answer(
        res,
        502,
        `502 Bad Gateway: ${ingress}: ${what} at ${backend.ip}:${backend.port}: ${(e as Error).message}`,
      );
    }
  }
}
