// The addresses `slipway up` prints for an app's Ingresses on the embedded cluster's ingress listener. A rule for
// no host, or for localhost and *.localhost (which browsers send to the loopback), is a URL to open as is; another
// host is reached at the listener's address with that Host header, which the line says.
import type { Ingress } from 'kubernetes-types/networking/v1';
import type { Application } from '../../kube/application';
import type { ObjectClient } from '../../kubeclient/objectClient';

/** The ingress port when none is asked for, used only when it is free. */
export const DEFAULT_INGRESS_PORT = 8080;

/** What start-up says of the ingress listener: where it answers, or why there is none. */
export function ingressLine(c: { ingressUrl?: string; ingressProblem?: string }): string {
  if (c.ingressUrl) return `Ingresses answer on: ${c.ingressUrl}`;
  return `${c.ingressProblem ?? 'no ingress listener'}; choose a port with --ingress-port N (0: any free port)`;
}

/** One line per path of each rule, e.g. `http://shop.localhost:8080/cart` or `http://127.0.0.1:8080/ (Host: a.test)`. */
export function ingressUrls(ing: Ingress, listener: string): string[] {
  const base = new URL(listener);
  const out: string[] = [];
  const add = (host: string | undefined, path: string) => {
    if (!host) out.push(`${base.origin}${path}`);
    else if (host === 'localhost' || host.endsWith('.localhost')) out.push(`http://${host}:${base.port}${path}`);
    else if (!host.startsWith('*.')) out.push(`${base.origin}${path} (Host: ${host})`);
  };
  for (const rule of ing.spec?.rules ?? []) {
    const paths = rule.http?.paths ?? [];
    if (!paths.length) add(rule.host, '/');
    for (const p of paths) add(rule.host, p.path || '/');
  }
  if (!ing.spec?.rules?.length && ing.spec?.defaultBackend) add(undefined, '/');
  return out;
}

/** Prints the URLs of an Application's Ingresses whenever they change (a new Ingress, a changed rule). */
export class IngressUrlPrinter {
  private printed = '';
  private chain = Promise.resolve();

  constructor(
    private readonly client: ObjectClient,
    private readonly listener: string,
    private readonly out: (line: string) => void,
  ) {}

  /** Looks at the app's Ingresses again (one look at a time, in order). */
  update(app: Application): void {
    const refs = (app.status?.resources ?? []).filter((r) => r.kind === 'Ingress' && r.group === 'networking.k8s.io');
    this.chain = this.chain.then(async () => {
      const lines: string[] = [];
      for (const r of refs) {
        try {
          const ing: Ingress = await this.client.get({
            apiVersion: 'networking.k8s.io/v1',
            kind: 'Ingress',
            namespace: r.namespace,
            name: r.name,
          });
          lines.push(...ingressUrls(ing, this.listener));
        } catch {
          // not created yet, or pruned: the next status change looks again
        }
      }
      const text = lines.map((l) => `  ${l}`).join('\n');
      if (!lines.length || text === this.printed) return;
      this.printed = text;
      this.out(`Open the app at:\n${text}`);
    });
  }
}
