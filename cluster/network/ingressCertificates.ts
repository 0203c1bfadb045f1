// The certificates the ingress's HTTPS listener presents: for each host in the `spec.tls` of the Ingresses served,
// the certificate and key of the kubernetes.io/tls Secret it names (in the Ingress's namespace). An exact host before
// a `*.` wildcard; the oldest Ingress wins a host two claim. A missing or unreadable Secret leaves its hosts on the
// default certificate.
import { createSecureContext, type SecureContext } from 'tls';
import type { Secret } from 'kubernetes-types/core/v1';
import type { Ingress } from 'kubernetes-types/networking/v1';
import { hostMatches } from './ingressRoutes';

export class IngressCertificates<T extends Ingress = Ingress> {
  private readonly byHost = new Map<string, SecureContext>();
  /** the Ingresses whose TLS Secret could not be used, and why (for events) */
  readonly problems: { ingress: T; message: string }[] = [];

  /** ingresses oldest first; secret(namespace, name) reads a Secret from the cache */
  constructor(ingresses: T[], secret: (namespace: string, name: string) => Secret | undefined) {
    for (const ing of ingresses) {
      for (const t of ing.spec?.tls ?? []) {
        if (!t.secretName) continue;
        const found = secret(ing.metadata?.namespace ?? '', t.secretName);
        const context = contextOf(found);
        if (!context) {
          const why = found ? 'holds no usable tls.crt and tls.key' : 'does not exist';
          const hosts = (t.hosts ?? []).join(', ') || 'its hosts';
          this.problems.push({
            ingress: ing,
            message: `TLS Secret "${t.secretName}" ${why}: ${hosts} get the cluster's default certificate`,
          });
          continue;
        }
        for (const host of t.hosts ?? []) {
          const h = host.toLowerCase();
          if (!this.byHost.has(h)) this.byHost.set(h, context);
        }
      }
    }
  }

  readonly lookup = (servername: string): SecureContext | undefined => {
    const exact = this.byHost.get(servername);
    if (exact) return exact;
    for (const [host, context] of this.byHost)
      if (host.startsWith('*.') && hostMatches(host, servername)) return context;
    return undefined;
  };
}

function contextOf(secret: Secret | undefined): SecureContext | undefined {
  const cert = secret?.data?.['tls.crt'];
  const key = secret?.data?.['tls.key'];
  if (!cert || !key) return undefined;
  try {
    return createSecureContext({ cert: Buffer.from(cert, 'base64'), key: Buffer.from(key, 'base64') });
  } catch {
    return undefined;
  }
}
