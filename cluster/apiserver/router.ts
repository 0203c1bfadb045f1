// Path → handler: health checks (without authentication), then for an authenticated user (access/: the
// admin token, ServiceAccount tokens, client certificates; impersonation) allowed by RBAC: /version, discovery,
// OpenAPI, the reviews and resources (requestInfo.ts parses their paths) by verb, as kube-apiserver's handler
// chain and endpoint installer do.
import type { IncomingMessage, ServerResponse } from 'http';
import { authenticate } from './access/authentication';
import { forbiddenError, isAllowed } from './access/authorization';
import { impersonate } from './access/impersonation';
import type { Attributes } from './access/rbac';
import { REVIEW_GROUPS, serveReview, type Access } from './access/reviews';
import { methodNotAllowed, pathNotFound, unauthorized } from './apiErrors';
import { serveDiscovery } from './discovery';
import { METRICS_GROUP, serveMetrics } from './metricsApi';
import { healthResponse, isHealthPath, type HealthCheck } from './health';
import type { OpenApiEndpoint } from './openapiEndpoint';
import { boolQueryParam, parseResourcePath, type RequestInfo } from './requestInfo';
import { sendJson } from './responseWriters';
import { versionInfo } from './version';
import { createObject } from './handlers/create';
import { deleteCollection, deleteObject } from './handlers/delete';
import { getObject } from './handlers/get';
import { listObjects } from './handlers/list';
import { patchResource } from './handlers/patch';
import type { ApiContext, RequestScope } from './handlers/scope';
import { updateObject } from './handlers/update';
import { watchObjects } from './handlers/watch';
import { serveSubresource } from './subresources';
import { isPodStream } from './subresources/podStreams';

export interface Routes {
  api: ApiContext;
  access: Access;
  openapi: OpenApiEndpoint;
  /** started and not stopping (readyz) */
  ready(): boolean;
}

export async function route(routes: Routes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://localhost');
  const path = url.pathname.replace(/\/+$/, '') || '/';
  if (isHealthPath(path)) return serveHealth(routes, path, url, res);
  const authenticated = authenticate(routes.access.authenticator, req);
  if (!authenticated) throw unauthorized();
  const user = impersonate(req, authenticated, routes.access.rbac);
  const method = req.method ?? 'GET';
  const ri = parseResourcePath(path);
  const attrs: Attributes = ri
    ? { resourceRequest: true, verb: resourceVerb(method, ri, url), ...ri }
    : { resourceRequest: false, verb: method === 'HEAD' ? 'get' : method.toLowerCase(), path };
  if (!isAllowed(routes.access.rbac, user, attrs)) throw forbiddenError(user, attrs);
  const { registry } = routes.api;
  if (path === '/version') return sendJson(res, 200, versionInfo());
  if (serveDiscovery(registry, path, method, req, res)) return;
  if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) return routes.openapi.serve(path, url, res);
  if (path === '/openapi/v2') return routes.openapi.serveV2(req, res);

  if (!ri) throw pathNotFound();
  const info = registry.byResource(ri.group, ri.version, ri.resource);
  if (!info) throw pathNotFound();
  if (info.namespaced && ri.name !== undefined && ri.namespace === undefined) throw pathNotFound();
  if (!info.namespaced && ri.namespace !== undefined) throw pathNotFound();
  // a verb the resource does not offer (writes to APIServices, deletecollection of namespaces) is a 405
  if (!ri.subresource && attrs.resourceRequest && !info.verbs.includes(attrs.verb)) throw methodNotAllowed();
  const scope: RequestScope = {
    api: routes.api,
    req,
    res,
    url,
    info,
    namespace: info.namespaced ? ri.namespace : undefined,
    warnings: [],
    user,
  };
  if (REVIEW_GROUPS.has(info.group)) return serveReview(scope, method, user, routes.access);
  if (info.group === METRICS_GROUP) return serveMetrics(scope, method, ri.name);
  return serveResource(scope, method, ri);
}

/** The verb a resource request is authorized as. */
function resourceVerb(method: string, ri: RequestInfo, url: URL): string {
  // a WebSocket exec, attach or portforward is a GET, yet creates a stream: kube-apiserver asks for create
  if (ri.subresource && isPodStream(ri.resource, ri.group, ri.subresource)) return 'create';
  switch (method) {
    case 'GET':
    case 'HEAD':
      // the legacy /watch/ paths watch, of a collection or of one object
      if (ri.legacyWatch) return 'watch';
      if (ri.name !== undefined) return 'get';
      return isWatch(url) ? 'watch' : 'list';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return ri.name === undefined ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

function isWatch(url: URL): boolean {
  return boolQueryParam(url.searchParams, 'watch');
}

function serveHealth(routes: Routes, path: string, url: URL, res: ServerResponse): void {
  const checks: HealthCheck[] = [{ name: 'ping', failure: undefined }];
  if (path.startsWith('/readyz')) {
    checks.push({ name: 'etcd', failure: routes.api.store.writeFailure });
    const started = routes.ready() ? undefined : 'not started, or shutting down';
    checks.push({ name: 'poststarthook/slipway-started', failure: started });
  }
  const { status, body } = healthResponse(path, url.searchParams.has('verbose'), checks);
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body);
}

/** A resource's verbs: get, list, watch, create, update, patch, delete, deletecollection; subresources apart. */
function serveResource(scope: RequestScope, method: string, ri: RequestInfo): Promise<void> | void {
  if (ri.legacyWatch) {
    if (method !== 'GET') throw methodNotAllowed();
    return watchObjects(scope, ri.name);
  }
  if (ri.name !== undefined && ri.subresource)
    return serveSubresource(scope, method, ri.name, ri.subresource, ri.proxyPath);
  if (ri.name === undefined) {
    switch (method) {
      case 'GET':
        return isWatch(scope.url) ? watchObjects(scope) : listObjects(scope);
      case 'POST':
        return createObject(scope);
      case 'DELETE':
        return deleteCollection(scope);
      default:
        throw methodNotAllowed();
    }
  }
  switch (method) {
    case 'GET':
      return getObject(scope, ri.name);
    case 'PUT':
      return updateObject(scope, ri.name);
    case 'PATCH':
      return patchResource(scope, ri.name);
    case 'DELETE':
      return deleteObject(scope, ri.name);
    default:
      throw methodNotAllowed();
  }
}
