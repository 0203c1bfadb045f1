// Which pod a connection to a Service goes to, as kube-proxy decides it: among the ready endpoints of the Service
// port in its EndpointSlices, read again at every connection (so a pod that turns unready or is deleted gets no new
// connection from then on), round-robin, or the endpoint a client IP went to before while sessionAffinity ClientIP
// holds (for sessionAffinityConfig.clientIP.timeoutSeconds, 3 hours by default). The LoadBalancer and NodePort
// listeners, the ingress and the API server's services/proxy all choose through one of these.
import type { Service, ServicePort } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type { Informer } from '../../kubeclient/informer';

/** An address that serves a Service port: a pod IP and the pod's port. */
export interface Backend {
  ip: string;
  port: number;
}

const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
const DEFAULT_AFFINITY_SECONDS = 10800;

/** The Service port a request names: by name, else by number (as kube-apiserver reads `services/web:http`). */
export function findServicePort(svc: Service | undefined, port: string | number | undefined): ServicePort | undefined {
  const ports = svc?.spec?.ports ?? [];
  if (port === undefined || port === '') return ports[0];
  return ports.find((p) => p.name === port) ?? ports.find((p) => String(p.port) === String(port));
}

/** The ready addresses of a Service port among its EndpointSlices (terminating endpoints are never ready). */
export function readyBackends(slices: Iterable<EndpointSlice>, svcPort: ServicePort): Backend[] {
  const out: Backend[] = [];
  const name = svcPort.name ?? '';
  const protocol = svcPort.protocol ?? 'TCP';
  for (const slice of slices) {
    if (slice.addressType && slice.addressType !== 'IPv4') continue;
    const port = slice.ports?.find((p) => (p.name ?? '') === name && (p.protocol ?? 'TCP') === protocol)?.port;
    if (!port) continue;
    for (const ep of slice.endpoints ?? []) {
      // a nil ready condition means ready (discovery/v1); terminating endpoints carry ready: false
      if (ep.conditions?.ready === false || ep.conditions?.terminating) continue;
      const ip = ep.addresses?.[0];
      if (ip) out.push({ ip, port });
    }
  }
  // one order whatever the slices' order, so round-robin walks every endpoint
  return out.sort((a, b) => (a.ip === b.ip ? a.port - b.port : a.ip < b.ip ? -1 : 1));
}

export class ServiceEndpoints {
  /** "namespace/service" → slice name → slice, kept from the EndpointSlices informer */
  private readonly slicesByService = new Map<string, Map<string, EndpointSlice>>();
  private readonly turns = new Map<string, number>();
  /** "namespace/service/port/clientIP" → the endpoint chosen and until when it holds */
  private readonly affinity = new Map<string, { backend: Backend; until: number }>();

  constructor(
    private readonly services: Informer,
    slices: Informer,
  ) {
    const keyOf = (s: EndpointSlice) => {
      const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
      return svc ? `${s.metadata?.namespace}/${svc}` : undefined;
    };
    const put = (s: EndpointSlice) => {
      const key = keyOf(s);
      if (!key) return;
      let m = this.slicesByService.get(key);
      if (!m) this.slicesByService.set(key, (m = new Map()));
      m.set(s.metadata?.name ?? '', s);
    };
    const remove = (s: EndpointSlice) => {
      const key = keyOf(s);
      const m = key ? this.slicesByService.get(key) : undefined;
      m?.delete(s.metadata?.name ?? '');
      if (key && m?.size === 0) this.slicesByService.delete(key);
    };
    slices.on({
      add: put,
      update: (s: EndpointSlice, old: EndpointSlice) => {
        remove(old);
        put(s);
      },
      delete: remove,
    });
    for (const s of slices.list()) put(s);
  }

  service(namespace: string, name: string): Service | undefined {
    return this.services.get(namespace, name);
  }

  /** The ready endpoints of a Service port now. */
  ready(namespace: string, name: string, svcPort: ServicePort): Backend[] {
    return readyBackends(this.slicesByService.get(`${namespace}/${name}`)?.values() ?? [], svcPort);
  }

  /** The endpoint a new connection from clientIP to the Service port goes to; undefined when none is ready. */
  pick(namespace: string, name: string, svcPort: ServicePort, clientIP = ''): Backend | undefined {
    const backends = this.ready(namespace, name, svcPort);
    if (!backends.length) return undefined;
    const svcKey = `${namespace}/${name}/${svcPort.port}`;
    const svc = this.service(namespace, name);
    if (svc?.spec?.sessionAffinity === 'ClientIP') {
      const key = `${svcKey}/${clientIP}`;
      const held = this.affinity.get(key);
      const now = Date.now();
      if (held && held.until > now && backends.some((b) => b.ip === held.backend.ip && b.port === held.backend.port)) {
        held.until = now + affinitySeconds(svc) * 1000;
        return held.backend;
      }
      const backend = this.next(svcKey, backends);
      if (this.affinity.size > 10_000) this.forgetExpired(now);
      this.affinity.set(key, { backend, until: now + affinitySeconds(svc) * 1000 });
      return backend;
    }
    return this.next(svcKey, backends);
  }

  private forgetExpired(now: number): void {
    for (const [k, v] of this.affinity) if (v.until <= now) this.affinity.delete(k);
  }

  private next(key: string, backends: Backend[]): Backend {
    const turn = this.turns.get(key) ?? 0;
    this.turns.set(key, turn + 1);
    return backends[turn % backends.length];
  }
}

function affinitySeconds(svc: Service): number {
  return svc.spec?.sessionAffinityConfig?.clientIP?.timeoutSeconds ?? DEFAULT_AFFINITY_SECONDS;
}
