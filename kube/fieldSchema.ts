// A navigable view of one kind's schema, enough for strategic merge patch and server-side apply
// to know how each list merges. Built from the OpenAPI schemas (kube/schemas) or by hand in tests.

export interface FieldSchema {
  /** 'map' is an object with additionalProperties (labels, data, ...) */
  readonly type?: 'object' | 'map' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | 'int-or-string' | 'any';
  /** schema of a named property (objects only) */
  field(name: string): FieldSchema | undefined;
  /** schema of list items or map values */
  elements(): FieldSchema | undefined;
  /** x-kubernetes-patch-merge-key, e.g. 'name' for containers */
  readonly patchMergeKey?: string;
  /** x-kubernetes-patch-strategy, e.g. 'merge', 'retainKeys', 'merge,retainKeys', 'replace' */
  readonly patchStrategy?: string;
  /** x-kubernetes-list-type */
  readonly listType?: 'atomic' | 'set' | 'map';
  /** x-kubernetes-list-map-keys */
  readonly listMapKeys?: string[];
  /** the schema's default, which fills a list-map key field an item leaves out */
  readonly default?: unknown;
  /** x-kubernetes-map-type */
  readonly mapType?: 'atomic' | 'granular';
}
