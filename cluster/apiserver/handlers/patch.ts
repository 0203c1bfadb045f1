// PATCH of an object: JSON, merge, strategic merge or server-side apply (../patching.ts), which may create it.
import { decodeBody, mediaType, readBody } from '../body';
import { patchObject, patchTypeOf, type PatchType } from '../patching';
import { boolQueryParam } from '../requestInfo';
import { send, writeOptions, type RequestScope } from './scope';

/** The patch type of the request and its body (apply configurations come as YAML or JSON). */
export async function readPatch(scope: RequestScope): Promise<{ type: PatchType; patch: unknown }> {
  const type = patchTypeOf(mediaType(scope.req.headers['content-type']));
  const patch = decodeBody(await readBody(scope.req), type === 'apply' ? 'application/yaml' : 'application/json');
  return { type, patch };
}

export async function patchResource(scope: RequestScope, name: string): Promise<void> {
  const { type, patch } = await readPatch(scope);
  const r = await patchObject(scope.api.storage, scope.api.store, scope.info, scope.namespace, name, type, patch, {
    ...writeOptions(scope),
    force: boolQueryParam(scope.url.searchParams, 'force'),
  });
  scope.warnings.push(...r.warnings);
  send(scope, r.created ? 201 : 200, r.object);
}
