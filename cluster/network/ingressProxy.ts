// What the ingress listener does with a request: route it by host and path (ingressRoutes.ts) to a Service port,
// choose a ready endpoint of it (serviceEndpoints.ts) and forward the request there with the client's Host header;
// an Upgrade request (WebSocket) becomes a connection piped both ways. No rule and no default backend: 404; a
// Service without a ready endpoint (or simulated pods, which nothing runs behind): 503; a pod that does not answer:
// 502. Each error says which Ingress and Service it concerns.
import type { IncomingMessage, ServerResponse } from 'http';
import type { Duplex } from 'stream';
import type { HostNetwork } from './hostNetwork';
import { forwardHttp, forwardUpgrade, refuseUpgrade, type HttpTarget } from './httpForwarder';
import { IngressRoutes } from './ingressRoutes';
import { findServicePort } from './serviceEndpoints';

/** A request's destination, or why there is none (status and text). */
type Destination = { target: HttpTarget; what: string } | { status: number; text: string };

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

const STATUS_TEXT: Record<number, string> = { 404: 'Not Found', 502: 'Bad Gateway', 503: 'Service Unavailable' };
const failure = (status: number, text: string) => ({ status, text: `${status} ${STATUS_TEXT[status]}: ${text}` });

export class IngressProxy {
  private routes = new IngressRoutes([]);

  constructor(private readonly network: HostNetwork) {}

  /** the routes of the Ingresses served, rebuilt by the ingress controller when they change */
  setRoutes(routes: IngressRoutes): void {
    this.routes = routes;
  }

  readonly handle = (req: IncomingMessage, res: ServerResponse): void => {
    const d = this.destination(req);
    if ('status' in d) return answer(res, d.status, d.text);
    forwardHttp(d.target, req, res, { preserveHost: true }).catch((e: Error) =>
      answer(res, 502, failure(502, `${d.what} at ${d.target.host}:${d.target.port}: ${e.message}`).text),
    );
  };

  readonly handleUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer): void => {
    const d = this.destination(req);
    if ('status' in d) return refuseUpgrade(socket, d.status, STATUS_TEXT[d.status], d.text);
    forwardUpgrade(d.target, req, socket, head, { preserveHost: true }).catch((e: Error) =>
      refuseUpgrade(socket, 502, STATUS_TEXT[502], failure(502, `${d.what}: ${e.message}`).text),
    );
  };

  private destination(req: IncomingMessage): Destination {
    const url = req.url ?? '/';
    const path = url.split('?')[0] || '/';
    const route = this.routes.match(hostOf(req), path);
    if (!route) return failure(404, `no Ingress rule for ${hostOf(req) || '(no host)'}${path}`);
    const ingress = `Ingress ${route.namespace}/${route.ingress}`;
    const svcRef = route.backend.service;
    if (!svcRef) return failure(503, `${ingress} routes to a resource, not a Service`);
    const what = `Service ${route.namespace}/${svcRef.name}`;
    const svc = this.network.endpoints.service(route.namespace, svcRef.name);
    const svcPort = svc && findServicePort(svc, svcRef.port?.name || svcRef.port?.number);
    if (!svcPort) {
      const port = svcRef.port?.name ?? svcRef.port?.number ?? '';
      return failure(503, `${ingress}: ${what} ${svc ? `has no port ${port}` : 'not found'}`);
    }
    const backend = this.network.endpoints.pick(route.namespace, svcRef.name, svcPort, req.socket.remoteAddress);
    if (!backend) return failure(503, `${ingress}: ${what} port ${svcPort.port} has no ready endpoint`);
    if (!this.network.podsReachable)
      return failure(503, `${ingress}: the pods of ${what} are simulated; nothing answers`);
    return { target: { scheme: 'http', host: backend.ip, port: backend.port, path: url }, what: `${ingress}: ${what}` };
  }
}
