// Tables for custom resources: NAME, then the CRD version's additionalPrinterColumns,
// each cell typed as the column declares.

import type { KubeObject } from '../../../kube/objects';
import { ResourceInfo } from '../../../kube/registry';
import { humanDuration, parseTime } from './format';
import { compileJsonPath } from './jsonPath';
import { AGE_COLUMN, Cell, column, ListMeta, NAME_COLUMN, Table, TableColumnDefinition, TableOptions } from './types';
import { makeTable } from './table';

/** apiextensions.k8s.io/v1 CustomResourceColumnDefinition */
export interface PrinterColumn {
  name: string;
  type: string;
  format?: string;
  description?: string;
  priority?: number;
  jsonPath: string;
}

/** Converts the first match to what the column type promises; null prints as "<none>". */
function typedCell(type: string, value: unknown, now: Date): Cell {
  if (value === undefined || value === null) return null;
  switch (type) {
    case 'string':
      if (typeof value === 'string') return value;
      if (typeof value === 'object') return JSON.stringify(value);
      return String(value);
    case 'integer':
      return typeof value === 'number' ? Math.trunc(value) : null;
    case 'number':
      return typeof value === 'number' ? value : null;
    case 'boolean':
      return typeof value === 'boolean' ? value : null;
    case 'date': {
      if (typeof value !== 'string') return null;
      const t = parseTime(value);
      return t ? humanDuration(now.getTime() - t.getTime()) : '<invalid>';
    }
    default:
      return null;
  }
}

/**
 * Table for objects of a custom resource. Columns with a path the evaluator cannot read
 * print empty cells rather than failing the whole list.
 */
export function tableForCustomResource(
  _info: ResourceInfo | undefined,
  objects: readonly KubeObject[],
  printerColumns: readonly PrinterColumn[] | undefined,
  listMeta: ListMeta,
  now: Date,
  opts: TableOptions = {},
): Table {
  const cols = [...(printerColumns ?? [])];
  const defs: TableColumnDefinition[] = [NAME_COLUMN];
  const getters: ((o: KubeObject) => Cell)[] = [(o) => o?.metadata?.name ?? ''];
  for (const c of cols) {
    defs.push(column(c.name, c.type, c.description ?? '', c.priority ?? 0, c.format ?? ''));
    let eval_: (o: unknown) => unknown[];
    try {
      eval_ = compileJsonPath(c.jsonPath);
    } catch {
      eval_ = () => [];
    }
    getters.push((o) => typedCell(c.type, eval_(o)[0], now));
  }
  // as the API server defaults a CRD's columns: Age only when the CRD declares none
  if (cols.length === 0) {
    defs.push({ ...AGE_COLUMN, type: 'date' });
    getters.push((o) => typedCell('date', o?.metadata?.creationTimestamp, now));
  }
  return makeTable(defs, objects, (o) => ({ cells: getters.map((g) => g(o)) }), listMeta, opts);
}
