// Subresources of an object: status, scale, pods' log and binding, namespaces' finalize, serviceaccounts' token.
import { pathNotFound } from '../apiErrors';
import type { RequestScope } from '../handlers/scope';
import { serveBinding } from './binding';
import { serveFinalize } from './finalize';
import { serveLog } from './log';
import { serveScale } from './scale';
import { serveStatus } from './status';
import { serveToken } from './token';

export async function serveSubresource(
  scope: RequestScope,
  method: string,
  name: string,
  subresource: string,
): Promise<void> {
  const { info } = scope;
  const finalize = subresource === 'finalize' ? scope.api.strategies.for(info).finalize : undefined;
  if (finalize) return serveFinalize(scope, method, name, finalize);
  if (!info.subresources.some((s) => s.name === subresource)) throw pathNotFound();
  switch (subresource) {
    case 'status':
      return serveStatus(scope, method, name);
    case 'scale':
      return serveScale(scope, method, name);
    case 'log':
      return serveLog(scope, method, name);
    case 'binding':
      return serveBinding(scope, method, name);
    case 'token':
      return serveToken(scope, method, name);
    default:
      throw pathNotFound();
  }
}
