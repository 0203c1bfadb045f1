// The paths of the OpenAPI v3 document of a group-version: each resource's operations (get, list, watch, create,
// replace, patch, delete and their subresources) with Kubernetes' parameters, operation ids and responses.

import { apiVersionOf, ResourceInfo, SubresourceInfo } from './registry';
import { definitionFor, REF_PREFIX, SchemaObject } from './schemas';

export interface Parameter {
  name: string;
  in: 'path' | 'query';
  description: string;
  required?: boolean;
  uniqueItems?: boolean;
  schema: SchemaObject;
}

export interface Operation {
  tags: string[];
  description: string;
  operationId: string;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: SchemaObject }>; required: boolean };
  responses: Record<string, { description: string; content?: Record<string, { schema: SchemaObject }> }>;
  'x-kubernetes-action': string;
  'x-kubernetes-group-version-kind': { group: string; version: string; kind: string };
}

export type PathItem = { parameters?: Parameter[] } & Partial<
  Record<'get' | 'put' | 'post' | 'patch' | 'delete' | 'options' | 'head', Operation>
>;

export const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
export const refTo = (definition: string): SchemaObject => ({ $ref: REF_PREFIX + definition });

// ---------------------------------------------------------------------------------------------
// Parameters

export const q = (name: string, description: string, schema: SchemaObject): Parameter => ({
  name,
  in: 'query',
  description,
  uniqueItems: true,
  schema,
});
export const STRING = { type: 'string' };
export const BOOLEAN = { type: 'boolean' };
export const INTEGER = { type: 'integer' };

export const P = {
  name: (kind: string): Parameter => ({
    name: 'name',
    in: 'path',
    description: `name of the ${kind}`,
    required: true,
    uniqueItems: true,
    schema: STRING,
  }),
  namespace: {
    name: 'namespace',
    in: 'path',
    description: 'object name and auth scope, such as for teams and projects',
    required: true,
    uniqueItems: true,
    schema: STRING,
  } as Parameter,
  pretty: q(
    'pretty',
    "If 'true', then the output is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool (curl and wget).",
    STRING,
  ),
  dryRun: q(
    'dryRun',
    'When present, indicates that modifications should not be persisted. An invalid or unrecognized dryRun directive will result in an error response and no further processing of the request. Valid values are: - All: all dry run stages will be processed',
    STRING,
  ),
  fieldManager: q(
    'fieldManager',
    'fieldManager is a name associated with the actor or entity that is making these changes. The value must be less than or 128 characters long, and only contain printable characters, as defined by https://golang.org/pkg/unicode/#IsPrint.',
    STRING,
  ),
  fieldValidation: q(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: - Ignore: This will ignore any unknown fields that are silently dropped from the object, and will ignore all but the last duplicate field that the decoder encounters. - Warn: This will send a warning via the standard warning response header for each unknown field that is dropped from the object, and for each duplicate field that is encountered. The request will still succeed if there are no other errors, and will only persist the last of any duplicate fields. This is the default. - Strict: This will fail the request with a BadRequest error if any unknown fields would be dropped from the object, or if any duplicate fields are present. The error returned from the server will contain all unknown and duplicate fields encountered.',
    STRING,
  ),
  force: q(
    'force',
    'Force is going to "force" Apply requests. It means user will re-acquire conflicting fields owned by other people. Force flag must be unset for non-apply patch requests.',
    BOOLEAN,
  ),
  gracePeriodSeconds: q(
    'gracePeriodSeconds',
    'The duration in seconds before the object should be deleted. Value must be non-negative integer. The value zero indicates delete immediately. If this value is nil, the default grace period for the specified type will be used. Defaults to a per object value if not specified. zero means delete immediately.',
    INTEGER,
  ),
  propagationPolicy: q(
    'propagationPolicy',
    "Whether and how garbage collection will be performed. Either this field or OrphanDependents may be set, but not both. The default policy is decided by the existing finalizer set in the metadata.finalizers and the resource-specific default policy. Acceptable values are: 'Orphan' - orphan the dependents; 'Background' - allow the garbage collector to delete the dependents in the background; 'Foreground' - a cascading policy that deletes all dependents in the foreground.",
    STRING,
  ),
  orphanDependents: q(
    'orphanDependents',
    'Deprecated: please use the PropagationPolicy, this field will be deprecated in 1.7. Should the dependent objects be orphaned. If true/false, the "orphan" finalizer will be added to/removed from the object\'s finalizers list. Either this field or PropagationPolicy may be set, but not both.',
    BOOLEAN,
  ),
  list: [
    q(
      'allowWatchBookmarks',
      'allowWatchBookmarks requests watch events with type "BOOKMARK". Servers that do not implement bookmarks may ignore this flag and bookmarks are sent at the server\'s discretion.',
      BOOLEAN,
    ),
    q('continue', 'The continue option should be set when retrieving more results from the server.', STRING),
    q(
      'fieldSelector',
      'A selector to restrict the list of returned objects by their fields. Defaults to everything.',
      STRING,
    ),
    q(
      'labelSelector',
      'A selector to restrict the list of returned objects by their labels. Defaults to everything.',
      STRING,
    ),
    q('limit', 'limit is a maximum number of responses to return for a list call.', INTEGER),
    q(
      'resourceVersion',
      'resourceVersion sets a constraint on what resource versions a request may be served from. Defaults to unset',
      STRING,
    ),
    q(
      'resourceVersionMatch',
      'resourceVersionMatch determines how resourceVersion is applied to list calls. Defaults to unset',
      STRING,
    ),
    q(
      'sendInitialEvents',
      '`sendInitialEvents=true` may be set together with `watch=true`. In that case, the watch stream will begin with synthetic events to produce the current state of objects in the collection.',
      BOOLEAN,
    ),
    q(
      'timeoutSeconds',
      'Timeout for the list/watch call. This limits the duration of the call, regardless of any activity or inactivity.',
      INTEGER,
    ),
    q(
      'watch',
      'Watch for changes to the described resources and return them as a stream of add, update, and remove notifications. Specify resourceVersion.',
      BOOLEAN,
    ),
  ],
};

// ---------------------------------------------------------------------------------------------
// Paths

const JSON_AND_YAML = (schema: SchemaObject) => ({ 'application/json': { schema }, 'application/yaml': { schema } });

export function groupWord(group: string): string {
  if (!group) return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split(/[.-]/)
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

export interface Names {
  /** component name of the kind and its list */
  kind: string;
  list: string;
}

export interface OpContext {
  r: ResourceInfo;
  gvk: Operation['x-kubernetes-group-version-kind'];
  tag: string;
  idWord: string; // 'AppsV1'
  names: Names;
}

function op(
  ctx: OpContext,
  action: string,
  verbWord: string,
  description: string,
  extra: Partial<Operation>,
  kindSuffix = '',
  gvk = ctx.gvk,
): Operation {
  const scope = ctx.r.namespaced && !extra.operationId ? 'Namespaced' : '';
  return {
    tags: [ctx.tag],
    description,
    operationId: extra.operationId ?? `${verbWord}${ctx.idWord}${scope}${ctx.r.kind}${kindSuffix}`,
    ...extra,
    responses: extra.responses ?? { '401': { description: 'Unauthorized' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  };
}

const ok = (schema: SchemaObject) => ({
  '200': { description: 'OK', content: JSON_AND_YAML(schema) },
  '401': { description: 'Unauthorized' },
});
const created = (schema: SchemaObject) => ({
  '200': { description: 'OK', content: JSON_AND_YAML(schema) },
  '201': { description: 'Created', content: JSON_AND_YAML(schema) },
  '202': { description: 'Accepted', content: JSON_AND_YAML(schema) },
  '401': { description: 'Unauthorized' },
});

function patchBody(custom: boolean): Operation['requestBody'] {
  const schema = refTo(`${META}.Patch`);
  const content: Record<string, { schema: SchemaObject }> = {
    'application/apply-patch+yaml': { schema },
    'application/json-patch+json': { schema },
    'application/merge-patch+json': { schema },
  };
  // custom resources have no strategic merge patch
  if (!custom) content['application/strategic-merge-patch+json'] = { schema };
  return { content, required: true };
}

function writeBody(schema: SchemaObject): Operation['requestBody'] {
  return { content: { '*/*': { schema } }, required: true };
}

function itemOperations(ctx: OpContext, item: SchemaObject): PathItem {
  const { r } = ctx;
  const has = (v: string) => r.verbs.includes(v);
  const path: PathItem = {};
  if (has('get')) path.get = op(ctx, 'get', 'read', `read the specified ${r.kind}`, { responses: ok(item) });
  if (has('update')) {
    path.put = op(ctx, 'put', 'replace', `replace the specified ${r.kind}`, {
      parameters: [P.dryRun, P.fieldManager, P.fieldValidation],
      requestBody: writeBody(item),
      responses: created(item),
    });
  }
  if (has('patch')) {
    path.patch = op(ctx, 'patch', 'patch', `partially update the specified ${r.kind}`, {
      parameters: [P.dryRun, P.fieldManager, P.fieldValidation, P.force],
      requestBody: patchBody(!!r.custom),
      responses: created(item),
    });
  }
  if (has('delete')) {
    path.delete = op(ctx, 'delete', 'delete', `delete a ${r.kind}`, {
      parameters: [P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy],
      requestBody: { content: { '*/*': { schema: refTo(`${META}.DeleteOptions`) } }, required: false },
      responses: {
        ...ok(refTo(`${META}.Status`)),
        '202': { description: 'Accepted', content: JSON_AND_YAML(refTo(`${META}.Status`)) },
      },
    });
  }
  return path;
}

function collectionOperations(ctx: OpContext, item: SchemaObject, list: SchemaObject): PathItem {
  const { r } = ctx;
  const has = (v: string) => r.verbs.includes(v);
  const path: PathItem = {};
  if (has('list')) {
    path.get = op(ctx, 'list', 'list', `list or watch objects of kind ${r.kind}`, {
      parameters: P.list,
      responses: ok(list),
    });
  }
  if (has('create')) {
    path.post = op(ctx, 'post', 'create', `create a ${r.kind}`, {
      parameters: [P.dryRun, P.fieldManager, P.fieldValidation],
      requestBody: writeBody(item),
      responses: created(item),
    });
  }
  if (has('deletecollection')) {
    path.delete = op(ctx, 'deletecollection', 'deleteCollection', `delete collection of ${r.kind}`, {
      parameters: [...P.list, P.dryRun, P.gracePeriodSeconds, P.orphanDependents, P.propagationPolicy],
      requestBody: { content: { '*/*': { schema: refTo(`${META}.DeleteOptions`) } }, required: false },
      responses: ok(refTo(`${META}.Status`)),
    });
  }
  return path;
}

function subresourceOperations(ctx: OpContext, sub: SubresourceInfo): PathItem {
  const word = sub.name.charAt(0).toUpperCase() + sub.name.slice(1);
  const gvk = { group: sub.group, version: sub.version, kind: sub.kind };
  const target =
    sub.kind === ctx.r.kind && sub.group === ctx.r.group && sub.version === ctx.r.version
      ? refTo(ctx.names.kind)
      : refTo(definitionFor(apiVersionOf(sub), sub.kind) ?? ctx.names.kind);
  const path: PathItem = {};
  if (sub.name === 'log') {
    path.get = op(
      ctx,
      'get',
      'read',
      `read log of the specified ${ctx.r.kind}`,
      {
        parameters: ['container', 'follow', 'previous', 'sinceSeconds', 'tailLines', 'timestamps', 'limitBytes'].map(
          (n) =>
            q(
              n,
              `The ${n} option of the log request.`,
              ['follow', 'previous', 'timestamps'].includes(n) ? BOOLEAN : n === 'container' ? STRING : INTEGER,
            ),
        ),
        responses: {
          '200': { description: 'OK', content: { 'text/plain': { schema: STRING } } },
          '401': { description: 'Unauthorized' },
        },
      },
      'Log',
    );
    return path;
  }
  if (sub.verbs.includes('create')) {
    path.post = op(
      ctx,
      'post',
      'create',
      `create ${word.toLowerCase()} of a ${ctx.r.kind}`,
      {
        parameters: [P.dryRun, P.fieldManager, P.fieldValidation],
        requestBody: writeBody(target),
        responses: created(target),
      },
      word,
      gvk,
    );
  }
  if (sub.verbs.includes('get'))
    path.get = op(
      ctx,
      'get',
      'read',
      `read ${sub.name} of the specified ${ctx.r.kind}`,
      { responses: ok(target) },
      word,
      gvk,
    );
  if (sub.verbs.includes('update')) {
    path.put = op(
      ctx,
      'put',
      'replace',
      `replace ${sub.name} of the specified ${ctx.r.kind}`,
      {
        parameters: [P.dryRun, P.fieldManager, P.fieldValidation],
        requestBody: writeBody(target),
        responses: created(target),
      },
      word,
      gvk,
    );
  }
  if (sub.verbs.includes('patch')) {
    path.patch = op(
      ctx,
      'patch',
      'patch',
      `partially update ${sub.name} of the specified ${ctx.r.kind}`,
      {
        parameters: [P.dryRun, P.fieldManager, P.fieldValidation, P.force],
        requestBody: patchBody(!!ctx.r.custom),
        responses: created(target),
      },
      word,
      gvk,
    );
  }
  return path;
}

/** The path of a resource's collection under its group-version's prefix. */
export function collectionPath(r: ResourceInfo, prefix: string): string {
  return r.namespaced ? `${prefix}/namespaces/{namespace}/${r.plural}` : `${prefix}/${r.plural}`;
}

/** The paths of one resource: its collection, its items, their subresources, and the all-namespaces list. */
export function addResourcePaths(paths: Record<string, PathItem>, ctx: OpContext, prefix: string): void {
  const { r, idWord, names } = ctx;
  const item = refTo(names.kind);
  const list = refTo(names.list);
  const base = collectionPath(r, prefix);
  const scopeParams = r.namespaced ? [P.namespace, P.pretty] : [P.pretty];
  const collection = collectionOperations(ctx, item, list);
  if (Object.keys(collection).length) paths[base] = { ...collection, parameters: scopeParams };
  const itemOps = itemOperations(ctx, item);
  if (Object.keys(itemOps).length)
    paths[`${base}/{name}`] = { ...itemOps, parameters: [P.name(r.kind), ...scopeParams] };
  // connections (exec, proxy...) are described by ./openapiConnectPaths.ts
  for (const sub of r.subresources.filter((s) => !s.connect)) {
    const subOps = subresourceOperations(ctx, sub);
    if (Object.keys(subOps).length)
      paths[`${base}/{name}/${sub.name}`] = { ...subOps, parameters: [P.name(sub.kind), ...scopeParams] };
  }
  if (r.namespaced && r.verbs.includes('list')) {
    paths[`${prefix}/${r.plural}`] = {
      get: op(ctx, 'list', 'list', `list or watch objects of kind ${r.kind}`, {
        operationId: `list${idWord}${r.kind}ForAllNamespaces`,
        parameters: P.list,
        responses: ok(list),
      }),
      parameters: [P.pretty],
    };
  }
}
