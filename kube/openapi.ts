// The OpenAPI v3 documents the API server serves at /openapi/v3: an index of group-versions and,
// per group-version, the paths with their operations (openapiPaths.ts) and every schema those reach. kubectl reads
// the item paths' patch operations to decide on server-side field validation, and the component
// schemas (matched by x-kubernetes-group-version-kind) for apply patches and `kubectl explain`.

import { createHash } from 'crypto';
import { ResourceInfo, BUILTIN_RESOURCES, apiVersionOf, splitApiVersion } from './registry';
import { definitionFor, KUBERNETES_VERSION, refName, schemaDefinitions, SchemaObject } from './schemas';
import { addConnectPaths } from './openapiConnectPaths';
import { addResourcePaths, groupWord, META, Names, PathItem, refTo } from './openapiPaths';

export interface OpenAPIIndex {
  paths: Record<string, { serverRelativeURL: string }>;
}

export interface OpenAPIDocument {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, PathItem>;
  components: { schemas: Record<string, SchemaObject>; securitySchemes: Record<string, unknown> };
  security: Record<string, string[]>[];
}

// ---------------------------------------------------------------------------------------------
// Index

/** 'api/v1' for 'v1', 'apis/apps/v1' for 'apps/v1'; already prefixed names pass through. */
export function openapiPath(groupVersion: string): string {
  if (groupVersion.startsWith('api/') || groupVersion.startsWith('apis/')) return groupVersion;
  const { group, version } = splitApiVersion(groupVersion);
  return group ? `apis/${group}/${version}` : `api/${version}`;
}

/** 'apps/v1' for 'apis/apps/v1', 'v1' for 'api/v1'. */
export function groupVersionOfPath(p: string): string {
  if (p.startsWith('api/')) return p.slice(4);
  if (p.startsWith('apis/')) return p.slice(5);
  return p;
}

/** The hash kubectl sees in the index: uppercase hex SHA-512 of the served JSON, as Kubernetes computes it. */
export function openapiDocumentHash(doc: OpenAPIDocument | string): string {
  return createHash('sha512')
    .update(typeof doc === 'string' ? doc : JSON.stringify(doc))
    .digest('hex')
    .toUpperCase();
}

const lastHash = new Map<string, string>(); // by openapiPath, from the last document built

/**
 * /openapi/v3. hashes (by group-version, either spelling) should be those of the documents the
 * server sends; without them, the last document built for that group-version is used, or the
 * built-in one, so that a URL changes whenever its document does.
 */
export function openapiIndex(
  groupVersions: string[],
  hashes?: Map<string, string> | Record<string, string>,
): OpenAPIIndex {
  const given = hashes instanceof Map ? hashes : new Map(Object.entries(hashes ?? {}));
  const paths: OpenAPIIndex['paths'] = {};
  for (const gv of groupVersions) {
    const p = openapiPath(gv);
    const hash = given.get(gv) ?? given.get(p) ?? given.get(groupVersionOfPath(p)) ?? lastHash.get(p) ?? builtinHash(p);
    paths[p] = { serverRelativeURL: `/openapi/v3/${p}?hash=${hash}` };
  }
  return { paths };
}

function builtinHash(p: string): string {
  const gv = groupVersionOfPath(p);
  const resources = BUILTIN_RESOURCES.filter((r) => apiVersionOf(r) === gv);
  if (resources.length) return openapiDocumentHash(openapiDocumentJson(gv, resources).json);
  return createHash('sha512').update(gv).digest('hex').toUpperCase();
}

// ---------------------------------------------------------------------------------------------
// Custom resource components

/** Kubernetes names a custom kind's component by its reversed group: com.example.stable.v1.CronTab. */
export function customDefinitionName(group: string, version: string, kind: string): string {
  return `${group.split('.').reverse().join('.')}.${version}.${kind}`;
}

const API_VERSION_DOC =
  'APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources';
const KIND_DOC =
  'Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds';

/** A CRD's openAPIV3Schema as the API server publishes it: typed metadata and the kind's GVK. */
function customComponent(r: ResourceInfo, schema: SchemaObject | undefined): SchemaObject {
  const base: SchemaObject = schema
    ? structuredClone(schema)
    : { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  base.type ??= 'object';
  base.properties = {
    ...base.properties,
    apiVersion: { description: API_VERSION_DOC, type: 'string' },
    kind: { description: KIND_DOC, type: 'string' },
    metadata: {
      allOf: [refTo(`${META}.ObjectMeta`)],
      description:
        "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
    },
  };
  base['x-kubernetes-group-version-kind'] = [{ group: r.group, kind: r.kind, version: r.version }];
  return base;
}

function customListComponent(r: ResourceInfo, itemName: string): SchemaObject {
  return {
    description: `${r.listKind} is a list of ${r.kind}`,
    type: 'object',
    required: ['items'],
    properties: {
      apiVersion: { description: API_VERSION_DOC, type: 'string' },
      items: {
        description: `List of ${r.plural}. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md`,
        type: 'array',
        items: refTo(itemName),
      },
      kind: { description: KIND_DOC, type: 'string' },
      metadata: {
        allOf: [refTo(`${META}.ListMeta`)],
        description:
          'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds',
      },
    },
    'x-kubernetes-group-version-kind': [{ group: r.group, kind: r.listKind, version: r.version }],
  };
}

// ---------------------------------------------------------------------------------------------
// Documents

function asMap(m?: Map<string, SchemaObject> | Record<string, SchemaObject>): Map<string, SchemaObject> {
  if (!m) return new Map();
  return m instanceof Map ? m : new Map(Object.entries(m));
}

/** Adds every definition reachable from the given schemas to `into`. */
function closeOver(roots: unknown[], into: Record<string, SchemaObject>): void {
  const defs = schemaDefinitions();
  const pending: unknown[] = [...roots];
  while (pending.length) {
    const node = pending.pop();
    if (Array.isArray(node)) {
      pending.push(...node);
      continue;
    }
    if (!node || typeof node !== 'object') continue;
    for (const [k, v] of Object.entries(node)) {
      if (k === '$ref' && typeof v === 'string') {
        const name = refName(v);
        if (!into[name] && defs[name]) {
          into[name] = defs[name];
          pending.push(defs[name]);
        }
      } else if (v && typeof v === 'object') pending.push(v);
    }
  }
}

function build(
  groupVersion: string,
  resources: readonly ResourceInfo[],
  customSchemas: Map<string, SchemaObject>,
): OpenAPIDocument {
  const { group, version } = splitApiVersion(groupVersion);
  const prefix = group ? `/apis/${group}/${version}` : `/api/${version}`;
  const tag = `${group ? groupWord(group).toLowerCase() : 'core'}_${version}`;
  const idWord = groupWord(group) + version.charAt(0).toUpperCase() + version.slice(1);
  const paths: Record<string, PathItem> = {};
  const own: Record<string, SchemaObject> = {};

  const served = resources
    .filter((r) => r.group === group && r.version === version)
    .sort((a, b) => a.plural.localeCompare(b.plural));
  for (const r of served) {
    let names: Names;
    if (r.custom || !definitionFor(groupVersion, r.kind)) {
      names = {
        kind: customDefinitionName(group, version, r.kind),
        list: customDefinitionName(group, version, r.listKind),
      };
      own[names.kind] = customComponent(r, customSchemas.get(r.kind));
      own[names.list] = customListComponent(r, names.kind);
    } else {
      names = {
        kind: definitionFor(groupVersion, r.kind)!,
        list: definitionFor(groupVersion, r.listKind) ?? definitionFor(groupVersion, r.kind)!,
      };
    }
    const ctx = { r, gvk: { group, version, kind: r.kind }, tag, idWord, names };
    addResourcePaths(paths, ctx, prefix);
    addConnectPaths(paths, ctx, prefix);
  }

  const schemas: Record<string, SchemaObject> = { ...own };
  closeOver([paths, own], schemas);
  const sorted: Record<string, SchemaObject> = {};
  for (const k of Object.keys(schemas).sort()) sorted[k] = schemas[k];
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION.gitVersion },
    paths,
    components: {
      schemas: sorted,
      securitySchemes: {
        BearerToken: {
          description: 'Bearer Token authentication',
          in: 'header',
          name: 'authorization',
          type: 'apiKey',
        },
      },
    },
    security: [{ BearerToken: [] }],
  };
}

// Documents are asked for on every kubectl command: keep the last few, keyed by what they depend on.
const memo = new Map<string, { doc: OpenAPIDocument; json: string; hash: string }>();
const MEMO_SIZE = 64;

function memoKey(groupVersion: string, resources: readonly ResourceInfo[], custom: Map<string, SchemaObject>): string {
  const { group, version } = splitApiVersion(groupVersion);
  const rs = resources.filter((r) => r.group === group && r.version === version);
  return JSON.stringify([groupVersion, rs, [...custom.entries()].sort(([a], [b]) => a.localeCompare(b))]);
}

/** The document with its JSON and hash, built once per distinct input. */
export function openapiDocumentJson(
  groupVersion: string,
  resources: readonly ResourceInfo[],
  customSchemas?: Map<string, SchemaObject> | Record<string, SchemaObject>,
): { doc: OpenAPIDocument; json: string; hash: string } {
  const gv = groupVersionOfPath(groupVersion);
  const custom = asMap(customSchemas);
  const key = memoKey(gv, resources, custom);
  let entry = memo.get(key);
  if (!entry) {
    const doc = build(gv, resources, custom);
    const json = JSON.stringify(doc);
    entry = { doc, json, hash: openapiDocumentHash(json) };
    if (memo.size >= MEMO_SIZE) memo.delete(memo.keys().next().value as string);
    memo.set(key, entry);
  }
  lastHash.set(openapiPath(gv), entry.hash);
  return entry;
}

/**
 * /openapi/v3/<path> for one group-version ('apps/v1', 'v1', or 'apis/apps/v1'): the paths of the
 * resources in that group-version and all schemas they reach. customSchemas maps a custom kind to
 * its CRD's openAPIV3Schema. The result is shared: do not mutate it.
 */
export function openapiDocument(
  groupVersion: string,
  resources: readonly ResourceInfo[],
  customSchemas?: Map<string, SchemaObject> | Record<string, SchemaObject>,
): OpenAPIDocument {
  return openapiDocumentJson(groupVersion, resources, customSchemas).doc;
}
