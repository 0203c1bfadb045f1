// The finalize subresource (namespaces): PUT replaces spec.finalizers and nothing else; GET reads the object.
import { methodNotAllowed } from '../apiErrors';
import { decodeBody, readBody } from '../body';
import { send, writeOptions, type RequestScope } from '../handlers/scope';
import type { Strategy } from '../strategies';

export async function serveFinalize(
  scope: RequestScope,
  method: string,
  name: string,
  finalize: NonNullable<Strategy['finalize']>,
): Promise<void> {
  const { api, info, namespace: ns } = scope;
  if (method === 'GET') return send(scope, 200, api.storage.get(info, ns, name));
  const opts = writeOptions(scope);
  if (method !== 'PUT') throw methodNotAllowed();
  const body = decodeBody(await readBody(scope.req), 'application/json');
  const next = finalize(api.storage.get(info, ns, name), body);
  const r = await api.storage.update(info, ns, name, next, {
    ...opts,
    fieldValidation: 'Ignore',
    admissionSubresource: 'finalize',
  });
  send(scope, 200, r.object);
}
