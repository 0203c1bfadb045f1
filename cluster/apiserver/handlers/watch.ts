// GET of a collection with watch=true, or of a legacy /watch/ path (a collection, or one object by name): the
// watch stream (../watch.ts) with this request's selectors, representation, bookmarks and timeout.
import { apiVersionOf } from '../../../kube/registry';
import { servedView, storageKey } from '../objectStorage';
import { boolQueryParam, intQueryParam } from '../requestInfo';
import { serveWatch } from '../watch';
import { partialObjectMetadata, renderTable, wantsMetadataOnly, wantsTable } from './representation';
import { selectors, type RequestScope } from './scope';

export function watchObjects(scope: RequestScope, name?: string): void {
  const { info, api } = scope;
  const q = scope.url.searchParams;
  const selected = selectors(scope);
  const table = wantsTable(scope);
  const metadataOnly = wantsMetadataOnly(scope);
  serveWatch(
    api.store,
    scope.res,
    {
      info,
      view: servedView(info),
      prefix: storageKey(info, scope.namespace),
      resourceVersion: q.get('resourceVersion') ?? undefined,
      matches: name === undefined ? selected : (obj) => obj.metadata?.name === name && selected(obj),
      render: table
        ? (obj, first) => renderTable(scope, [obj], { resourceVersion: obj.metadata?.resourceVersion }, !first)
        : metadataOnly
          ? partialObjectMetadata
          : undefined,
      bookmarks: boolQueryParam(q, 'allowWatchBookmarks'),
      timeoutSeconds: intQueryParam(q, 'timeoutSeconds', 0),
      bookmarkObject: (rv) => ({ kind: info.kind, apiVersion: apiVersionOf(info), metadata: { resourceVersion: rv } }),
    },
    api.streams,
  );
}
