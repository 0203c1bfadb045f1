// POST to a collection: a new object.
import { decodeBody, readBody } from '../body';
import { send, writeOptions, type RequestScope } from './scope';

export async function createObject(scope: RequestScope): Promise<void> {
  const body = decodeBody(await readBody(scope.req), scope.req.headers['content-type']);
  const r = await scope.api.storage.create(scope.info, scope.namespace, body, writeOptions(scope));
  scope.warnings.push(...r.warnings);
  send(scope, 201, r.object);
}
