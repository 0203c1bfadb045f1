// Service, Endpoints, EndpointSlice, Ingress, IngressClass and NetworkPolicy rows.

import type { Ingress, IngressClass, IngressRule, NetworkPolicy } from 'kubernetes-types/networking/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import type {
  EndpointAddress,
  EndpointPort,
  Endpoints,
  EndpointSubset,
  Service,
  ServicePort,
} from 'kubernetes-types/core/v1';
import { formatLabels, formatLabelSelector } from '../../../kube/labelSelector';
import { listWithMore, since, str } from './format';
import { AGE_COLUMN, column, NAME_COLUMN, printer } from './types';

/** "80/TCP", or "80:30080/TCP" when a node port is allocated; comma-joined. */
export function servicePorts(ports: ServicePort[] | undefined): string {
  const list: (ServicePort | undefined)[] = Array.isArray(ports) ? ports : [];
  const text = list
    .map((p) => {
      const proto = p?.protocol || 'TCP';
      return typeof p?.nodePort === 'number' && p.nodePort > 0
        ? `${p.port}:${p.nodePort}/${proto}`
        : `${p?.port}/${proto}`;
    })
    .join(',');
  return text || '<none>';
}

/** Load-balancer ingress points: IPs or host names, sorted and unique. */
function loadBalancerText(
  status: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } } | undefined,
): string {
  const points = new Set<string>();
  for (const i of status?.loadBalancer?.ingress ?? []) {
    if (i?.ip) points.add(i.ip);
    else if (i?.hostname) points.add(i.hostname);
  }
  return [...points].sort().join(',');
}

function externalIP(svc: Service): string {
  const type = svc.spec?.type || 'ClusterIP';
  const external: string[] = Array.isArray(svc.spec?.externalIPs) ? svc.spec.externalIPs : [];
  switch (type) {
    case 'ClusterIP':
    case 'NodePort':
      return external.length ? external.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerText(svc.status);
      const all = [...(lb ? lb.split(',') : []), ...external];
      return all.length ? all.join(',') : '<pending>';
    }
    case 'ExternalName':
      return str(svc.spec?.externalName);
    default:
      return '<unknown>';
  }
}

export const servicePrinter = printer<Service>({
  columns: [
    NAME_COLUMN,
    column('Type', 'string', 'How the service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'string', 'Virtual IP inside the cluster.'),
    column('External-IP', 'string', 'Addresses reachable from outside the cluster.'),
    column('Port(s)', 'string', 'Service ports, with node ports where allocated.'),
    AGE_COLUMN,
    column('Selector', 'string', 'Labels of the pods that back the service.', 1),
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    o.spec?.type || 'ClusterIP',
    o.spec?.clusterIPs?.[0] || o.spec?.clusterIP || '<none>',
    externalIP(o),
    servicePorts(o.spec?.ports),
    since(o.metadata?.creationTimestamp, now),
    formatLabels(o.spec?.selector),
  ],
});

function hostPort(ip: string, port: unknown): string {
  return ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`;
}

/** Up to three "ip:port" pairs, then "+ N more...". */
export function endpointsText(subsets: EndpointSubset[] | undefined): string {
  const list: (EndpointSubset | undefined)[] = Array.isArray(subsets) ? subsets : [];
  if (list.length === 0) return '<none>';
  const items: string[] = [];
  for (const ss of list) {
    const addrs: (EndpointAddress | undefined)[] = Array.isArray(ss?.addresses) ? ss.addresses : [];
    const ports: (EndpointPort | undefined)[] = Array.isArray(ss?.ports) ? ss.ports : [];
    // Headless services may publish addresses without ports.
    if (ports.length === 0) for (const a of addrs) items.push(str(a?.ip));
    else for (const p of ports) for (const a of addrs) items.push(hostPort(str(a?.ip), p?.port));
  }
  return listWithMore(items, 3, '');
}

export const endpointsPrinter = printer<Endpoints>({
  columns: [NAME_COLUMN, column('Endpoints', 'string', 'Ready addresses with their ports.'), AGE_COLUMN],
  cells: (o, now) => [o.metadata?.name ?? '', endpointsText(o.subsets), since(o.metadata?.creationTimestamp, now)],
});

export const endpointSlicePrinter = printer<EndpointSlice>({
  columns: [
    NAME_COLUMN,
    column('AddressType', 'string', 'Address family of the endpoints: IPv4, IPv6 or FQDN.'),
    column('Ports', 'string', 'Ports the endpoints expose.'),
    column('Endpoints', 'string', 'Endpoint addresses.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => {
    const ports = (Array.isArray(o.ports) ? o.ports : []).map((p) =>
      typeof p?.port === 'number' ? String(p.port) : (p?.name ?? '*'),
    );
    const addrs = (Array.isArray(o.endpoints) ? o.endpoints : []).flatMap((e) =>
      Array.isArray(e?.addresses) ? e.addresses.map(String) : [],
    );
    return [
      o.metadata?.name ?? '',
      str(o.addressType),
      listWithMore(ports, 3, '<unset>'),
      listWithMore(addrs, 3, '<unset>'),
      since(o.metadata?.creationTimestamp, now),
    ];
  },
});

/** Up to four rule hosts, "*" when no rule names a host. */
function ingressHosts(rules: IngressRule[] | undefined): string {
  const list: (IngressRule | undefined)[] = Array.isArray(rules) ? rules : [];
  const hosts: string[] = [];
  let more = false;
  for (const r of list) {
    if (hosts.length === 4) {
      more = true;
      break;
    }
    if (typeof r?.host === 'string' && r.host !== '') hosts.push(r.host);
  }
  if (hosts.length === 0) return '*';
  return more ? `${hosts.join(',')} + ${list.length - 4} more...` : hosts.join(',');
}

export const ingressPrinter = printer<Ingress>({
  columns: [
    NAME_COLUMN,
    column('Class', 'string', 'The IngressClass that serves this ingress.'),
    column('Hosts', 'string', 'Host names the rules match.'),
    column('Address', 'string', 'Load-balancer addresses the ingress is reachable at.'),
    column('Ports', 'string', 'Ports the ingress listens on; 443 appears when TLS is configured.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    o.spec?.ingressClassName ?? '<none>',
    ingressHosts(o.spec?.rules),
    loadBalancerText(o.status),
    Array.isArray(o.spec?.tls) && o.spec.tls.length > 0 ? '80, 443' : '80',
    since(o.metadata?.creationTimestamp, now),
  ],
});

export const ingressClassPrinter = printer<IngressClass>({
  columns: [
    NAME_COLUMN,
    column('Controller', 'string', 'The controller that implements this class.'),
    column('Parameters', 'string', 'Object holding controller-specific settings.'),
    AGE_COLUMN,
  ],
  cells: (o, now) => {
    const p = o.spec?.parameters;
    const params = p ? `${p.kind}${p.apiGroup ? '.' + p.apiGroup : ''}/${p.name}` : '<none>';
    return [o.metadata?.name ?? '', str(o.spec?.controller), params, since(o.metadata?.creationTimestamp, now)];
  },
});

export const networkPolicyPrinter = printer<NetworkPolicy>({
  columns: [NAME_COLUMN, column('Pod-Selector', 'string', 'Pods the policy applies to.'), AGE_COLUMN],
  cells: (o, now) => [
    o.metadata?.name ?? '',
    formatLabelSelector(o.spec?.podSelector ?? {}),
    since(o.metadata?.creationTimestamp, now),
  ],
});
