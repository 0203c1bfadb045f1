// API discovery documents: the aggregated format (apidiscovery.k8s.io/v2, what kubectl asks for first)
// and the legacy per-group documents for older clients, and the paths that serve them.
import type { IncomingMessage, ServerResponse } from 'http';
import { apiVersionOf, ResourceInfo, ResourceRegistry } from '../../kube/registry';
import { methodNotAllowed, pathNotFound } from './apiErrors';
import { sendJson } from './responseWriters';

export const AGGREGATED_V2 = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
export const AGGREGATED_V2BETA1 = 'application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList';

/** Which aggregated format the Accept header prefers, if any (order of preference is the client's). */
export function wantsAggregated(accept: string | undefined): string | undefined {
  if (!accept) return undefined;
  for (const part of accept.split(',')) {
    const p = part.replace(/\s+/g, '');
    if (p.includes('g=apidiscovery.k8s.io') && p.includes('as=APIGroupDiscoveryList')) {
      return p.includes('v=v2beta1') ? AGGREGATED_V2BETA1 : AGGREGATED_V2;
    }
  }
  return undefined;
}

function groupOrder(g: string): number {
  return g === '' ? 0 : 1;
}

function sortedGroups(registry: ResourceRegistry): { group: string; versions: string[] }[] {
  return registry.groups().sort((a, b) => groupOrder(a.group) - groupOrder(b.group) || a.group.localeCompare(b.group));
}

function aggregatedResource(r: ResourceInfo) {
  return {
    resource: r.plural,
    singularResource: r.singular,
    scope: r.namespaced ? 'Namespaced' : 'Cluster',
    responseKind: { group: r.group, version: r.version, kind: r.kind },
    verbs: r.verbs,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    ...(r.categories.length ? { categories: r.categories } : {}),
    ...(r.subresources.length
      ? {
          subresources: r.subresources.map((s) => ({
            subresource: s.name,
            responseKind: { group: s.group, version: s.version, kind: s.kind },
            verbs: s.verbs,
          })),
        }
      : {}),
  };
}

export function aggregatedDiscovery(registry: ResourceRegistry, legacy: boolean, mediaType: string): object {
  const apiVersion = mediaType === AGGREGATED_V2BETA1 ? 'apidiscovery.k8s.io/v2beta1' : 'apidiscovery.k8s.io/v2';
  const groups = sortedGroups(registry).filter((g) => (legacy ? g.group === '' : g.group !== ''));
  return {
    kind: 'APIGroupDiscoveryList',
    apiVersion,
    metadata: {},
    items: groups.map((g) => ({
      metadata: { name: g.group, creationTimestamp: null },
      versions: g.versions.map((v) => ({
        version: v,
        freshness: 'Current',
        resources: registry
          .all()
          .filter((r) => r.group === g.group && r.version === v)
          .map(aggregatedResource),
      })),
    })),
  };
}

export function legacyApiVersions(serverAddress: string): object {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

function groupDoc(g: { group: string; versions: string[] }) {
  const versions = g.versions.map((v) => ({ groupVersion: `${g.group}/${v}`, version: v }));
  return { name: g.group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(registry: ResourceRegistry): object {
  return {
    kind: 'APIGroupList',
    apiVersion: 'v1',
    groups: sortedGroups(registry)
      .filter((g) => g.group !== '')
      .map(groupDoc),
  };
}

export function apiGroup(registry: ResourceRegistry, group: string): object | undefined {
  const g = registry.groups().find((x) => x.group === group);
  return g && g.group !== '' ? { kind: 'APIGroup', apiVersion: 'v1', ...groupDoc(g) } : undefined;
}

export function apiResourceList(registry: ResourceRegistry, group: string, version: string): object | undefined {
  const rs = registry.all().filter((r) => r.group === group && r.version === version);
  if (rs.length === 0) return undefined;
  const resources: object[] = [];
  for (const r of rs) {
    resources.push({
      name: r.plural,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
      ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
      ...(r.categories.length ? { categories: r.categories } : {}),
    });
    for (const s of r.subresources) {
      resources.push({
        name: `${r.plural}/${s.name}`,
        singularName: '',
        namespaced: r.namespaced,
        ...(s.group !== r.group || s.version !== r.version ? { group: s.group, version: s.version } : {}),
        kind: s.kind,
        verbs: s.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: apiVersionOf({ group, version }), resources };
}

/**
 * Answers a discovery path (/api, /apis, /apis/<group>, /api/v1, /apis/<group>/<version>); false when the
 * path is not one.
 */
export function serveDiscovery(
  registry: ResourceRegistry,
  path: string,
  method: string,
  req: IncomingMessage,
  res: ServerResponse,
): boolean {
  if (path === '/api' || path === '/apis') {
    if (method !== 'GET') throw methodNotAllowed();
    const agg = wantsAggregated(req.headers.accept);
    if (agg) sendJson(res, 200, aggregatedDiscovery(registry, path === '/api', agg), agg);
    else
      sendJson(res, 200, path === '/api' ? legacyApiVersions(req.headers.host ?? '127.0.0.1') : apiGroupList(registry));
    return true;
  }
  const parts = path.split('/').filter(Boolean);
  if (parts[0] === 'apis' && parts.length === 2) {
    const g = apiGroup(registry, parts[1]);
    if (!g) throw pathNotFound();
    sendJson(res, 200, g);
    return true;
  }
  if ((parts[0] === 'api' && parts.length === 2) || (parts[0] === 'apis' && parts.length === 3)) {
    const [group, version] = parts[0] === 'api' ? ['', parts[1]] : [parts[1], parts[2]];
    const doc = apiResourceList(registry, group, version);
    if (!doc) throw pathNotFound();
    sendJson(res, 200, doc);
    return true;
  }
  return false;
}
