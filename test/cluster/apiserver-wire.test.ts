// The bytes kube-apiserver's clients compare: boolean query parameters read as Kubernetes reads them, error
// Status bodies ending with a newline, objects written kind, apiVersion, metadata first. Plain HTTPS, no client.
import * as assert from 'assert';
import { startTestCluster, TestCluster } from '../helpers/testCluster';

const CMS = '/api/v1/namespaces/default/configmaps';

describe('API server wire details', function () {
  this.timeout(30_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 0 });
    // keys deliberately out of kube-apiserver's order
    const cm = { data: { a: '1' }, metadata: { name: 'x' }, apiVersion: 'v1', kind: 'ConfigMap' };
    const r = await t.request('POST', CMS, cm);
    assert.strictEqual(r.status, 201, r.text);
  });
  after(async () => t?.stop());

  it('reads any boolean value but absent, 0 and false (any case) as true', async () => {
    for (const v of ['True', 'TRUE', 'yes', '1', '']) {
      // the one ConfigMap of this test (every namespace also holds kube-root-ca.crt)
      const r = await t.request('GET', `${CMS}?watch=${v}&timeoutSeconds=1&fieldSelector=metadata.name%3Dx`);
      assert.strictEqual(r.status, 200, r.text);
      const events = r.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l));
      assert.deepStrictEqual(
        events.map((e) => [e.type, e.object.metadata.name]),
        [['ADDED', 'x']],
        `watch=${v} must stream`,
      );
    }
    for (const v of ['0', 'false', 'False', 'FALSE']) {
      const r = await t.request('GET', `${CMS}?watch=${v}`);
      assert.strictEqual(r.body.kind, 'ConfigMapList', `watch=${v} must list`);
    }
    const pretty = await t.request('GET', `${CMS}/x?pretty=True`);
    assert.ok(pretty.text.startsWith('{\n  "kind": "ConfigMap",\n  "apiVersion": "v1",\n'), pretty.text);
    assert.ok(pretty.text.endsWith('\n}\n'));
    assert.ok((await t.request('GET', `${CMS}/x?pretty=false`)).text.startsWith('{"kind":"ConfigMap"'));
  });

  it('applies over a conflict with force=True', async () => {
    const apply = (manager: string, value: string, force = '') =>
      t.request(
        'PATCH',
        `${CMS}/applied?fieldManager=${manager}${force}`,
        { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { k: value } },
        { 'Content-Type': 'application/apply-patch+yaml' },
      );
    assert.strictEqual((await apply('one', 'a')).status, 201);
    assert.strictEqual((await apply('two', 'b')).status, 409);
    assert.strictEqual((await apply('two', 'b', '&force=false')).status, 409);
    const forced = await apply('two', 'b', '&force=True');
    assert.strictEqual(forced.status, 200, forced.text);
    assert.strictEqual(forced.body.data.k, 'b');
  });

  it('ends every error Status with a newline, as kube-apiserver writes it', async () => {
    const notFound = await t.request('GET', `${CMS}/nope`);
    assert.strictEqual(
      notFound.text,
      '{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure",' +
        '"message":"configmaps \\"nope\\" not found","reason":"NotFound",' +
        '"details":{"name":"nope","kind":"configmaps"},"code":404}\n',
    );
    const failures = [
      await t.request('GET', '/api/v1/nothing'),
      await t.request('GET', `${CMS}?limit=abc`),
      await t.request('POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }),
      await t.request('POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Bad_Name' } }),
      await t.request('PATCH', `${CMS}/x`, '{}', { 'Content-Type': 'text/plain' }),
      await t.request('PUT', CMS, {}),
      await t.request('GET', CMS, undefined, { Authorization: 'Bearer wrong' }),
    ];
    assert.deepStrictEqual(
      failures.map((r) => r.status),
      [404, 400, 409, 422, 415, 405, 401],
    );
    for (const r of failures) {
      assert.strictEqual(r.body.kind, 'Status', r.text);
      assert.ok(r.text.endsWith('}\n') && !r.text.endsWith('\n\n'), `${r.status}: ${JSON.stringify(r.text)}`);
    }
  });

  it('writes kind, apiVersion and metadata first in objects, list items and watch events', async () => {
    const firstKeys = (o: object) => Object.keys(o).slice(0, 3);
    const expected = ['kind', 'apiVersion', 'metadata'];
    const got = await t.request('GET', `${CMS}/x`);
    assert.deepStrictEqual(firstKeys(got.body), expected);
    assert.ok(got.text.startsWith('{"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"x",'), got.text);
    const list = await t.request('GET', CMS);
    assert.deepStrictEqual(firstKeys(list.body), expected);
    for (const item of list.body.items) assert.deepStrictEqual(firstKeys(item), expected);
    const w = await t.request('GET', `${CMS}?watch=1&timeoutSeconds=1&fieldSelector=metadata.name=x`);
    assert.deepStrictEqual(firstKeys(JSON.parse(w.text.split('\n')[0]).object), expected);
    // an answer that is not stored (a dry run) is ordered too
    const dry = await t.request('POST', `${CMS}?dryRun=All`, {
      data: { b: '2' },
      metadata: { name: 'dry' },
      kind: 'ConfigMap',
      apiVersion: 'v1',
    });
    assert.strictEqual(dry.status, 201, dry.text);
    assert.deepStrictEqual(firstKeys(dry.body), expected);
  });

  it('serves the legacy /watch/ paths, of collections and single objects', async () => {
    const watched = async (path: string) => {
      const r = await t.request('GET', `${path}?timeoutSeconds=1`);
      assert.strictEqual(r.status, 200, `${path}: ${r.text}`);
      return r.text
        .trim()
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l))
        .map((e) => `${e.type} ${e.object.kind} ${e.object.metadata.name}`);
    };
    const inDefault = await watched('/api/v1/watch/namespaces/default/configmaps');
    assert.ok(inDefault.includes('ADDED ConfigMap x') && inDefault.includes('ADDED ConfigMap applied'), `${inDefault}`);
    assert.deepStrictEqual(await watched('/api/v1/watch/namespaces/default/configmaps/x'), ['ADDED ConfigMap x']);
    assert.ok((await watched('/api/v1/watch/configmaps')).includes('ADDED ConfigMap x'));
    assert.deepStrictEqual(await watched('/api/v1/watch/namespaces/default'), ['ADDED Namespace default']);
    const crb = '/apis/rbac.authorization.k8s.io/v1/watch/clusterroles';
    assert.strictEqual((await t.request('GET', `${crb}?timeoutSeconds=1`)).status, 200);
    assert.deepStrictEqual(await watched('/apis/apps/v1/watch/namespaces/default/deployments'), []);
    assert.strictEqual((await t.request('POST', '/api/v1/watch/namespaces/default/configmaps', {})).status, 405);
  });

  it('serves /openapi/v2 in JSON, built from the OpenAPI v3 schemas', async () => {
    const r = await t.request('GET', '/openapi/v2', undefined, { Accept: 'application/json' });
    assert.strictEqual(r.status, 200);
    assert.strictEqual(r.body.swagger, '2.0');
    assert.ok(!r.text.includes('#/components/'), 'every $ref points at #/definitions/');
    const deploy = r.body.definitions['io.k8s.api.apps.v1.Deployment'];
    assert.strictEqual(
      deploy.properties.metadata.$ref,
      '#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
    );
    assert.deepStrictEqual(deploy['x-kubernetes-group-version-kind'], [
      { group: 'apps', version: 'v1', kind: 'Deployment' },
    ]);
    const patch = r.body.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch;
    assert.deepStrictEqual(patch['x-kubernetes-group-version-kind'], {
      group: 'apps',
      version: 'v1',
      kind: 'Deployment',
    });
    const body = patch.parameters.find((p: { in: string }) => p.in === 'body');
    assert.ok(body.schema, 'the request body is a body parameter');
    assert.ok(patch.consumes.includes('application/apply-patch+yaml'));
    const fieldValidation = patch.parameters.find((p: { name: string }) => p.name === 'fieldValidation');
    assert.strictEqual(fieldValidation.type, 'string');
    const v3 = await t.request('GET', '/openapi/v3/apis/apps/v1');
    assert.deepStrictEqual(
      Object.keys(r.body.paths)
        .filter((p) => p.startsWith('/apis/apps/v1/'))
        .sort(),
      Object.keys(v3.body.paths).sort(),
    );
  });

  it('describes the connect subresources (exec, attach, portforward, proxy) in /openapi/v2 and v3', async () => {
    const v2 = (await t.request('GET', '/openapi/v2', undefined, { Accept: 'application/json' })).body;
    const v3 = (await t.request('GET', '/openapi/v3/api/v1')).body;
    const pods = '/api/v1/namespaces/{namespace}/pods/{name}';
    const proxyMethods = ['delete', 'get', 'head', 'options', 'patch', 'post', 'put'];
    const expected: [string, string[], string, string[]][] = [
      [
        `${pods}/exec`,
        ['get', 'post'],
        'NamespacedPodExec',
        ['command', 'container', 'stderr', 'stdin', 'stdout', 'tty'],
      ],
      [`${pods}/attach`, ['get', 'post'], 'NamespacedPodAttach', ['container', 'stderr', 'stdin', 'stdout', 'tty']],
      [`${pods}/portforward`, ['get', 'post'], 'NamespacedPodPortforward', ['ports']],
      [`${pods}/proxy`, proxyMethods, 'NamespacedPodProxy', ['path']],
      [`${pods}/proxy/{path}`, proxyMethods, 'NamespacedPodProxyWithPath', ['path']],
      ['/api/v1/namespaces/{namespace}/services/{name}/proxy', proxyMethods, 'NamespacedServiceProxy', ['path']],
      ['/api/v1/nodes/{name}/proxy', proxyMethods, 'NodeProxy', ['path']],
      ['/api/v1/nodes/{name}/proxy/{path}', proxyMethods, 'NodeProxyWithPath', ['path']],
    ];
    type Param = { name: string; in: string; type?: string; schema?: { type: string } };
    for (const [p, methods, id, query] of expected) {
      for (const [form, doc] of [
        ['v2', v2],
        ['v3', v3],
      ]) {
        const item = doc.paths[p];
        assert.ok(item, `${form} describes ${p}`);
        const ids = methods.map((m) => item[m]?.operationId);
        const word = (m: string) => m.charAt(0).toUpperCase() + m.slice(1);
        assert.deepStrictEqual(
          ids,
          methods.map((m) => `connect${word(m)}CoreV1${id}`),
          `${form} ${p}`,
        );
        assert.strictEqual(item.get['x-kubernetes-action'], 'connect');
        const params = item.parameters as Param[];
        assert.deepStrictEqual(
          params.filter((x) => x.in === 'query').map((x) => x.name),
          query,
          `${form} ${p} query parameters`,
        );
      }
    }
    const exec = v2.paths[`${pods}/exec`];
    assert.deepStrictEqual(exec.post['x-kubernetes-group-version-kind'], {
      group: '',
      version: 'v1',
      kind: 'PodExecOptions',
    });
    assert.deepStrictEqual([exec.post.consumes, exec.post.produces], [['*/*'], ['*/*']]);
    const params = (path: string, form: Record<string, { parameters: Param[] }>) =>
      form[path].parameters.map((x) => [x.name, x.in, x.type ?? x.schema?.type]);
    assert.deepStrictEqual(params(`${pods}/portforward`, v2.paths), [
      ['name', 'path', 'string'],
      ['namespace', 'path', 'string'],
      ['ports', 'query', 'integer'],
    ]);
    assert.deepStrictEqual(params(`${pods}/proxy/{path}`, v3.paths), [
      ['name', 'path', 'string'],
      ['namespace', 'path', 'string'],
      ['path', 'path', 'string'],
      ['path', 'query', 'string'],
    ]);
  });
});
