// How the ingress picks a Service for a host and path: host tiers, longest path, Exact before Prefix, whole path
// elements, the oldest Ingress on a tie, the default backend.
import * as assert from 'assert';
import type { Ingress, HTTPIngressPath } from 'kubernetes-types/networking/v1';
import { IngressRoutes } from '../../cluster/network/ingressRoutes';

function ingress(
  name: string,
  rules: { host?: string; paths: [string, HTTPIngressPath['pathType'], string][] }[],
  extra: { created?: string; defaultService?: string } = {},
): Ingress {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'Ingress',
    metadata: { name, namespace: 'default', creationTimestamp: extra.created ?? '2026-01-01T00:00:00Z' },
    spec: {
      ...(extra.defaultService
        ? { defaultBackend: { service: { name: extra.defaultService, port: { number: 80 } } } }
        : {}),
      rules: rules.map((r) => ({
        host: r.host,
        http: {
          paths: r.paths.map(([path, pathType, service]) => ({
            path,
            pathType,
            backend: { service: { name: service, port: { number: 80 } } },
          })),
        },
      })),
    },
  };
}

/** the Service a request goes to, or undefined */
const serviceFor = (routes: IngressRoutes, host: string, path: string) =>
  routes.match(host, path)?.backend.service?.name;

describe('ingress routes', () => {
  it('takes the longest matching path, Exact before Prefix, whole path elements only', () => {
    const routes = new IngressRoutes([
      ingress('site', [
        {
          host: 'shop.test',
          paths: [
            ['/', 'Prefix', 'front'],
            ['/api', 'Prefix', 'api'],
            ['/api/v2/', 'ImplementationSpecific', 'api-v2'],
            ['/api', 'Exact', 'api-root'],
          ],
        },
      ]),
    ]);
    assert.strictEqual(serviceFor(routes, 'shop.test', '/'), 'front');
    assert.strictEqual(serviceFor(routes, 'shop.test', '/cart'), 'front');
    assert.strictEqual(serviceFor(routes, 'shop.test', '/api'), 'api-root');
    assert.strictEqual(serviceFor(routes, 'shop.test', '/api/'), 'api');
    assert.strictEqual(serviceFor(routes, 'shop.test', '/api/items'), 'api');
    assert.strictEqual(serviceFor(routes, 'shop.test', '/apis'), 'front');
    assert.strictEqual(serviceFor(routes, 'shop.test', '/api/v2'), 'api-v2');
    assert.strictEqual(serviceFor(routes, 'shop.test', '/api/v2/x'), 'api-v2');
    assert.strictEqual(serviceFor(routes, 'SHOP.test', '/cart'), 'front');
    assert.strictEqual(serviceFor(routes, 'other.test', '/'), undefined);
  });

  it('prefers an exact host, then a one-label wildcard, then rules for any host, then the default backend', () => {
    const routes = new IngressRoutes([
      ingress('any', [{ paths: [['/', 'Prefix', 'catch-all']] }], { defaultService: 'fallback' }),
      ingress('wild', [{ host: '*.shop.test', paths: [['/', 'Prefix', 'wildcard']] }]),
      ingress('exact', [{ host: 'a.shop.test', paths: [['/only', 'Exact', 'exact-host']] }]),
    ]);
    assert.strictEqual(serviceFor(routes, 'a.shop.test', '/only'), 'exact-host');
    // the exact host has no rule for this path: the wildcard's takes it
    assert.strictEqual(serviceFor(routes, 'a.shop.test', '/other'), 'wildcard');
    assert.strictEqual(serviceFor(routes, 'b.shop.test', '/'), 'wildcard');
    // a wildcard covers one label only
    assert.strictEqual(serviceFor(routes, 'x.b.shop.test', '/'), 'catch-all');
    assert.strictEqual(serviceFor(routes, 'shop.test', '/'), 'catch-all');
    const onlyDefault = new IngressRoutes([
      ingress('d', [{ host: 'x.test', paths: [['/', 'Prefix', 'x']] }], { defaultService: 'fallback' }),
    ]);
    assert.strictEqual(serviceFor(onlyDefault, 'y.test', '/'), 'fallback');
  });

  it('gives a host and path two Ingresses claim to the older one', () => {
    const routes = new IngressRoutes([
      ingress('newer', [{ host: 'a.test', paths: [['/', 'Prefix', 'new']] }], { created: '2026-02-01T00:00:00Z' }),
      ingress('older', [{ host: 'a.test', paths: [['/', 'Prefix', 'old']] }], { created: '2026-01-01T00:00:00Z' }),
    ]);
    assert.strictEqual(serviceFor(routes, 'a.test', '/x'), 'old');
    assert.strictEqual(routes.match('a.test', '/x')?.ingress, 'older');
  });
});
