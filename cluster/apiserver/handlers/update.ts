// PUT of an object: replaces it.
import { decodeBody, readBody } from '../body';
import { send, writeOptions, type RequestScope } from './scope';

export async function updateObject(scope: RequestScope, name: string): Promise<void> {
  const body = decodeBody(await readBody(scope.req), scope.req.headers['content-type'] ?? 'application/json');
  const r = await scope.api.storage.update(scope.info, scope.namespace, name, body, writeOptions(scope));
  scope.warnings.push(...r.warnings);
  send(scope, 200, r.object);
}
