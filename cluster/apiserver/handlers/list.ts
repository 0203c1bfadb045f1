// GET of a collection: selectors, limit and continue tokens (a key and the revision the list was read at;
// 410 once that revision is compacted away), as whole objects, a Table or PartialObjectMetadataList.
import type { ListMeta } from 'kubernetes-types/meta/v1';
import type { KubeObject } from '../../../kube/objects';
import { apiVersionOf } from '../../../kube/registry';
import { ApiError, badRequest } from '../apiErrors';
import { servedView, storageKey } from '../objectStorage';
import { intQueryParam } from '../requestInfo';
import { partialObjectMetadata, renderTable, wantsMetadataOnly, wantsTable } from './representation';
import { awaitReadVersion, selectors, send, type RequestScope } from './scope';

export async function listObjects(scope: RequestScope): Promise<void> {
  await awaitReadVersion(scope);
  const { info, api } = scope;
  const q = scope.url.searchParams;
  const match = selectors(scope);
  const { items, revision } = api.store.list(storageKey(info, scope.namespace));
  let start = 0;
  const cont = q.get('continue');
  if (cont) {
    const token = parseContinue(cont);
    if (token.rv < api.store.compactedRevision) {
      throw new ApiError(
        410,
        'Expired',
        'The provided continue parameter is too old to display a consistent list result. ' +
          'You can start a new list without the continue parameter, ' +
          'or use the continue token in this response to retrieve the remainder of the results.',
      );
    }
    start = items.findIndex((e) => e.key > token.k);
    if (start < 0) start = items.length;
  }
  const limit = intQueryParam(q, 'limit') ?? 0;
  const view = servedView(info);
  const selected: KubeObject[] = [];
  let lastKey: string | undefined;
  let remaining = 0;
  for (let i = start; i < items.length; i++) {
    const e = items[i];
    if (!match(e.value)) continue;
    if (limit > 0 && selected.length >= limit) {
      remaining++;
      continue;
    }
    selected.push(view(e.value));
    lastKey = e.key;
  }
  const listMeta: ListMeta = { resourceVersion: String(revision) };
  if (remaining > 0 && lastKey) {
    listMeta.continue = Buffer.from(JSON.stringify({ k: lastKey, rv: revision })).toString('base64url');
    listMeta.remainingItemCount = remaining;
  }
  if (wantsTable(scope)) return send(scope, 200, renderTable(scope, selected, listMeta));
  if (wantsMetadataOnly(scope))
    return send(scope, 200, {
      kind: 'PartialObjectMetadataList',
      apiVersion: 'meta.k8s.io/v1',
      metadata: listMeta,
      items: selected.map(partialObjectMetadata),
    });
  send(scope, 200, {
    kind: info.listKind,
    apiVersion: apiVersionOf(info),
    metadata: listMeta,
    items: selected,
  });
}

function parseContinue(cont: string): { k: string; rv: number } {
  let token: unknown;
  try {
    token = JSON.parse(Buffer.from(cont, 'base64url').toString());
  } catch {
    throw badRequest('continue key is not valid: invalid continue token');
  }
  const t = token as { k?: unknown; rv?: unknown } | null;
  if (typeof t?.k !== 'string' || typeof t.rv !== 'number' || !Number.isSafeInteger(t.rv)) {
    throw badRequest('continue key is not valid: invalid continue token');
  }
  return { k: t.k, rv: t.rv };
}
