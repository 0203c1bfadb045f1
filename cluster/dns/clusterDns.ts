// Starts the cluster DNS in the cluster's process: a DnsServer on each address asked for, answering from the
// process's shared informers of Services and EndpointSlices (read through the API like every component) and
// forwarding other names to the nameservers of /etc/resolv.conf. An address that cannot be bound (port 53 needs
// privileges, or another cluster holds it) is reported, not fatal: the pods then use the engine's DNS.
import type { Service } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { SharedInformers } from '../../kubeclient/sharedInformers';
import { ClusterObjects, ClusterRecords } from './clusterRecords';
import { DnsServer, ListenAddress } from './dnsServer';
import { resolvConfServers, UpstreamServer } from './upstream';

export const CLUSTER_DOMAIN = 'cluster.local';

export interface ClusterDnsOptions {
  listen: ListenAddress[];
  /** whether the pods reach the Service at its cluster IP; when not, its name gives its ready endpoints' addresses */
  reachesClusterIP(svc: Service): boolean;
  /** default: the nameservers of /etc/resolv.conf */
  upstream?: UpstreamServer[];
}

export interface RunningDns {
  /** where it answers */
  addresses: ListenAddress[];
  /** the addresses it could not listen on, and why */
  failures: string[];
  stop(): Promise<void>;
}

function objectsOf(informers: SharedInformers): ClusterObjects {
  const services = informers.get('', 'services');
  const slices = informers.get('discovery.k8s.io', 'endpointslices');
  return {
    service: (ns, name) => services.get(ns, name) as Service | undefined,
    slices: (ns, name) =>
      (slices.list() as EndpointSlice[]).filter(
        (s) => s.metadata?.namespace === ns && s.metadata.labels?.['kubernetes.io/service-name'] === name,
      ),
  };
}

export async function startClusterDns(informers: SharedInformers, opts: ClusterDnsOptions): Promise<RunningDns> {
  const records = new ClusterRecords(objectsOf(informers), {
    domain: CLUSTER_DOMAIN,
    reachesClusterIP: opts.reachesClusterIP,
  });
  const addresses: ListenAddress[] = [];
  const failures: string[] = [];
  // never forward to ourselves (a resolv.conf naming this machine's bridge address)
  const ours = (s: UpstreamServer) => addresses.some((a) => a.host === s.host && a.port === s.port);
  const upstream = opts.upstream ?? resolvConfServers();
  const server = new DnsServer({ records, upstream: () => upstream.filter((s) => !ours(s)) });
  for (const at of opts.listen) {
    try {
      addresses.push(await server.listen(at.host, at.port));
    } catch (e) {
      failures.push(`${at.host}:${at.port}: ${(e as Error).message}`);
    }
  }
  return { addresses, failures, stop: () => server.close() };
}
