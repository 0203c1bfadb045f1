// DELETE of an object (202 while it waits for finalizers or a grace period) or of a collection's
// selected objects.
import type { KubeObject } from '../../../kube/objects';
import { apiVersionOf } from '../../../kube/registry';
import { ApiError } from '../apiErrors';
import { readBody } from '../body';
import { storageKey } from '../objectStorage';
import { deleteOptions, selectors, send, type RequestScope } from './scope';

export async function deleteObject(scope: RequestScope, name: string): Promise<void> {
  const opts = deleteOptions(scope, await readBody(scope.req));
  const r = await scope.api.storage.delete(scope.info, scope.namespace, name, opts);
  scope.warnings.push(...r.warnings);
  send(scope, r.pending ? 202 : 200, r.object);
}

export async function deleteCollection(scope: RequestScope): Promise<void> {
  const { info, api } = scope;
  const match = selectors(scope);
  const opts = deleteOptions(scope, await readBody(scope.req));
  const deleted: KubeObject[] = [];
  for (const e of api.store.list(storageKey(info, scope.namespace)).items) {
    if (!match(e.value)) continue;
    try {
      const r = await api.storage.delete(info, e.value.metadata.namespace, e.value.metadata.name ?? '', opts);
      deleted.push(r.object);
      scope.warnings.push(...r.warnings);
    } catch (err) {
      if (!(err instanceof ApiError && err.code === 404)) throw err;
    }
  }
  send(scope, 200, {
    kind: info.listKind,
    apiVersion: apiVersionOf(info),
    metadata: { resourceVersion: String(api.store.revision) },
    items: deleted,
  });
}
