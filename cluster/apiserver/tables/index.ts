// Server-side Table rendering: picks the printer for a built-in kind (matching the columns
// a real API server returns) and falls back to NAME/AGE for everything else.

import type { KubeObject } from '../../../kube/objects';
import { ResourceInfo } from '../../../kube/registry';
import { since } from './format';
import { PRINTERS } from './printers';
import { makeTable } from './table';
import { AGE_COLUMN, ListMeta, NAME_COLUMN, Printer, Table, TableOptions } from './types';

export type {
  Cell,
  ListMeta,
  PartialObjectMetadata,
  Printer,
  Table,
  TableColumnDefinition,
  TableOptions,
  TableRow,
} from './types';
export { tableForCustomResource, PrinterColumn } from './custom';
export { humanDuration } from './format';
export { summarizePod } from './pods';

const defaultPrinter: Printer = {
  columns: [NAME_COLUMN, AGE_COLUMN],
  cells: (o, now) => [o?.metadata?.name ?? '', since(o?.metadata?.creationTimestamp, now)],
};

/** The printer for a kind; custom resources and unknown kinds get NAME/AGE. */
export function printerFor(info: Pick<ResourceInfo, 'group' | 'kind' | 'custom'>): Printer {
  if (info.custom) return defaultPrinter;
  return PRINTERS.get(`${info.group}/${info.kind}`) ?? defaultPrinter;
}

/** A meta.k8s.io/v1 Table for a list (or, with one object, for a get or a watch event). */
export function toTable(
  info: ResourceInfo,
  objects: readonly KubeObject[],
  listMeta: ListMeta,
  now: Date,
  opts: TableOptions = {},
): Table {
  const p = printerFor(info);
  return makeTable(
    p.columns,
    objects,
    (o) => ({ cells: p.cells(o, now), conditions: p.conditions?.(o) }),
    listMeta,
    opts,
  );
}
