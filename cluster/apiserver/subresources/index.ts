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
import { isPodStream, servePodStream } from './podStreams';
import { isProxied, serveProxy } from './proxy';
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
  if (subresource === 'proxy' && isProxied(info.plural, info.group)) return serveProxy(scope, name, proxyPath);
  if (isPodStream(info.plural, info.group, subresource)) return servePodStream(scope, method, name, subresource);
  const finalize = subresource === 'finalize' ? scope.api.strategies.for(info).finalize : undefined;
  if (finalize) return serveFinalize(scope, method, name, finalize);
  if (!info.subresources.some((s) => s.name === subresource)) throw pathNotFound();
  switch (subresource) {
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
