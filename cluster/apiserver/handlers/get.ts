// GET of one object, whole, as a Table or as PartialObjectMetadata.
import { awaitReadVersion, send, type RequestScope } from './scope';
import { partialObjectMetadata, renderTable, wantsMetadataOnly, wantsTable } from './representation';

export async function getObject(scope: RequestScope, name: string): Promise<void> {
  await awaitReadVersion(scope);
  const obj = scope.api.storage.get(scope.info, scope.namespace, name);
  if (wantsMetadataOnly(scope)) return send(scope, 200, partialObjectMetadata(obj));
  if (wantsTable(scope))
    return send(scope, 200, renderTable(scope, [obj], { resourceVersion: obj.metadata.resourceVersion }));
  send(scope, 200, obj);
}
