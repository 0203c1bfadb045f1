// An all-kinds JSON Schema built from Slipway's own Kubernetes 1.34 definitions, in the shape
// yaml-language-server's users get from its `kubernetes` schema (the "standalone-strict" all.json):
// one definition per Kubernetes type, objects closed (additionalProperties: false) so unknown fields are
// reported, each top-level kind pinning its apiVersion and kind. The peer server is pointed at it, so
// both servers judge manifests against the same definitions.
import * as fs from 'fs';
import * as path from 'path';
import { kindsWithSchemas, refName, schemaDefinitions, SchemaObject, REF_PREFIX } from '../../kube/schemas';

/**
 * How the kinds are combined at the top:
 * - 'if-then': allOf of `if apiVersion and kind match then $ref the kind`, so each document is judged by
 *   its own kind's definition only (what the peer does when it picks a schema per document itself);
 * - 'kind-tree': the same conditions nested as a binary search over kind names (if kind is one of the
 *   first half then ... else ...), so a document passes ~8 conditions instead of one per kind: the
 *   cheapest way to say "this document's kind" in an all-kinds schema, closest to the peer picking the
 *   kind's schema itself;
 * - 'oneOf': oneOf over every kind, as all.json is written (each document is tried against every kind).
 */
export type KindSelection = 'kind-tree' | 'if-then' | 'oneOf';

const DEFINITIONS = '#/definitions/';

/** A copy of a component schema in JSON Schema terms: local refs, closed objects, no OpenAPI-only keywords. */
function toJsonSchema(s: SchemaObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(s)) {
    if (key.startsWith('x-kubernetes-') || key === 'nullable') continue;
    if (key === 'format' && value === 'int-or-string') continue;
    if (key === '$ref' && typeof value === 'string') out.$ref = DEFINITIONS + refName(value);
    else if (key === 'properties')
      out.properties = Object.fromEntries(
        Object.entries(value as Record<string, SchemaObject>).map(([k, v]) => [k, toJsonSchema(v)]),
      );
    else if (key === 'items' || (key === 'additionalProperties' && typeof value === 'object'))
      out[key] = toJsonSchema(value as SchemaObject);
    else if (key === 'allOf' || key === 'oneOf' || key === 'anyOf')
      out[key] = (value as SchemaObject[]).map(toJsonSchema);
    else out[key] = value;
  }
  const open = s['x-kubernetes-preserve-unknown-fields'] === true || s.additionalProperties !== undefined;
  if (s.properties && !open) out.additionalProperties = false;
  return out;
}

export function buildKubernetesJsonSchema(selection: KindSelection): Record<string, unknown> {
  const definitions: Record<string, Record<string, unknown>> = {};
  for (const [name, s] of Object.entries(schemaDefinitions())) definitions[name] = toJsonSchema(s);
  const byDefinition = new Map<string, { apiVersions: string[]; kinds: string[] }>();
  for (const k of kindsWithSchemas()) {
    const entry = byDefinition.get(k.definition) ?? { apiVersions: [], kinds: [] };
    const apiVersion = k.group ? `${k.group}/${k.version}` : k.version;
    if (!entry.apiVersions.includes(apiVersion)) entry.apiVersions.push(apiVersion);
    if (!entry.kinds.includes(k.kind)) entry.kinds.push(k.kind);
    byDefinition.set(k.definition, entry);
  }
  for (const [definition, { apiVersions, kinds }] of byDefinition) {
    const d = definitions[definition];
    const props = (d.properties ?? {}) as Record<string, Record<string, unknown>>;
    d.properties = {
      ...props,
      apiVersion: { ...props.apiVersion, enum: apiVersions },
      kind: { ...props.kind, enum: kinds },
    };
    d.required = [...new Set([...((d.required as string[]) ?? []), 'apiVersion', 'kind'])];
  }
  const top: Record<string, unknown> = { $schema: 'http://json-schema.org/draft-07/schema#', definitions };
  const refs = [...byDefinition.keys()].sort();
  if (selection === 'oneOf') {
    top.oneOf = refs.map((r) => ({ $ref: DEFINITIONS + r }));
  } else if (selection === 'kind-tree') {
    const byKind = new Map<string, { apiVersions: string[]; definition: string }[]>();
    for (const r of refs) {
      const { apiVersions, kinds } = byDefinition.get(r)!;
      for (const kind of kinds) byKind.set(kind, [...(byKind.get(kind) ?? []), { apiVersions, definition: r }]);
    }
    top.type = 'object';
    Object.assign(top, kindTree([...byKind.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))));
  } else {
    top.type = 'object';
    top.allOf = refs.map((r) => {
      const { apiVersions, kinds } = byDefinition.get(r)!;
      return {
        if: {
          properties: { apiVersion: { enum: apiVersions }, kind: { enum: kinds } },
          required: ['apiVersion', 'kind'],
        },
        then: { $ref: DEFINITIONS + r },
      };
    });
  }
  const text = JSON.stringify(top);
  if (text.includes(REF_PREFIX))
    throw new Error('kube/generated/k8s-schemas.json: a $ref outside #/components/schemas/ was left unconverted');
  return top;
}

/** if kind is in the first half then (that half) else (the other half); a leaf selects by apiVersion. */
function kindTree(kinds: [string, { apiVersions: string[]; definition: string }[]][]): Record<string, unknown> {
  if (kinds.length === 1) {
    const [kind, defs] = kinds[0];
    return {
      allOf: defs.map((d) => ({
        if: {
          properties: { apiVersion: { enum: d.apiVersions }, kind: { const: kind } },
          required: ['apiVersion', 'kind'],
        },
        then: { $ref: DEFINITIONS + d.definition },
      })),
    };
  }
  const half = Math.ceil(kinds.length / 2);
  return {
    if: { properties: { kind: { enum: kinds.slice(0, half).map(([k]) => k) } }, required: ['kind'] },
    then: kindTree(kinds.slice(0, half)),
    else: kindTree(kinds.slice(half)),
  };
}

/** Writes the schema into dir and returns its path. */
export function writeKubernetesJsonSchema(dir: string, selection: KindSelection): string {
  const file = path.join(dir, `kubernetes-all-${selection}.json`);
  fs.writeFileSync(file, JSON.stringify(buildKubernetesJsonSchema(selection)));
  return file;
}
