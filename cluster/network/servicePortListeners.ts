// The ports a component holds open for Services (LoadBalancer ports and node ports on 127.0.0.1, cluster IPs' ports
// for the pods), each Service's set brought to what it should be by one call: ports no longer wanted are closed,
// missing ones opened, and the ports that could not be opened are returned for the caller to report. Every
// connection goes to a ready endpoint of the Service port, chosen when it arrives (serviceEndpoints.ts).
import type { ServicePort } from 'kubernetes-types/core/v1';
import { HOST_ADDRESS, type HostNetwork } from './hostNetwork';
import type { Backend } from './serviceEndpoints';
import { ListenError, listenTcp } from './tcpForwarder';
import { listenUdp } from './udpForwarder';

/** A port to hold for a Service: which port of the Service it forwards to. */
export interface WantedPort {
  /** the address to listen on; default 127.0.0.1 */
  host?: string;
  hostPort: number;
  /** the Service port's number, looked up in the Service at each connection */
  servicePort: number;
  /** default TCP; UDP forwards each client's datagrams to one endpoint (udpForwarder.ts) */
  protocol?: 'TCP' | 'UDP';
  /** whether a client may connect to the endpoint chosen for it (default: any); a refused one is reset */
  admit?: (clientIP: string, backend: Backend) => boolean;
}

interface Listener {
  close(): Promise<void>;
}

export class ServicePortListeners {
  /** "namespace/name" → "host:port/protocol" → listener */
  private readonly held = new Map<string, Map<string, Listener>>();

  constructor(private readonly network: HostNetwork) {}

  /** Holds exactly the wanted ports for the Service; the ports that could not be listened on. */
  async reconcile(namespace: string, name: string, wanted: WantedPort[]): Promise<ListenError[]> {
    const key = `${namespace}/${name}`;
    const held = this.held.get(key) ?? new Map<string, Listener>();
    const wantedAt = new Map(wanted.map((w) => [`${w.host ?? HOST_ADDRESS}:${w.hostPort}/${w.protocol ?? 'TCP'}`, w]));
    for (const [at, listener] of held) {
      if (wantedAt.has(at)) continue;
      held.delete(at);
      await listener.close();
    }
    const failed: ListenError[] = [];
    for (const [at, w] of wantedAt) {
      if (held.has(at)) continue;
      const listen = w.protocol === 'UDP' ? listenUdp : listenTcp;
      try {
        held.set(
          at,
          await listen(w.host ?? HOST_ADDRESS, w.hostPort, (clientIP) => this.choose(namespace, name, w, clientIP)),
        );
      } catch (e) {
        if (!(e instanceof ListenError)) throw e;
        failed.push(e);
      }
    }
    if (held.size) this.held.set(key, held);
    else this.held.delete(key);
    return failed;
  }

  async closeAll(): Promise<void> {
    const all = [...this.held.values()].flatMap((m) => [...m.values()]);
    this.held.clear();
    await Promise.all(all.map((l) => l.close()));
  }

  private choose(namespace: string, name: string, w: WantedPort, clientIP: string) {
    // simulated pods have addresses nothing answers on: refuse at once rather than let the client wait
    if (!this.network.podsReachable) return undefined;
    const svc = this.network.endpoints.service(namespace, name);
    const protocol = w.protocol ?? 'TCP';
    const port: ServicePort | undefined = svc?.spec?.ports?.find(
      (p) => p.port === w.servicePort && (p.protocol ?? 'TCP') === protocol,
    );
    const backend = port && this.network.endpoints.pick(namespace, name, port, clientIP);
    return backend && (!w.admit || w.admit(clientIP, backend)) ? backend : undefined;
  }
}

/** The TCP ports of a Service (UDP and SCTP are not forwarded to the host; cluster IPs forward UDP too). */
export function tcpPorts(ports: ServicePort[] | undefined): ServicePort[] {
  return (ports ?? []).filter((p) => (p.protocol ?? 'TCP') === 'TCP');
}
