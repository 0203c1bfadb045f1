// The Kubernetes API schemas (OpenAPI v3 components, Kubernetes 1.34), generated at build time by
// scripts/build-schemas.js into kube/generated/k8s-schemas.json and loaded here once, on first use.
// Everything that needs to know the shape of a built-in kind asks this module.

import * as fs from 'fs';
import * as path from 'path';
import { FieldSchema } from './fieldSchema';
import { splitApiVersion } from './registry';

export const KUBERNETES_VERSION = { major: '1', minor: '34', gitVersion: 'v1.34.0' } as const;

/** An OpenAPI v3 schema object as Kubernetes serves it, with its x-kubernetes-* extensions. */
export interface SchemaObject {
  $ref?: string;
  description?: string;
  type?: string;
  format?: string;
  properties?: Record<string, SchemaObject>;
  required?: string[];
  items?: SchemaObject;
  additionalProperties?: SchemaObject | boolean;
  enum?: unknown[];
  allOf?: SchemaObject[];
  oneOf?: SchemaObject[];
  anyOf?: SchemaObject[];
  nullable?: boolean;
  default?: unknown;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[];
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-embedded-resource'?: boolean;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  [key: string]: unknown;
}

interface GeneratedFile {
  kubernetesVersion: { major: string; minor: string; gitVersion: string };
  schemas: Record<string, SchemaObject>;
}

export const REF_PREFIX = '#/components/schemas/';

let loaded: { schemas: Record<string, SchemaObject>; byGvk: Map<string, string> } | undefined;

/** The generated file sits in <repo>/kube/generated, seen from out/kube (compiled) or kube (sources). */
function generatedPath(): string {
  const candidates = [
    path.join(__dirname, '../../kube/generated/k8s-schemas.json'),
    path.join(__dirname, 'generated/k8s-schemas.json'),
  ];
  const found = candidates.find((p) => fs.existsSync(p));
  if (!found)
    throw new Error(`Kubernetes schemas not generated: run "npm run build" (looked in ${candidates.join(', ')})`);
  return found;
}

function load(): NonNullable<typeof loaded> {
  if (loaded) return loaded;
  const file = JSON.parse(fs.readFileSync(generatedPath(), 'utf8')) as GeneratedFile;
  const byGvk = new Map<string, string>();
  for (const [name, s] of Object.entries(file.schemas)) {
    for (const gvk of s['x-kubernetes-group-version-kind'] ?? [])
      byGvk.set(gvkKey(gvk.group, gvk.version, gvk.kind), name);
  }
  loaded = { schemas: file.schemas, byGvk };
  return loaded;
}

function gvkKey(group: string, version: string, kind: string): string {
  return `${group}/${version}/${kind}`;
}

/** Definition name of a kind, e.g. ('apps/v1', 'Deployment') -> 'io.k8s.api.apps.v1.Deployment'. */
export function definitionFor(apiVersion: string, kind: string): string | undefined {
  const { group, version } = splitApiVersion(apiVersion);
  return load().byGvk.get(gvkKey(group, version, kind));
}

/** All component schemas, by definition name. Shared: do not mutate. */
export function schemaDefinitions(): Readonly<Record<string, SchemaObject>> {
  return load().schemas;
}

export function schemaByName(definition: string): SchemaObject | undefined {
  return load().schemas[definition];
}

/** The kinds that have a schema, as {group, version, kind, definition}. */
export function kindsWithSchemas(): { group: string; version: string; kind: string; definition: string }[] {
  const out: { group: string; version: string; kind: string; definition: string }[] = [];
  for (const [key, definition] of load().byGvk) {
    const [group, version, kind] = key.split('/');
    out.push({ group, version, kind, definition });
  }
  return out;
}

/** 'io.k8s.api.apps.v1.Deployment' from '#/components/schemas/io.k8s.api.apps.v1.Deployment'. */
export function refName(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}

export type SchemaLookup = (definition: string) => SchemaObject | undefined;

const resolvedCache = new WeakMap<SchemaObject, SchemaObject>();

/**
 * A property schema with its $ref (bare, or wrapped in allOf as Kubernetes writes it) replaced by the
 * referenced definition. What the property says itself (description, patch metadata) wins.
 */
export function resolveSchema(s: SchemaObject, lookup: SchemaLookup = schemaByName): SchemaObject {
  const hit = resolvedCache.get(s);
  if (hit) return hit;
  let out = s;
  for (let depth = 0; depth < 16; depth++) {
    const target = refTarget(out);
    if (target === undefined) break;
    const def = lookup(target);
    if (!def) break;
    const own: SchemaObject = { ...out };
    delete own.$ref;
    if (own.allOf && own.allOf.length === 1 && own.allOf[0].$ref) delete own.allOf;
    out = { ...def, ...own };
  }
  resolvedCache.set(s, out);
  return out;
}

function refTarget(s: SchemaObject): string | undefined {
  if (s.$ref) return refName(s.$ref);
  if (s.allOf && s.allOf.length === 1 && s.allOf[0].$ref) return refName(s.allOf[0].$ref);
  return undefined;
}

// ---------------------------------------------------------------------------------------------
// FieldSchema over OpenAPI schemas

function isIntOrString(s: SchemaObject): boolean {
  if (s['x-kubernetes-int-or-string']) return true;
  // Quantity and IntOrString are served as oneOf primitive types
  return (
    !!s.oneOf &&
    s.oneOf.length > 0 &&
    s.oneOf.every((alt) => alt.type && ['integer', 'number', 'string'].includes(alt.type))
  );
}

function fieldType(s: SchemaObject): FieldSchema['type'] {
  if (isIntOrString(s)) return 'int-or-string';
  switch (s.type) {
    case 'object':
      if (s.properties) return 'object';
      if (s.additionalProperties && typeof s.additionalProperties === 'object') return 'map';
      return s['x-kubernetes-preserve-unknown-fields'] ? 'any' : 'object';
    case 'array':
    case 'string':
    case 'integer':
    case 'number':
    case 'boolean':
      return s.type;
    default:
      return 'any';
  }
}

class SchemaNode implements FieldSchema {
  readonly type: FieldSchema['type'];
  readonly patchMergeKey?: string;
  readonly patchStrategy?: string;
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: string[];
  readonly mapType?: 'atomic' | 'granular';
  readonly default?: unknown;
  private children?: Map<string, SchemaNode | undefined>;
  private element?: SchemaNode | null;

  constructor(
    readonly schema: SchemaObject,
    private readonly lookup: SchemaLookup,
  ) {
    this.type = fieldType(schema);
    this.patchMergeKey = schema['x-kubernetes-patch-merge-key'];
    this.patchStrategy = schema['x-kubernetes-patch-strategy'];
    this.listType = schema['x-kubernetes-list-type'];
    this.listMapKeys = schema['x-kubernetes-list-map-keys'];
    this.mapType = schema['x-kubernetes-map-type'];
    this.default = schema.default;
  }

  field(name: string): FieldSchema | undefined {
    this.children ??= new Map();
    if (this.children.has(name)) return this.children.get(name);
    const prop = this.schema.properties?.[name];
    const node = prop ? new SchemaNode(resolveSchema(prop, this.lookup), this.lookup) : undefined;
    this.children.set(name, node);
    return node;
  }

  elements(): FieldSchema | undefined {
    if (this.element === undefined) {
      const s = this.schema;
      const inner =
        s.type === 'array' ? s.items : typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
      this.element = inner ? new SchemaNode(resolveSchema(inner, this.lookup), this.lookup) : null;
    }
    return this.element ?? undefined;
  }
}

const kindNodes = new Map<string, FieldSchema | undefined>();

/** The navigable schema of a built-in kind, or undefined when there is none. */
export function fieldSchemaFor(apiVersion: string, kind: string): FieldSchema | undefined {
  const key = `${apiVersion}/${kind}`;
  if (kindNodes.has(key)) return kindNodes.get(key);
  const def = definitionFor(apiVersion, kind);
  const node = def ? new SchemaNode(load().schemas[def], schemaByName) : undefined;
  kindNodes.set(key, node);
  return node;
}

// ---------------------------------------------------------------------------------------------
// Field descriptions, for hover, completion and explain

export interface FieldDescription {
  /** kubectl explain's notation: string, integer, boolean, Object, []Container, map[string]string, IntOrString, Quantity */
  type: string;
  description?: string;
  /** whether the enclosing object requires this field */
  required: boolean;
  enum?: string[];
  /** the named definition the field has, e.g. io.k8s.api.core.v1.Container for containers[0] */
  definition?: string;
}

export interface ChildField extends FieldDescription {
  name: string;
}

/** kubectl explain's type notation for a property schema. */
export function typeLabel(s: SchemaObject, lookup: SchemaLookup = schemaByName): string {
  const target = refTarget(s);
  if (target !== undefined) {
    const def = lookup(target);
    const short = target.slice(target.lastIndexOf('.') + 1);
    // Time and MicroTime read as strings; object-like and union types keep their name
    if (
      def &&
      !def.oneOf &&
      !def['x-kubernetes-int-or-string'] &&
      def.type &&
      def.type !== 'object' &&
      def.type !== 'array'
    )
      return def.type;
    return short;
  }
  if (isIntOrString(s)) return 'IntOrString';
  if (s.type === 'array') return '[]' + (s.items ? typeLabel(s.items, lookup) : 'Object');
  if (s.type === 'object') {
    if (s.additionalProperties && typeof s.additionalProperties === 'object')
      return 'map[string]' + typeLabel(s.additionalProperties, lookup);
    return 'Object';
  }
  return s.type ?? 'Object';
}

function describe(prop: SchemaObject, required: boolean, lookup: SchemaLookup): FieldDescription {
  const resolved = resolveSchema(prop, lookup);
  const out: FieldDescription = { type: typeLabel(prop, lookup), required };
  if (resolved.description) out.description = resolved.description;
  const values = resolved.enum ?? (resolved.type === 'array' ? resolved.items?.enum : undefined);
  if (values) out.enum = values.map(String);
  const def = refTarget(prop) ?? (prop.type === 'array' && prop.items ? refTarget(prop.items) : undefined);
  if (def) out.definition = def;
  return out;
}

/**
 * Walks a path (string segments name fields or map keys, numbers index lists) from a schema.
 * Returns the property schema reached and whether its parent requires it.
 */
export function schemaAtPath(
  root: SchemaObject,
  segments: (string | number)[],
  lookup: SchemaLookup = schemaByName,
): { schema: SchemaObject; required: boolean } | undefined {
  let cur: SchemaObject = root;
  let required = false;
  for (const seg of segments) {
    const s = resolveSchema(cur, lookup);
    if (typeof seg === 'number' || s.type === 'array') {
      if (s.type !== 'array' || !s.items) return undefined;
      cur = s.items;
      required = false;
      continue;
    }
    const prop = s.properties?.[seg];
    if (prop) {
      required = !!s.required?.includes(seg);
      cur = prop;
      continue;
    }
    if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      cur = s.additionalProperties;
      required = false;
      continue;
    }
    return undefined;
  }
  return { schema: cur, required };
}

/** What a field of a built-in kind is: type, description, required, allowed values. */
export function describeField(
  apiVersion: string,
  kind: string,
  fieldPath: (string | number)[],
): FieldDescription | undefined {
  const def = definitionFor(apiVersion, kind);
  if (!def) return undefined;
  return describeSchemaPath({ $ref: REF_PREFIX + def }, fieldPath);
}

/** describeField for any schema, e.g. a CRD's openAPIV3Schema. */
export function describeSchemaPath(
  root: SchemaObject,
  fieldPath: (string | number)[],
  lookup: SchemaLookup = schemaByName,
): FieldDescription | undefined {
  const at = schemaAtPath(root, fieldPath, lookup);
  return at && describe(at.schema, at.required, lookup);
}

/** The fields an object at a path may have, for completion. */
export function childFields(apiVersion: string, kind: string, fieldPath: (string | number)[]): ChildField[] {
  const def = definitionFor(apiVersion, kind);
  if (!def) return [];
  return childFieldsOfSchema({ $ref: REF_PREFIX + def }, fieldPath);
}

export function childFieldsOfSchema(
  root: SchemaObject,
  fieldPath: (string | number)[],
  lookup: SchemaLookup = schemaByName,
): ChildField[] {
  const at = schemaAtPath(root, fieldPath, lookup);
  if (!at) return [];
  const s = resolveSchema(at.schema, lookup);
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([name, prop]) => ({
    name,
    ...describe(prop, required.has(name), lookup),
  }));
}
