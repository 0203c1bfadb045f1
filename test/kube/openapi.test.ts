import * as assert from 'assert';
import { BUILTIN_RESOURCES, ResourceInfo } from '../../kube/registry';
import {
  openapiDocument,
  openapiDocumentHash,
  openapiDocumentJson,
  openapiIndex,
  OpenAPIDocument,
} from '../../kube/openapi';
import { refName, SchemaObject } from '../../kube/schemas';

const CRONTAB: ResourceInfo = {
  group: 'stable.example.com',
  version: 'v1',
  kind: 'CronTab',
  listKind: 'CronTabList',
  plural: 'crontabs',
  singular: 'crontab',
  namespaced: true,
  shortNames: ['ct'],
  categories: [],
  verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [
    { name: 'status', kind: 'CronTab', group: 'stable.example.com', version: 'v1', verbs: ['get', 'patch', 'update'] },
  ],
  custom: true,
};

const CRONTAB_SCHEMA: SchemaObject = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      description: 'What to run and when.',
      properties: { cronSpec: { type: 'string' }, replicas: { type: 'integer' } },
    },
  },
};

/** Every $ref in the document, which kubectl needs resolvable to compute patches and explain. */
function danglingRefs(doc: OpenAPIDocument): string[] {
  const out = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    else if (node && typeof node === 'object') {
      for (const [k, v] of Object.entries(node)) {
        if (k === '$ref' && typeof v === 'string' && !doc.components.schemas[refName(v)]) out.add(v);
        else visit(v);
      }
    }
  };
  visit(doc);
  return [...out];
}

describe('OpenAPI v3 documents', () => {
  it('offers on the Deployment item path the patch operation kubectl looks for', () => {
    const doc = openapiDocument('apps/v1', BUILTIN_RESOURCES);
    assert.strictEqual(doc.openapi, '3.0.0');
    const item = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'];
    assert.ok(item?.patch, 'patch operation');
    assert.strictEqual(item.patch['x-kubernetes-action'], 'patch');
    assert.deepStrictEqual(item.patch['x-kubernetes-group-version-kind'], {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
    });
    const params = new Map((item.patch.parameters ?? []).map((p) => [p.name, p.in]));
    for (const name of ['fieldValidation', 'dryRun', 'fieldManager', 'force'])
      assert.strictEqual(params.get(name), 'query', name);
    assert.ok(item.patch.requestBody?.content['application/strategic-merge-patch+json']);
    assert.ok(item.patch.requestBody?.content['application/apply-patch+yaml']);
    assert.deepStrictEqual(
      item.parameters?.map((p) => p.name),
      ['name', 'namespace', 'pretty'],
    );
    assert.ok(item.get && item.put && item.delete);
    assert.strictEqual(item.get['x-kubernetes-action'], 'get');
  });

  it('serves the complete Deployment schema with its group-version-kind', () => {
    const doc = openapiDocument('apps/v1', BUILTIN_RESOURCES);
    const deployment = doc.components.schemas['io.k8s.api.apps.v1.Deployment'];
    assert.deepStrictEqual(deployment['x-kubernetes-group-version-kind'], [
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
    for (const name of [
      'io.k8s.api.apps.v1.DeploymentList',
      'io.k8s.api.core.v1.PodSpec',
      'io.k8s.api.core.v1.Container',
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Patch',
      'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
      'io.k8s.api.autoscaling.v1.Scale',
    ])
      assert.ok(doc.components.schemas[name], name);
    assert.deepStrictEqual(danglingRefs(doc), []);
    assert.strictEqual(
      doc.components.schemas['io.k8s.api.core.v1.PodSpec'].properties?.containers['x-kubernetes-patch-merge-key'],
      'name',
    );
  });

  it('lists only the group-version asked for, with collection, cluster-wide and subresource paths', () => {
    const doc = openapiDocument('apps/v1', BUILTIN_RESOURCES);
    assert.ok(Object.keys(doc.paths).every((p) => p.startsWith('/apis/apps/v1/')));
    const collection = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments'];
    assert.strictEqual(collection.get?.['x-kubernetes-action'], 'list');
    assert.strictEqual(collection.post?.['x-kubernetes-action'], 'post');
    assert.strictEqual(collection.delete?.['x-kubernetes-action'], 'deletecollection');
    assert.ok(doc.paths['/apis/apps/v1/deployments']?.get);
    const scale = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale'];
    assert.deepStrictEqual(scale.patch?.['x-kubernetes-group-version-kind'], {
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
    const status = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/status'];
    assert.deepStrictEqual(status.patch?.['x-kubernetes-group-version-kind'], {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
    });
    assert.strictEqual(
      doc.components.schemas['io.k8s.api.core.v1.Service'],
      undefined,
      'core kinds stay in the core document',
    );
  });

  it('builds the core document with cluster-scoped kinds and pod logs', () => {
    const doc = openapiDocument('v1', BUILTIN_RESOURCES);
    assert.ok(doc.paths['/api/v1/namespaces/{name}']?.patch, 'namespaces are cluster-scoped');
    assert.ok(doc.paths['/api/v1/nodes/{name}']?.get);
    assert.ok(doc.paths['/api/v1/namespaces/{namespace}/pods/{name}/log']?.get);
    assert.ok(
      doc.paths['/api/v1/namespaces/{namespace}/configmaps/{name}']?.patch?.parameters?.some(
        (p) => p.name === 'fieldValidation',
      ),
    );
    assert.deepStrictEqual(danglingRefs(doc), []);
    assert.deepStrictEqual(doc.components.schemas['io.k8s.api.core.v1.ConfigMap']['x-kubernetes-group-version-kind'], [
      { group: '', kind: 'ConfigMap', version: 'v1' },
    ]);
  });

  it('publishes a custom resource from its CRD schema', () => {
    const doc = openapiDocument(
      'stable.example.com/v1',
      [...BUILTIN_RESOURCES, CRONTAB],
      new Map([['CronTab', CRONTAB_SCHEMA]]),
    );
    const crontab = doc.components.schemas['com.example.stable.v1.CronTab'];
    assert.deepStrictEqual(crontab['x-kubernetes-group-version-kind'], [
      { group: 'stable.example.com', kind: 'CronTab', version: 'v1' },
    ]);
    assert.strictEqual(crontab.properties?.spec.description, 'What to run and when.');
    assert.deepStrictEqual(crontab.properties?.metadata.allOf, [
      { $ref: '#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
    ]);
    assert.deepStrictEqual(
      doc.components.schemas['com.example.stable.v1.CronTabList']['x-kubernetes-group-version-kind'],
      [{ group: 'stable.example.com', kind: 'CronTabList', version: 'v1' }],
    );
    assert.deepStrictEqual(danglingRefs(doc), []);
    const patch = doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs/{name}'].patch;
    assert.deepStrictEqual(patch?.['x-kubernetes-group-version-kind'], {
      group: 'stable.example.com',
      version: 'v1',
      kind: 'CronTab',
    });
    assert.ok(patch?.parameters?.some((p) => p.name === 'fieldValidation'));
    assert.strictEqual(
      patch?.requestBody?.content['application/strategic-merge-patch+json'],
      undefined,
      'no strategic merge for custom resources',
    );
    assert.strictEqual(CRONTAB_SCHEMA.properties?.metadata, undefined, "the CRD's schema is left untouched");
  });

  it('returns the same document for the same input, and a new one when a CRD schema changes', () => {
    const a = openapiDocument('apps/v1', BUILTIN_RESOURCES);
    assert.strictEqual(openapiDocument('apps/v1', BUILTIN_RESOURCES), a);
    const before = openapiDocumentJson('stable.example.com/v1', [CRONTAB], { CronTab: CRONTAB_SCHEMA });
    const changed = { ...CRONTAB_SCHEMA, properties: { ...CRONTAB_SCHEMA.properties, status: { type: 'object' } } };
    const after = openapiDocumentJson('stable.example.com/v1', [CRONTAB], { CronTab: changed });
    assert.notStrictEqual(before.hash, after.hash);
    assert.ok(after.doc.components.schemas['com.example.stable.v1.CronTab'].properties?.status);
  });

  it('indexes group-versions with a stable hash of each document', () => {
    const index = openapiIndex(['api/v1', 'apis/apps/v1']);
    assert.deepStrictEqual(Object.keys(index.paths), ['api/v1', 'apis/apps/v1']);
    const apps = openapiDocumentJson('apps/v1', BUILTIN_RESOURCES);
    assert.strictEqual(index.paths['apis/apps/v1'].serverRelativeURL, `/openapi/v3/apis/apps/v1?hash=${apps.hash}`);
    assert.match(apps.hash, /^[0-9A-F]{128}$/);
    assert.strictEqual(apps.hash, openapiDocumentHash(apps.doc));
    assert.notStrictEqual(index.paths['api/v1'].serverRelativeURL.split('hash=')[1], apps.hash);
    assert.deepStrictEqual(openapiIndex(['apis/apps/v1']), openapiIndex(['apps/v1']));

    const given = openapiIndex(
      ['api/v1', 'apis/stable.example.com/v1'],
      new Map([
        ['api/v1', 'ABC'],
        ['apis/stable.example.com/v1', 'DEF'],
      ]),
    );
    assert.strictEqual(given.paths['api/v1'].serverRelativeURL, '/openapi/v3/api/v1?hash=ABC');
    assert.strictEqual(
      given.paths['apis/stable.example.com/v1'].serverRelativeURL,
      '/openapi/v3/apis/stable.example.com/v1?hash=DEF',
    );
  });
});
