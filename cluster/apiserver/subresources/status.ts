// The status subresource: GET the object, PUT or PATCH only its status (and labels and annotations). Pods'
// ephemeralcontainers subresource is served the same way, writing only spec.ephemeralContainers (kubectl debug).
import { methodNotAllowed } from '../apiErrors';
import { decodeBody, readBody } from '../body';
import { patchObject } from '../patching';
import { readPatch } from '../handlers/patch';
import { boolQueryParam } from '../requestInfo';
import { send, writeOptions, type RequestScope } from '../handlers/scope';
import type { WriteSubresource } from '../objectStorage';

export async function serveStatus(
  scope: RequestScope,
  method: string,
  name: string,
  subresource: WriteSubresource = 'status',
): Promise<void> {
  const { api, info, namespace: ns } = scope;
  if (method === 'GET') return send(scope, 200, api.storage.get(info, ns, name));
  const opts = writeOptions(scope);
  if (method === 'PUT') {
    const body = decodeBody(await readBody(scope.req), scope.req.headers['content-type'] ?? 'application/json');
    const r = await api.storage.update(info, ns, name, body, { ...opts, subresource });
    scope.warnings.push(...r.warnings);
    return send(scope, 200, r.object);
  }
  if (method === 'PATCH') {
    const { type, patch } = await readPatch(scope);
    const r = await patchObject(api.storage, api.store, info, ns, name, type, patch, {
      ...opts,
      subresource,
      force: boolQueryParam(scope.url.searchParams, 'force'),
    });
    scope.warnings.push(...r.warnings);
    return send(scope, 200, r.object);
  }
  throw methodNotAllowed();
}
