// The DNS settings of a pod's containers (their resolv.conf), as the kubelet derives them from dnsPolicy and
// dnsConfig: ClusterFirst (the default) names the cluster DNS with the search domains `<ns>.svc.<domain>`,
// `svc.<domain>`, `<domain>` and ndots:5; Default is the node's own resolver (here: what the engine gives
// containers); None is dnsConfig alone. dnsConfig's nameservers and searches are added, its options win by name.
// ClusterFirst without a cluster DNS the pods can reach falls back to Default, as the kubelet does.
import type { PodDNSConfig } from 'kubernetes-types/core/v1';
import type { SandboxDns } from '../runtime/types';
import type { Pod } from './kubelet';
import { resolvConfServers } from '../dns/upstream';

const MAX_NAMESERVERS = 3;
const MAX_SEARCHES = 32;

export interface ClusterDnsSettings {
  /** the cluster DNS's address (port 53); undefined when the pods cannot reach one */
  server?: string;
  domain: string;
}

export type PodDnsDecision = { dns?: SandboxDns; fellBack: boolean };

function merge(base: SandboxDns, extra: PodDNSConfig | undefined): SandboxDns {
  const unique = (xs: string[]) => [...new Set(xs)];
  const options = new Map(base.options.map((o) => [o.split(':')[0], o]));
  for (const o of extra?.options ?? [])
    if (o.name) options.set(o.name, o.value !== undefined ? `${o.name}:${o.value}` : o.name);
  return {
    servers: unique([...base.servers, ...(extra?.nameservers ?? [])]).slice(0, MAX_NAMESERVERS),
    searches: unique([...base.searches, ...(extra?.searches ?? [])]).slice(0, MAX_SEARCHES),
    options: [...options.values()],
  };
}

/**
 * The pod's DNS settings; dns undefined: the engine's own (the node's resolver); fellBack: ClusterFirst asked for
 * with no cluster DNS to name.
 */
export function podDns(pod: Pod, cluster: ClusterDnsSettings): PodDnsDecision {
  const spec = pod.spec ?? { containers: [] };
  let policy = spec.dnsPolicy ?? 'ClusterFirst';
  if (policy === 'ClusterFirst' && spec.hostNetwork) policy = 'Default';
  if (policy === 'ClusterFirstWithHostNet') policy = 'ClusterFirst';
  const fellBack = policy === 'ClusterFirst' && !cluster.server;
  if (fellBack) policy = 'Default';
  if (policy === 'None') return { dns: merge({ servers: [], searches: [], options: [] }, spec.dnsConfig), fellBack };
  if (policy === 'Default') {
    if (!spec.dnsConfig) return { fellBack };
    return {
      dns: merge({ servers: resolvConfServers().map((s) => s.host), searches: [], options: [] }, spec.dnsConfig),
      fellBack,
    };
  }
  const d = cluster.domain;
  const ns = pod.metadata.namespace;
  const base = { servers: [cluster.server!], searches: [`${ns}.svc.${d}`, `svc.${d}`, d], options: ['ndots:5'] };
  return { dns: merge(base, spec.dnsConfig), fellBack };
}
