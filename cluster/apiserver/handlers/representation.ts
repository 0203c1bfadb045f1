// The form of an answer the client asked for in its Accept header: whole objects, a Table (kubectl's
// columns) or PartialObjectMetadata (metadata-only clients such as the garbage collector), as Kubernetes'
// endpoints/handlers/response.go transforms them.
import type { ListMeta } from 'kubernetes-types/meta/v1';
import type { KubeObject } from '../../../kube/objects';
import { clock } from '../../clock';
import { tableForCustomResource, toTable } from '../tables';
import type { Table, TableOptions } from '../tables/types';
import type { RequestScope } from './scope';
import { convertedVersion } from '../conversion';

const TABLE_RE = /as=Table/;
const METADATA_RE = /as=PartialObjectMetadata(List)?/;

export function wantsMetadataOnly(scope: RequestScope): boolean {
  return METADATA_RE.test(String(scope.req.headers.accept ?? ''));
}

export function wantsTable(scope: RequestScope): boolean {
  return TABLE_RE.test(String(scope.req.headers.accept ?? ''));
}

/** What metadata-only clients get instead of whole objects. */
export function partialObjectMetadata(obj: KubeObject): object {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

/** Objects as a Table; a watch sends the column definitions only with its first event (noHeaders after). */
export function renderTable(scope: RequestScope, objects: KubeObject[], listMeta: ListMeta, noHeaders = false): Table {
  // a version served by conversion prints the columns of its stored version (kube-apiserver prints its one
  // internal version), from the objects as stored
  const converted = convertedVersion(scope.info);
  const info = converted?.storage ?? scope.info;
  if (converted) objects = objects.map((o) => converted.toStorage(o));
  const custom = info.custom ? scope.api.customResources.lookup(info) : undefined;
  // kubectl asks for whole objects in rows (includeObject=Object) when it sorts or filters client-side
  const includeObject = scope.url.searchParams.get('includeObject');
  const opts: TableOptions | undefined =
    includeObject === 'Object' || includeObject === 'None' ? { includeObject } : undefined;
  const now = new Date(clock().now());
  const table = custom
    ? tableForCustomResource(info, objects, custom.printerColumns, listMeta, now, opts)
    : toTable(info, objects, listMeta, now, opts);
  if (noHeaders) table.columnDefinitions = [];
  return table;
}
