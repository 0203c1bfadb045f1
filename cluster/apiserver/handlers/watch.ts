// GET of a collection with watch=true: the watch stream (../watch.ts) with this request's selectors,
// representation, bookmarks and timeout.
import { apiVersionOf } from '../../../kube/registry';
import { storageKey } from '../objectStorage';
import { intQueryParam } from '../requestInfo';
import { serveWatch } from '../watch';
import { partialObjectMetadata, renderTable, wantsMetadataOnly, wantsTable } from './representation';
import { selectors, type RequestScope } from './scope';

export function watchObjects(scope: RequestScope): void {
  const { info, api } = scope;
  const q = scope.url.searchParams;
  const table = wantsTable(scope);
  const metadataOnly = wantsMetadataOnly(scope);
  serveWatch(
    api.store,
    scope.res,
    {
      info,
      prefix: storageKey(info, scope.namespace),
      resourceVersion: q.get('resourceVersion') ?? undefined,
      matches: selectors(scope),
      render: table
        ? (obj, first) => renderTable(scope, [obj], { resourceVersion: obj.metadata?.resourceVersion }, !first)
        : metadataOnly
          ? partialObjectMetadata
          : undefined,
      bookmarks: q.get('allowWatchBookmarks') === 'true',
      timeoutSeconds: intQueryParam(q, 'timeoutSeconds', 0),
      bookmarkObject: (rv) => ({ kind: info.kind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: rv } }),
    },
    api.streams,
  );
}
