// Which Service an HTTP request goes to, by the rules of the Ingresses the ingress controller serves: the host
// (an exact host before a wildcard `*.example.com`, which covers one label, before rules for any host), then the
// longest matching path (Exact before Prefix at equal length; ImplementationSpecific is Prefix; a Prefix matches
// whole path elements, so /foo covers /foo/bar but not /foobar). Among Ingresses claiming the same host and path
// the oldest wins, as ingress-nginx decides. A request no rule takes goes to the oldest default backend.
import type { Ingress, IngressBackend } from 'kubernetes-types/networking/v1';

export interface Route {
  /** the Ingress whose rule (or default backend) took the request */
  namespace: string;
  ingress: string;
  backend: IngressBackend;
}

interface PathRule {
  host: string;
  path: string;
  exact: boolean;
  route: Route;
  order: string;
}

/** sorts Ingresses oldest first, then by namespace/name, so the same set of Ingresses always routes alike */
function orderOf(ing: Ingress): string {
  return `${ing.metadata?.creationTimestamp ?? ''}/${ing.metadata?.namespace}/${ing.metadata?.name}`;
}

/** Does a Prefix rule path cover the request path, element by element? */
export function prefixMatches(rulePath: string, path: string): boolean {
  const rule = rulePath.replace(/\/+$/, '');
  if (rule === '') return true;
  return path === rule || path.startsWith(rule + '/');
}

/** Does a rule's host (exact or `*.` wildcard) take the request's host? */
export function hostMatches(ruleHost: string, host: string): boolean {
  if (!ruleHost) return true;
  if (!ruleHost.startsWith('*.')) return ruleHost === host;
  const suffix = ruleHost.slice(1);
  return host.endsWith(suffix) && !host.slice(0, -suffix.length).includes('.') && host.length > suffix.length;
}

export class IngressRoutes {
  private readonly rules: PathRule[] = [];
  private readonly defaults: { route: Route; order: string }[] = [];

  constructor(ingresses: Ingress[]) {
    for (const ing of ingresses) {
      const namespace = ing.metadata?.namespace ?? '';
      const name = ing.metadata?.name ?? '';
      const order = orderOf(ing);
      if (ing.spec?.defaultBackend)
        this.defaults.push({ route: { namespace, ingress: name, backend: ing.spec.defaultBackend }, order });
      for (const rule of ing.spec?.rules ?? []) {
        for (const p of rule.http?.paths ?? []) {
          this.rules.push({
            host: (rule.host ?? '').toLowerCase(),
            path: p.path || '/',
            exact: p.pathType === 'Exact',
            route: { namespace, ingress: name, backend: p.backend },
            order,
          });
        }
      }
    }
    this.defaults.sort((a, b) => (a.order < b.order ? -1 : 1));
  }

  /** The route for a request to host (without its port) and path (without the query); undefined: none at all. */
  match(host: string, path: string): Route | undefined {
    const h = host.toLowerCase();
    const tiers: ((r: PathRule) => boolean)[] = [
      (r) => r.host === h,
      (r) => r.host.startsWith('*.') && hostMatches(r.host, h),
      (r) => r.host === '',
    ];
    for (const inTier of tiers) {
      let best: PathRule | undefined;
      for (const r of this.rules) {
        if (!inTier(r) || !(r.exact ? r.path === path : prefixMatches(r.path, path))) continue;
        if (!best || better(r, best)) best = r;
      }
      if (best) return best.route;
    }
    return this.defaults[0]?.route;
  }
}

/** longer path first; at equal length Exact before Prefix; then the older Ingress */
function better(a: PathRule, b: PathRule): boolean {
  const la = a.path.replace(/\/+$/, '').length;
  const lb = b.path.replace(/\/+$/, '').length;
  if (la !== lb) return la > lb;
  if (a.exact !== b.exact) return a.exact;
  return a.order < b.order;
}
