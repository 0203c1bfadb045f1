// Where a webhook is reached: clientConfig.url as given, or clientConfig.service (port 443 unless set) through one
// of the Service's ready endpoints (EndpointSlices, else a manual Endpoints object), as kube-apiserver routes to
// endpoints. A webhook outside the cluster, or a test's, registers as a Service without selector whose endpoint
// is 127.0.0.1. The certificate of a service-reached webhook is checked for `<service>.<namespace>.svc`.
import type { WebhookClientConfig } from 'kubernetes-types/admissionregistration/v1';
import type { Endpoints, Service, ServicePort } from 'kubernetes-types/core/v1';
import type { EndpointSlice } from 'kubernetes-types/discovery/v1';
import { findServicePort, readyBackends, type Backend } from '../../../network/serviceEndpoints';
import type { Store } from '../../../store/types';

export interface WebhookTarget {
  /** the URL posted to: the Service's DNS name for a service reference */
  url: URL;
  /** scheme, host and port as messages show them (kube-apiserver names a Service's port even when it is 443) */
  shownOrigin: string;
  /** where the connection goes */
  host: string;
  port: number;
  /** the name the server certificate must hold, when it is not url's host */
  servername?: string;
  /** PEM CA bundle; undefined: the system's trusted roots */
  ca?: string;
}

/** Thrown when a webhook's address cannot be found: a call failure, subject to the failure policy. */
export class WebhookUnreachable extends Error {}

export function resolveWebhookTarget(config: WebhookClientConfig, store: Store): WebhookTarget {
  const ca = config.caBundle ? Buffer.from(config.caBundle, 'base64').toString() : undefined;
  if (config.url) {
    let url: URL;
    try {
      url = new URL(config.url);
    } catch {
      throw new WebhookUnreachable(`clientConfig.url ${JSON.stringify(config.url)} is not a valid URL`);
    }
    if (url.protocol !== 'https:') throw new WebhookUnreachable(`clientConfig.url must use https, not ${url.protocol}`);
    // a bracketed IPv6 host is connected to without its brackets
    const host = url.hostname.replace(/^\[|\]$/g, '');
    return { url, shownOrigin: url.origin, host, port: Number(url.port || 443), ca };
  }
  const ref = config.service;
  if (!ref) throw new WebhookUnreachable('clientConfig names neither a url nor a service');
  const port = ref.port ?? 443;
  const dnsName = `${ref.name}.${ref.namespace}.svc`;
  const url = new URL(`https://${dnsName}:${port}${ref.path ?? ''}`);
  const svc = store.get(`/registry/core/services/${ref.namespace}/${ref.name}`)?.value as Service | undefined;
  if (!svc) throw new WebhookUnreachable(`service "${ref.namespace}/${ref.name}" not found`);
  const svcPort = findServicePort(svc, port);
  if (!svcPort || svcPort.port !== port)
    throw new WebhookUnreachable(`service "${ref.namespace}/${ref.name}" has no port ${port}`);
  const backends = serviceBackends(store, ref.namespace, ref.name, svcPort);
  const b = backends[Math.floor(Math.random() * backends.length)];
  if (!b) throw new WebhookUnreachable(`no endpoints available for service "${ref.name}"`);
  return { url, shownOrigin: `https://${dnsName}:${port}`, host: b.ip, port: b.port, servername: dnsName, ca };
}

function serviceBackends(store: Store, namespace: string, name: string, svcPort: ServicePort): Backend[] {
  const slices = store
    .list(`/registry/discovery.k8s.io/endpointslices/${namespace}/`)
    .items.map((e) => e.value as unknown as EndpointSlice)
    .filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === name);
  if (slices.length) return readyBackends(slices, svcPort);
  // no slice (a selectorless Service given an Endpoints object by hand): its ready addresses
  const ep = store.get(`/registry/core/endpoints/${namespace}/${name}`)?.value as Endpoints | undefined;
  const portName = svcPort.name ?? '';
  return (ep?.subsets ?? []).flatMap((s) => {
    const p = s.ports?.find((q) => (q.name ?? '') === portName)?.port;
    return p ? (s.addresses ?? []).map((a) => ({ ip: a.ip, port: p })) : [];
  });
}
