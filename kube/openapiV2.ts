// The Swagger 2.0 document kube-apiserver serves at /openapi/v2, built from the same per-group-version OpenAPI v3
// documents as /openapi/v3 (./openapi.ts): one document for all group-versions, definitions instead of
// components, body parameters instead of request bodies, and the v3-only schema keywords left out.
import type { OpenAPIDocument } from './openapi';
import type { Operation, Parameter } from './openapiPaths';
import { REF_PREFIX } from './schemas';

const V2_REF_PREFIX = '#/definitions/';
const METHODS = ['get', 'put', 'post', 'patch', 'delete', 'options', 'head'] as const;
// OpenAPI v3 keywords Swagger 2.0 lacks; kube-apiserver drops them from CRD schemas in its v2 document too
const V3_ONLY = new Set(['nullable', 'oneOf', 'anyOf', 'not']);

type Json = unknown;
type V3Parameter = Parameter;
type V3Operation = Operation;

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  definitions: Record<string, Json>;
  securityDefinitions: Record<string, unknown>;
  security: Record<string, string[]>[];
}

/** A v3 schema as Swagger 2.0 writes it: refs to definitions, `allOf: [{$ref}]` as the ref itself. */
export function v2Schema(s: Json): Json {
  if (Array.isArray(s)) return s.map(v2Schema);
  if (!s || typeof s !== 'object') return s;
  const o = s as Record<string, Json>;
  const all = o.allOf as Record<string, Json>[] | undefined;
  if (Array.isArray(all) && all.length === 1 && typeof all[0]?.$ref === 'string') {
    const { allOf: _allOf, default: _default, ...rest } = o;
    return v2Schema({ ...rest, $ref: all[0].$ref });
  }
  const out: Record<string, Json> = {};
  for (const [k, v] of Object.entries(o)) {
    if (V3_ONLY.has(k)) continue;
    if (k === '$ref' && typeof v === 'string') out[k] = v.replace(REF_PREFIX, V2_REF_PREFIX);
    else if (k === 'properties' || k === 'patternProperties' || k === 'definitions')
      out[k] = Object.fromEntries(Object.entries(v as Record<string, Json>).map(([n, p]) => [n, v2Schema(p)]));
    else if (k === 'items' || k === 'additionalProperties' || k === 'allOf') out[k] = v2Schema(v);
    else out[k] = v;
  }
  return out;
}

/** A non-body parameter carries its type inline in Swagger 2.0. */
function v2Parameter(p: V3Parameter): Record<string, unknown> {
  const { schema, ...rest } = p;
  return { ...rest, ...(v2Schema(schema ?? {}) as object) };
}

function v2Operation(op: V3Operation): Record<string, unknown> {
  const { parameters, requestBody, responses, ...rest } = op;
  const params: Record<string, unknown>[] = (parameters ?? []).map(v2Parameter);
  // a connection takes whatever the client sends, as kube-apiserver's connect operations say
  const connect = op['x-kubernetes-action'] === 'connect';
  const consumes = requestBody ? Object.keys(requestBody.content) : connect ? ['*/*'] : undefined;
  if (requestBody) {
    const schema = Object.values(requestBody.content)[0]?.schema;
    params.unshift({ name: 'body', in: 'body', required: requestBody.required, schema: v2Schema(schema) });
  }
  const produces = new Set<string>();
  const v2Responses: Record<string, unknown> = {};
  for (const [code, r] of Object.entries(responses)) {
    const types = Object.keys(r.content ?? {});
    types.forEach((t) => produces.add(t));
    const schema = types.length ? r.content![types[0]].schema : undefined;
    v2Responses[code] = { description: r.description, ...(schema ? { schema: v2Schema(schema) } : {}) };
  }
  return {
    ...rest,
    ...(consumes ? { consumes } : {}),
    ...(produces.size ? { produces: [...produces] } : {}),
    schemes: ['https'],
    ...(params.length ? { parameters: params } : {}),
    responses: v2Responses,
  };
}

export function openapiV2Document(docs: readonly OpenAPIDocument[], version: string): SwaggerDocument {
  const paths: Record<string, Record<string, unknown>> = {};
  const definitions: Record<string, Json> = {};
  for (const doc of docs) {
    for (const [path, item] of Object.entries(doc.paths)) {
      const out: Record<string, unknown> = {};
      for (const m of METHODS) {
        const op: V3Operation | undefined = item[m];
        if (op) out[m] = v2Operation(op);
      }
      if (item.parameters) out.parameters = item.parameters.map(v2Parameter);
      paths[path] = out;
    }
    for (const [name, schema] of Object.entries(doc.components.schemas)) definitions[name] ??= v2Schema(schema);
  }
  const sortedPaths = Object.fromEntries(
    Object.keys(paths)
      .sort()
      .map((p) => [p, paths[p]]),
  );
  const sortedDefs = Object.fromEntries(
    Object.keys(definitions)
      .sort()
      .map((d) => [d, definitions[d]]),
  );
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version },
    paths: sortedPaths,
    definitions: sortedDefs,
    securityDefinitions: {
      BearerToken: { description: 'Bearer Token authentication', type: 'apiKey', name: 'authorization', in: 'header' },
    },
    security: [{ BearerToken: [] }],
  };
}
