// The cluster's names, answered from the Services and EndpointSlices the informers hold, as CoreDNS's kubernetes
// plugin answers them (the DNS specification of Kubernetes, schema 1.1.0):
//   <svc>.<ns>.svc.<domain>                A: the cluster IP; headless: the ready endpoints' addresses
//   <host>.<svc>.<ns>.svc.<domain>         A: a headless Service's endpoint by hostname (StatefulSet pods) or
//                                          by its address with dashes
//   ExternalName Services                  CNAME to spec.externalName
//   _<port>._<proto>.<svc>.<ns>.svc.<...>  SRV for named ports
//   <a-b-c-d>.<ns>.pod.<domain>            A: the address the name spells, as CoreDNS's `pods insecure`
// A Service whose cluster IP the pods cannot reach (reachesClusterIP false: no proxy carries it) is answered as a
// headless one: its ready endpoints' addresses, and SRV records with their target ports.
import type { SrvAnswer, StringAnswer } from 'dns-packet';
import type { EndpointSlice, Endpoint } from 'kubernetes-types/discovery/v1';
import type { Service } from 'kubernetes-types/core/v1';
import { isIPv4 } from 'net';

/** What the records are read from: the shared informers' caches. */
export interface ClusterObjects {
  service(namespace: string, name: string): Service | undefined;
  /** the EndpointSlices of a Service (label kubernetes.io/service-name) */
  slices(namespace: string, service: string): EndpointSlice[];
}

export interface RecordsOptions {
  /** "cluster.local" */
  domain: string;
  /** whether the pods' traffic to the Service's cluster IP reaches its endpoints; else its endpoints are answered */
  reachesClusterIP(svc: Service): boolean;
}

export type ClusterAnswer = StringAnswer | SrvAnswer;

/** The outcome for a name of the cluster's domain: NXDOMAIN, or the records (none: the name has no such type). */
export type Lookup = { found: false } | { found: true; answers: ClusterAnswer[]; additionals: ClusterAnswer[] };

/** kube-dns's and CoreDNS's default TTL for the cluster's records */
export const TTL = 5;

const NOT_FOUND: Lookup = { found: false };

interface Backend {
  ip: string;
  /** the name under the Service: hostname, else the address with dashes */
  label: string;
  ports: Map<string, { port: number; protocol: string }>;
}

export class ClusterRecords {
  constructor(
    private readonly objects: ClusterObjects,
    private readonly opts: RecordsOptions,
  ) {}

  get domain(): string {
    return this.opts.domain;
  }

  /** true for names this server answers itself (never forwarded) */
  inDomain(name: string): boolean {
    const n = name.toLowerCase().replace(/\.$/, '');
    return n === this.opts.domain || n.endsWith(`.${this.opts.domain}`);
  }

  lookup(name: string, type: string): Lookup {
    // names match whatever their case; answers repeat the name as asked (resolvers may check its case)
    const asked = name.replace(/\.$/, '');
    const n = asked.toLowerCase();
    const domain = this.opts.domain;
    if (n === domain) return empty();
    if (!n.endsWith(`.${domain}`)) return NOT_FOUND;
    const labels = n.slice(0, -(domain.length + 1)).split('.');
    const kind = labels[labels.length - 1];
    if (kind === 'pod') return this.pod(asked, labels.slice(0, -1), type);
    if (kind !== 'svc') return NOT_FOUND;
    const rest = labels.slice(0, -1);
    if (rest.length === 1) return empty(); // <ns>.svc: a zone cut, as CoreDNS answers it
    if (rest.length === 2) return this.service(asked, rest[1], rest[0], type);
    if (rest.length === 3) return this.endpoint(asked, rest[2], rest[1], rest[0], type);
    if (rest.length === 4 && rest[0].startsWith('_') && rest[1].startsWith('_'))
      return this.srv(asked, rest[3], rest[2], rest[0].slice(1), rest[1].slice(1), type);
    return NOT_FOUND;
  }

  private pod(name: string, rest: string[], type: string): Lookup {
    if (rest.length !== 2) return rest.length === 1 ? empty() : NOT_FOUND;
    const ip = rest[0].replace(/-/g, '.');
    if (!isIPv4(ip)) return NOT_FOUND;
    return answer(type === 'A' ? [a(name, ip)] : []);
  }

  private service(name: string, ns: string, svcName: string, type: string): Lookup {
    const svc = this.objects.service(ns, svcName);
    if (!svc) return NOT_FOUND;
    if (svc.spec?.type === 'ExternalName') {
      const target = svc.spec.externalName ?? '';
      return answer(target ? [{ type: 'CNAME', name, ttl: TTL, data: target.replace(/\.$/, '') }] : []);
    }
    if (type !== 'A') return empty();
    if (this.byClusterIP(svc)) return answer([a(name, svc.spec!.clusterIP!)]);
    return answer(this.backends(svc).map((b) => a(name, b.ip)));
  }

  private endpoint(name: string, ns: string, svcName: string, host: string, type: string): Lookup {
    const svc = this.objects.service(ns, svcName);
    if (!svc || this.byClusterIP(svc)) return NOT_FOUND;
    const found = this.backends(svc).filter((b) => b.label === host);
    if (!found.length) return NOT_FOUND;
    return answer(type === 'A' ? found.map((b) => a(name, b.ip)) : []);
  }

  private srv(name: string, ns: string, svcName: string, port: string, proto: string, type: string): Lookup {
    const svc = this.objects.service(ns, svcName);
    if (!svc || svc.spec?.type === 'ExternalName') return NOT_FOUND;
    const protocol = proto.toUpperCase();
    const svcHost = `${svcName}.${ns}.svc.${this.opts.domain}`;
    if (this.byClusterIP(svc)) {
      const p = (svc.spec?.ports ?? []).find((x) => x.name === port && (x.protocol ?? 'TCP') === protocol);
      if (!p) return NOT_FOUND;
      if (type !== 'SRV') return empty();
      return answer([srv(name, svcHost, p.port, 100)], [a(svcHost, svc.spec!.clusterIP!)]);
    }
    const backends = this.backends(svc).filter((b) => b.ports.get(port)?.protocol === protocol);
    if (!backends.length) return NOT_FOUND;
    if (type !== 'SRV') return empty();
    const weight = Math.floor(100 / backends.length);
    const targets = backends.map((b) => ({ b, host: `${b.label}.${svcHost}` }));
    return answer(
      targets.map(({ b, host }) => srv(name, host, b.ports.get(port)!.port, weight)),
      targets.map(({ b, host }) => a(host, b.ip)),
    );
  }

  /** whether the Service's name stands for its cluster IP (not headless, and the pods can reach it) */
  private byClusterIP(svc: Service): boolean {
    const ip = svc.spec?.clusterIP;
    return !!ip && ip !== 'None' && this.opts.reachesClusterIP(svc);
  }

  /** the Service's ready endpoints (all of them when it publishes not-ready addresses), each address once */
  private backends(svc: Service): Backend[] {
    const m = svc.metadata!;
    const all = !!svc.spec?.publishNotReadyAddresses;
    const seen = new Map<string, Backend>();
    for (const slice of this.objects.slices(m.namespace!, m.name!)) {
      if (slice.addressType !== 'IPv4') continue;
      const ports = new Map<string, { port: number; protocol: string }>();
      for (const p of slice.ports ?? [])
        if (p.name && p.port !== undefined) ports.set(p.name, { port: p.port, protocol: p.protocol ?? 'TCP' });
      for (const e of slice.endpoints ?? []) {
        if (!all && !ready(e)) continue;
        for (const ip of e.addresses) {
          if (seen.has(ip)) continue;
          seen.set(ip, { ip, label: e.hostname ?? ip.replace(/\./g, '-'), ports });
        }
      }
    }
    return [...seen.values()].sort((x, y) => (x.ip < y.ip ? -1 : x.ip > y.ip ? 1 : 0));
  }
}

/** an endpoint whose readiness is not known counts as ready, as the EndpointSlice API says */
function ready(e: Endpoint): boolean {
  return e.conditions?.ready !== false;
}

function a(name: string, ip: string): StringAnswer {
  return { type: 'A', name, ttl: TTL, data: ip };
}

function srv(name: string, target: string, port: number, weight: number): SrvAnswer {
  return { type: 'SRV', name, ttl: TTL, data: { priority: 0, weight, port, target } };
}

function answer(answers: ClusterAnswer[], additionals: ClusterAnswer[] = []): Lookup {
  return { found: true, answers, additionals };
}

function empty(): Lookup {
  return answer([]);
}
