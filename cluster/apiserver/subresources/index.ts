// Subresources of an object: status, scale, pods' log, binding, eviction and ephemeralcontainers, namespaces'
// finalize, serviceaccounts' token, CSRs' approval, the proxy subresource of pods, services and nodes, and pods' exec,
// attach, portforward.
import { pathNotFound } from '../apiErrors';
import type { RequestScope } from '../handlers/scope';
import { serveApproval } from './approval';
import { serveBinding } from './binding';
import { serveFinalize } from './finalize';
import { serveEviction } from './eviction';
import { serveLog } from './log';
import { servePodStream } from './podStreams';
import { serveProxy } from './proxy';
import { serveScale } from './scale';
import { serveStatus } from './status';
import { serveToken } from './token';

export async function serveSubresource(
  scope: RequestScope,
  method: string,
  name: string,
  subresource: string,
  proxyPath = '/',
): Promise<void> {
  const { info } = scope;
  // the registry says which subresources a resource has, for routing as for discovery
  if (!info.subresources.some((s) => s.name === subresource)) throw pathNotFound();
  switch (subresource) {
    case 'proxy':
      return serveProxy(scope, name, proxyPath);
    case 'exec':
    case 'attach':
    case 'portforward':
      return servePodStream(scope, method, name, subresource);
    case 'finalize': {
      const finalize = scope.api.strategies.for(info).finalize;
      if (!finalize) throw pathNotFound();
      return serveFinalize(scope, method, name, finalize);
    }
    case 'status':
      return serveStatus(scope, method, name);
    case 'ephemeralcontainers':
      return serveStatus(scope, method, name, 'ephemeralcontainers');
    case 'scale':
      return serveScale(scope, method, name);
    case 'log':
      return serveLog(scope, method, name);
    case 'binding':
      return serveBinding(scope, method, name);
    case 'eviction':
      return serveEviction(scope, method, name);
    case 'token':
      return serveToken(scope, method, name);
    case 'approval':
      return serveApproval(scope, method, name);
    default:
      throw pathNotFound();
  }
}
