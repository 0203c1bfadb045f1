// Assembles a Table from column definitions and per-object rows, attaching what
// `includeObject` asks for (PartialObjectMetadata by default, which --show-labels needs).

import { deepClone, type KubeObject } from '../../../kube/objects';
import { ListMeta, Table, TableColumnDefinition, TableOptions, TableRow } from './types';

function rowObject(obj: KubeObject, opts: TableOptions): TableRow['object'] | undefined {
  switch (opts.includeObject ?? 'Metadata') {
    case 'None':
      return undefined;
    case 'Object':
      return deepClone(obj);
    default:
      return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: deepClone(obj?.metadata ?? {}) };
  }
}

function tableMeta(m: ListMeta): ListMeta {
  const out: ListMeta = {};
  if (m.resourceVersion !== undefined) out.resourceVersion = m.resourceVersion;
  if (m.continue) out.continue = m.continue;
  if (m.remainingItemCount !== undefined) out.remainingItemCount = m.remainingItemCount;
  return out;
}

export function makeTable(
  columns: TableColumnDefinition[],
  objects: readonly KubeObject[],
  row: (obj: KubeObject) => Omit<TableRow, 'object'>,
  listMeta: ListMeta,
  opts: TableOptions = {},
): Table {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: tableMeta(listMeta),
    columnDefinitions: columns.map((c) => ({ ...c })),
    rows: objects.map((o) => {
      const r: TableRow = { ...row(o) };
      if (r.conditions === undefined) delete r.conditions;
      const object = rowObject(o, opts);
      if (object !== undefined) r.object = object;
      return r;
    }),
  };
}
