// kube-proxy's part for the pods: each Service's cluster IP answers on its TCP and UDP ports, forwarding every
// connection (a UDP client's datagrams) to a ready endpoint chosen when it arrives (round-robin, or by client IP
// with sessionAffinity ClientIP), as kube-proxy's userspace mode did. The proxy listens in the cluster's process on
// clusterIP:port; a local route for the IP (network/clusterIPRoutes.ts) brings the pods' packets here. Runs only
// when such routes can be made: otherwise the cluster DNS answers Services with their ready pods' addresses. A port
// that cannot be listened on (another cluster on this machine holds the same cluster IP and port) is a
// ClusterIPNotServed event on the Service, tried again every few seconds; meanwhile its name resolves to its ready
// pods. Where the cluster enforces NetworkPolicies, a connection the client's egress or the chosen endpoint's ingress
// rules deny is reset (network/podFirewall.ts).
import { isIPv4 } from 'net';
import type { ClusterIPRoutes } from '../network/clusterIPRoutes';
import type { Backend } from '../network/serviceEndpoints';
import type { ServicePort } from 'kubernetes-types/core/v1';
import type { ControllerContext } from './controllerContext';
import type { Service } from './kit/objects';
import { ServicePortsController } from './kit/servicePortsController';

/** How soon a cluster IP that could not be served is tried again (cluster time). */
const RETRY_MS = 5000;

/** The IPv4 cluster IP the Service answers at; undefined for headless and ExternalName Services. */
function clusterIP(svc: Service | undefined): string | undefined {
  const ip = svc?.spec?.type === 'ExternalName' ? undefined : svc?.spec?.clusterIP;
  return ip && isIPv4(ip) ? ip : undefined;
}

/** The ports forwarded at a cluster IP: TCP and UDP (SCTP is not). */
function forwarded(ports: ServicePort[] | undefined): (ServicePort & { protocol: 'TCP' | 'UDP' })[] {
  return (ports ?? [])
    .map((p) => ({ ...p, protocol: p.protocol ?? 'TCP' }))
    .filter((p): p is ServicePort & { protocol: 'TCP' | 'UDP' } => p.protocol === 'TCP' || p.protocol === 'UDP');
}

export class ClusterIPProxyController extends ServicePortsController {
  readonly name = 'cluster-ip-proxy-controller';
  private routes?: ClusterIPRoutes;
  /** "namespace/name" → the cluster IP routed for it */
  private readonly routed = new Map<string, string>();

  constructor() {
    super('kube-proxy');
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.routes = ctx.podNetwork.clusterIPRoutes;
    // without routes the pods' traffic to cluster IPs never reaches this process: nothing to listen for
    if (this.routes) await super.start(ctx);
  }

  protected async sync(key: string): Promise<void> {
    const routes = this.routes!;
    const [namespace, name] = key.split('/');
    const svc: Service | undefined = this.services.get(namespace, name);
    const ip = clusterIP(svc);
    const ports = ip ? forwarded(svc?.spec?.ports) : [];
    let unrouted: string | undefined;
    if (ip && ports.length) await routes.add(ip).catch((e: Error) => (unrouted = e.message));
    const serve = ip && ports.length && !unrouted ? ip : undefined;
    // the pods and this machine only, and only where the NetworkPolicies allow the client the endpoint chosen
    const firewall = this.ctx.podNetwork.podFirewall;
    const admit = (protocol: string) => (clientIP: string, backend: Backend) =>
      routes.admits(clientIP) && (!firewall || firewall.allows(clientIP, backend.ip, protocol, backend.port));
    const failed = await this.listeners.reconcile(
      namespace,
      name,
      serve
        ? ports.map((p) => ({
            host: serve,
            hostPort: p.port,
            servicePort: p.port,
            protocol: p.protocol,
            admit: admit(p.protocol),
          }))
        : [],
    );
    const had = this.routed.get(key);
    if (had && had !== serve) {
      this.routed.delete(key);
      await routes.remove(had);
    }
    if (serve) {
      this.routed.set(key, serve);
      routes.carry(serve, !failed.length);
    }
    if (!svc || (!unrouted && !failed.length)) return;
    this.events.record(
      svc,
      'Warning',
      'ClusterIPNotServed',
      `Cluster IP not reachable from the pods: ${unrouted ?? failed.map((f) => f.message).join('; ')}; ` +
        "meanwhile the Service's name resolves to its ready pods (connect to their target port); " +
        'it is tried again every few seconds',
    );
    this.queue?.addAfter(key, RETRY_MS, this.ctx.clock);
  }
}
