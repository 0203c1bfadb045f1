// The meta.k8s.io/v1 Table kubectl asks for with `Accept: ...;as=Table;g=meta.k8s.io;v=v1`,
// and the printer shape each kind family implements.

import { KubeObject, ObjectMeta } from '../../../kube/objects';

export interface TableColumnDefinition {
  name: string;
  /** OpenAPI type of the cells: string, integer, number, boolean, date */
  type: string;
  /** "name" marks the column kubectl uses for -o name and --show-kind */
  format: string;
  description: string;
  /** 0 is always shown; 1 only with -o wide */
  priority: number;
}

export type Cell = string | number | boolean | null;

export interface TableRowCondition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ObjectMeta;
}

export interface TableRow {
  cells: Cell[];
  conditions?: TableRowCondition[];
  object?: PartialObjectMetadata | KubeObject;
}

export interface ListMeta {
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
}

export interface Table {
  kind: 'Table';
  apiVersion: 'meta.k8s.io/v1';
  metadata: ListMeta;
  columnDefinitions: TableColumnDefinition[];
  rows: TableRow[];
}

/** The `includeObject` query parameter: what each row carries besides its cells. */
export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface TableOptions {
  includeObject?: IncludeObject;
}

/** Renders one kind. Cells always include the wide (priority 1) columns; kubectl hides them. */
export interface Printer<T = KubeObject> {
  columns: TableColumnDefinition[];
  cells(obj: T, now: Date): Cell[];
  conditions?(obj: T): TableRowCondition[] | undefined;
}

/**
 * A printer of one kind's objects (kubernetes-types' type for it) as a printer of stored objects: it is
 * only ever given objects of its kind (printers.ts keys them by group/Kind), which passed validation.
 */
export function printer<T>(p: Printer<T>): Printer {
  return p as unknown as Printer;
}

export function column(
  name: string,
  type: string,
  description: string,
  priority = 0,
  format = '',
): TableColumnDefinition {
  return { name, type, format, description, priority };
}

export const NAME_COLUMN = column(
  'Name',
  'string',
  'Unique name of the object within its namespace (or the cluster for cluster-scoped kinds).',
  0,
  'name',
);
export const AGE_COLUMN = column('Age', 'string', 'Time since the object was created.');
export const CREATED_AT_COLUMN = column('Created At', 'date', 'When the object was created, in UTC.');
export const CONTAINERS_COLUMN = column('Containers', 'string', 'Names of the containers in the pod template.', 1);
export const IMAGES_COLUMN = column('Images', 'string', 'Images of the containers in the pod template.', 1);
export const SELECTOR_COLUMN = column('Selector', 'string', 'Label selector for the pods this object manages.', 1);
