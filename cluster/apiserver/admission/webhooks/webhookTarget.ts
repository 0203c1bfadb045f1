// Where a webhook is reached: clientConfig.url as given, or clientConfig.service (port 443 unless set) through one
// of the Service's ready endpoints (EndpointSlices, else a manual Endpoints object), as kube-apiserver routes to
// endpoints. A webhook outside the cluster, or a test's, registers as a Service without selector whose endpoint
// is 127.0.0.1. The certificate of a service-reached webhook is checked for `<service>.<namespace>.svc`. While pods
// are simulated, an endpoint that is a pod has nothing listening: that is said at once instead of waiting for the
// webhook's timeout.
import type { WebhookClientConfig } from 'kubernetes-types/admissionregistration/v1';
import type { Endpoints, ObjectReference, Service, ServicePort } from 'kubernetes-types/core/v1';
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

export function resolveWebhookTarget(config: WebhookClientConfig, store: Store, podsSimulated: boolean): WebhookTarget {
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
  const { backends, pods } = serviceBackends(store, ref.namespace, ref.name, svcPort);
  const b = backends[Math.floor(Math.random() * backends.length)];
  if (!b) throw new WebhookUnreachable(`no endpoints available for service "${ref.name}"`);
  const pod = pods.get(b.ip);
  if (podsSimulated && pod)
    throw new WebhookUnreachable(
      `service "${ref.namespace}/${ref.name}" sends to pod "${pod}" at ${b.ip}:${b.port}, which the embedded ` +
        'cluster only simulates (no process listens there): start the cluster with --runtime container, or run ' +
        'the webhook on this machine behind a Service without selector whose EndpointSlice points at 127.0.0.1',
    );
  return { url, shownOrigin: `https://${dnsName}:${port}`, host: b.ip, port: b.port, servername: dnsName, ca };
}

/** A Service port's ready addresses, and the pods behind those that are pods (by IP). */
function serviceBackends(
  store: Store,
  namespace: string,
  name: string,
  svcPort: ServicePort,
): { backends: Backend[]; pods: Map<string, string> } {
  const pods = new Map<string, string>();
  const podRef = (ip: string | undefined, ref: ObjectReference | undefined) => {
    if (ip && ref?.kind === 'Pod' && ref.name) pods.set(ip, ref.name);
  };
  const slices = store
    .list(`/registry/discovery.k8s.io/endpointslices/${namespace}/`)
    .items.map((e) => e.value as unknown as EndpointSlice)
    .filter((s) => s.metadata?.labels?.['kubernetes.io/service-name'] === name);
  if (slices.length) {
    for (const s of slices) for (const ep of s.endpoints ?? []) podRef(ep.addresses?.[0], ep.targetRef);
    return { backends: readyBackends(slices, svcPort), pods };
  }
  // no slice (a selectorless Service given an Endpoints object by hand): its ready addresses
  const ep = store.get(`/registry/core/endpoints/${namespace}/${name}`)?.value as Endpoints | undefined;
  const portName = svcPort.name ?? '';
  const backends = (ep?.subsets ?? []).flatMap((s) => {
    const p = s.ports?.find((q) => (q.name ?? '') === portName)?.port;
    for (const a of s.addresses ?? []) podRef(a.ip, a.targetRef);
    return p ? (s.addresses ?? []).map((a) => ({ ip: a.ip, port: p })) : [];
  });
  return { backends, pods };
}
