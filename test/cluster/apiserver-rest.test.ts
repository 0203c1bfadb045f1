// The Kubernetes REST contract of the embedded API server, over real HTTPS.
import * as assert from 'assert';
import * as https from 'https';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  text: string;
}

describe('API server REST contract', function () {
  this.timeout(60_000);
  let t: TestCluster;

  const call = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Reply> =>
    t.request(method, path, body, headers);

  const cm = (name: string, extra: any = {}) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, ...extra },
    data: { a: '1' },
  });
  const CMS = '/api/v1/namespaces/default/configmaps';

  before(async () => {
    t = await startTestCluster();
  });
  after(async () => t?.stop());

  it('serves version, aggregated and legacy discovery, and OpenAPI v3', async () => {
    const v = await call('GET', '/version');
    assert.strictEqual(v.body.major, '1');
    assert.strictEqual(v.body.gitVersion, `v1.${v.body.minor}.0`);
    const agg = await call('GET', '/apis', undefined, {
      Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    assert.strictEqual(
      agg.headers['content-type'],
      'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    );
    const apps = agg.body.items.find((g: any) => g.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((r: any) => r.resource === 'deployments');
    assert.deepStrictEqual(deploy.shortNames, ['deploy']);
    assert.ok(deploy.subresources.some((s: any) => s.subresource === 'scale'));
    const legacy = await call('GET', '/api/v1');
    assert.ok(legacy.body.resources.some((r: any) => r.name === 'pods/log'));
    const index = await call('GET', '/openapi/v3');
    const url = index.body.paths['apis/apps/v1'].serverRelativeURL;
    const doc = await call('GET', url);
    assert.strictEqual(doc.headers['cache-control'], 'public, immutable');
    assert.ok(doc.body.components.schemas['io.k8s.api.apps.v1.Deployment']);
    // the protobuf form, all kubectl asks /openapi/v2 for (openapi-v2-protobuf.test.ts reads it)
    const pb = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
    const v2 = await t.request('GET', '/openapi/v2', undefined, { Accept: pb });
    assert.strictEqual(v2.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
  });

  it('creates with generateName, uid, creationTimestamp and a growing resourceVersion', async () => {
    const a = await call('POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { generateName: 'gen-' } });
    assert.strictEqual(a.status, 201);
    assert.match(a.body.metadata.name, /^gen-[a-z0-9]{5}$/);
    const b = await call('POST', CMS, cm('rv-check'));
    assert.ok(Number(b.body.metadata.resourceVersion) > Number(a.body.metadata.resourceVersion));
    assert.notStrictEqual(a.body.metadata.uid, b.body.metadata.uid);
  });

  it('does not store anything with dryRun=All', async () => {
    const r = await call('POST', `${CMS}?dryRun=All`, cm('dry'));
    assert.strictEqual(r.status, 201);
    assert.strictEqual(r.body.metadata.name, 'dry');
    assert.strictEqual((await call('GET', `${CMS}/dry`)).status, 404);
    const bad = await call('POST', `${CMS}?dryRun=Some`, cm('dry'));
    assert.strictEqual(bad.status, 400);
  });

  it('rejects, warns about or drops unknown fields per fieldValidation', async () => {
    const withUnknown = { ...cm('fv'), extra: true };
    const strict = await call('POST', `${CMS}?fieldValidation=Strict`, withUnknown);
    assert.strictEqual(strict.status, 400);
    assert.match(strict.body.message, /strict decoding error: unknown field "extra"/);
    const warn = await call('POST', `${CMS}?fieldValidation=Warn`, withUnknown);
    assert.strictEqual(warn.status, 201);
    assert.match(String(warn.headers.warning), /299 - "unknown field \\"extra\\""/);
    assert.strictEqual(warn.body.extra, undefined, 'unknown fields are dropped, not stored');
    const ignore = await call('POST', `${CMS}?fieldValidation=Ignore`, { ...cm('fv2'), extra: true });
    assert.strictEqual(ignore.status, 201);
    assert.strictEqual(ignore.headers.warning, undefined);
  });

  it('answers with Status objects and Kubernetes codes', async () => {
    const malformed = await call('POST', CMS, '{"apiVersion": "v1", "kind": ');
    assert.strictEqual(malformed.status, 400);
    assert.strictEqual(malformed.body.kind, 'Status');
    assert.strictEqual(malformed.body.reason, 'BadRequest');
    const notFound = await call('GET', `${CMS}/nope`);
    assert.deepStrictEqual(
      [notFound.status, notFound.body.reason, notFound.body.message],
      [404, 'NotFound', 'configmaps "nope" not found'],
    );
    const method = await call('PUT', CMS, cm('x'));
    assert.strictEqual(method.status, 405);
    const huge = await call('POST', CMS, { ...cm('huge'), data: { big: 'x'.repeat(3 * 1024 * 1024 + 10) } });
    assert.strictEqual(huge.status, 413);
    const media = await call('PATCH', `${CMS}/rv-check`, '{}', { 'Content-Type': 'text/plain' });
    assert.strictEqual(media.status, 415);
    const invalid = await call('POST', '/apis/apps/v1/namespaces/default/deployments', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'Bad_Name' },
      spec: { replicas: -1 },
    });
    assert.strictEqual(invalid.status, 422);
    assert.strictEqual(invalid.body.reason, 'Invalid');
    const fields = invalid.body.details.causes.map((c: any) => c.field);
    for (const f of ['metadata.name', 'spec.selector', 'spec.template.spec.containers', 'spec.replicas'])
      assert.ok(fields.includes(f), `cause for ${f} in ${fields}`);
    const noNs = await call('POST', '/api/v1/namespaces/nowhere/configmaps', cm('x'));
    assert.strictEqual(noNs.status, 404);
    assert.match(noNs.body.message, /namespaces "nowhere" not found/);
  });

  it('refuses a stale resourceVersion with 409 Conflict', async () => {
    const cur = (await call('GET', `${CMS}/rv-check`)).body;
    const ok = await call('PUT', `${CMS}/rv-check`, { ...cur, data: { a: '2' } });
    assert.strictEqual(ok.status, 200);
    const stale = await call('PUT', `${CMS}/rv-check`, { ...cur, data: { a: '3' } });
    assert.strictEqual(stale.status, 409);
    assert.strictEqual(stale.body.reason, 'Conflict');
  });

  it('pages lists with limit and continue, and filters by label', async () => {
    for (let i = 0; i < 7; i++)
      await call('POST', CMS, cm(`page-${i}`, { labels: { paged: 'yes', odd: String(i % 2) } }));
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    do {
      const r = await call('GET', `${CMS}?labelSelector=paged%3Dyes&limit=3${cont ? `&continue=${cont}` : ''}`);
      seen.push(...r.body.items.map((i: any) => i.metadata.name));
      cont = r.body.metadata.continue ?? '';
      pages++;
    } while (cont);
    assert.strictEqual(pages, 3);
    assert.deepStrictEqual(seen, ['page-0', 'page-1', 'page-2', 'page-3', 'page-4', 'page-5', 'page-6']);
    const odd = await call('GET', `${CMS}?labelSelector=${encodeURIComponent('paged=yes,odd notin (0)')}`);
    assert.deepStrictEqual(
      odd.body.items.map((i: any) => i.metadata.name),
      ['page-1', 'page-3', 'page-5'],
    );
  });

  it('keeps status out of main-resource writes and spec out of status writes, bumping generation only on spec', async () => {
    // a custom kind with a status subresource, which no controller of the cluster writes: only this test's
    // writes change it (the built-in kinds with spec and status all have controllers now)
    const crd = {
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'budgets.test.slipway.dev' },
      spec: {
        group: 'test.slipway.dev',
        scope: 'Namespaced',
        names: { plural: 'budgets', singular: 'budget', kind: 'Budget', listKind: 'BudgetList' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            subresources: { status: {} },
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    };
    assert.strictEqual(
      (await call('POST', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions', crd)).status,
      201,
    );
    const collection = '/apis/test.slipway.dev/v1/namespaces/default/budgets';
    await eventually(async () => (await call('GET', collection)).status === 200, 10_000, 'the CRD served');
    const status = (healthy: number) => ({
      currentHealthy: healthy,
      desiredHealthy: 1,
      disruptionsAllowed: 0,
      expectedPods: 1,
    });
    const body = {
      apiVersion: 'test.slipway.dev/v1',
      kind: 'Budget',
      metadata: { name: 'gen' },
      spec: { minAvailable: 1, selector: { matchLabels: { a: 'b' } } },
      status: status(99),
    };
    const created = await call('POST', collection, body);
    assert.strictEqual(created.body.status, undefined, 'status is not taken on create');
    const path = `${collection}/gen`;
    const st = await call('PUT', `${path}/status`, {
      ...created.body,
      spec: { ...created.body.spec, minAvailable: 7 },
      status: status(2),
    });
    assert.strictEqual(st.body.status.currentHealthy, 2);
    assert.strictEqual(st.body.spec.minAvailable, 1, 'spec is not taken from a status write');
    assert.strictEqual(st.body.metadata.generation, 1);
    const labeled = await call(
      'PATCH',
      path,
      { metadata: { labels: { x: 'y' } } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    assert.strictEqual(labeled.body.metadata.generation, 1);
    const changed = await call(
      'PATCH',
      path,
      { spec: { minAvailable: 3 }, status: { currentHealthy: 50 } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    assert.strictEqual(changed.body.metadata.generation, 2);
    assert.strictEqual(changed.body.spec.minAvailable, 3);
    assert.strictEqual(changed.body.status.currentHealthy, 2);
    // a merge patch of status: nested fields merge, null removes; spec and, for a custom resource, labels stay
    // (apiextensions' status strategy takes nothing else from a status write)
    const patched = await call(
      'PATCH',
      `${path}/status`,
      {
        metadata: { labels: { x: null, z: 'w' } },
        spec: { minAvailable: 9 },
        status: {
          currentHealthy: 5,
          expectedPods: null,
          conditions: [
            {
              type: 'DisruptionAllowed',
              status: 'False',
              reason: 'InsufficientPods',
              message: '',
              lastTransitionTime: '2025-01-01T00:00:00Z',
            },
          ],
        },
      },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    assert.strictEqual(patched.status, 200, patched.text);
    assert.deepStrictEqual(patched.body.status, {
      currentHealthy: 5,
      desiredHealthy: 1,
      disruptionsAllowed: 0,
      conditions: [
        {
          type: 'DisruptionAllowed',
          status: 'False',
          reason: 'InsufficientPods',
          message: '',
          lastTransitionTime: '2025-01-01T00:00:00Z',
        },
      ],
    });
    assert.deepStrictEqual(patched.body.metadata.labels, { x: 'y' });
    assert.deepStrictEqual(patched.body.spec, changed.body.spec);
    assert.deepStrictEqual((await call('GET', path)).body, patched.body);
  });

  it("a status write keeps a Deployment's labels, as kube's status strategy does, but not a ReplicaSet's", async () => {
    const template = {
      metadata: { labels: { app: 'meta' } },
      spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
    };
    const spec = { replicas: 0, selector: { matchLabels: { app: 'meta' } }, template };
    const metadata = { name: 'status-meta', labels: { team: 'a' } };
    const written = { labels: { team: 'b' }, annotations: { note: 'from-status' } };
    const seen: Record<string, unknown>[] = [];
    for (const kind of ['Deployment', 'ReplicaSet']) {
      const collection = `/apis/apps/v1/namespaces/default/${kind.toLowerCase()}s`;
      const created = await call('POST', collection, { apiVersion: 'apps/v1', kind, metadata, spec });
      assert.strictEqual(created.status, 201, created.text);
      const patched = await call(
        'PATCH',
        `${collection}/status-meta/status`,
        { metadata: written, status: { observedGeneration: 1 } },
        { 'Content-Type': 'application/merge-patch+json' },
      );
      assert.strictEqual(patched.status, 200, patched.text);
      const stored = (await call('GET', `${collection}/status-meta`)).body;
      seen.push({ kind, labels: stored.metadata.labels, note: stored.metadata.annotations?.note });
    }
    assert.deepStrictEqual(seen, [
      { kind: 'Deployment', labels: { team: 'a' }, note: 'from-status' },
      { kind: 'ReplicaSet', labels: { team: 'b' }, note: 'from-status' },
    ]);
  });

  it("keeps a pod's generation through its binding and status writes; a spec change bumps it", async () => {
    const PODS = '/api/v1/namespaces/default/pods';
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'gen' },
      spec: { containers: [{ name: 'app', image: 'nginx:1' }] },
    };
    assert.strictEqual((await call('POST', PODS, pod)).status, 201);
    // bound by the scheduler, then reported running by the kubelet through pods/status
    await eventually(async () => (await call('GET', `${PODS}/gen`)).body.status?.phase === 'Running', 20_000, 'run');
    const running = (await call('GET', `${PODS}/gen`)).body;
    assert.ok(running.spec.nodeName);
    assert.strictEqual(running.metadata.generation, 1);
    const patched = await call(
      'PATCH',
      `${PODS}/gen`,
      { spec: { containers: [{ name: 'app', image: 'nginx:2' }] } },
      { 'Content-Type': 'application/strategic-merge-patch+json' },
    );
    assert.strictEqual(patched.body.metadata.generation, 2, patched.text);
    await call('DELETE', `${PODS}/gen?gracePeriodSeconds=0`);
  });

  it('holds an object with finalizers until they are removed', async () => {
    await call('POST', CMS, cm('held', { finalizers: ['example.com/hold'] }));
    const del = await call('DELETE', `${CMS}/held`);
    assert.strictEqual(del.status, 202);
    assert.ok(del.body.metadata.deletionTimestamp);
    const still = await call('GET', `${CMS}/held`);
    assert.strictEqual(still.status, 200);
    const freed = await call(
      'PATCH',
      `${CMS}/held`,
      { metadata: { finalizers: null } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    assert.strictEqual(freed.status, 200);
    assert.strictEqual((await call('GET', `${CMS}/held`)).status, 404);
  });

  it('serves a CustomResourceDefinition only while it is stored: not after a dry run, not once it is gone', async () => {
    const CRDS = '/apis/apiextensions.k8s.io/v1/customresourcedefinitions';
    const crd = (finalizers?: string[]) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'gadgets.example.com', ...(finalizers ? { finalizers } : {}) },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
        versions: [
          {
            name: 'v1',
            served: true,
            storage: true,
            schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
          },
        ],
      },
    });
    const GADGETS = '/apis/example.com/v1/namespaces/default/gadgets';
    const dry = await call('POST', `${CRDS}?dryRun=All`, crd());
    assert.strictEqual(dry.status, 201, dry.text);
    assert.strictEqual((await call('GET', GADGETS)).status, 404, 'a dry-run CRD is not served');
    assert.strictEqual((await call('GET', `${CRDS}/gadgets.example.com`)).status, 404);

    assert.strictEqual((await call('POST', CRDS, crd(['example.com/hold']))).status, 201);
    const gadget = { apiVersion: 'example.com/v1', kind: 'Gadget', metadata: { name: 'g1' } };
    assert.strictEqual((await call('POST', GADGETS, gadget)).status, 201);
    assert.strictEqual((await call('DELETE', `${CRDS}/gadgets.example.com`)).status, 202);
    assert.strictEqual((await call('GET', GADGETS)).status, 200, 'served while its deletion waits');
    const freed = await call(
      'PATCH',
      `${CRDS}/gadgets.example.com`,
      { metadata: { finalizers: null } },
      { 'Content-Type': 'application/merge-patch+json' },
    );
    assert.strictEqual(freed.status, 200, freed.text);
    assert.strictEqual((await call('GET', GADGETS)).status, 404, 'not served once its last finalizer is gone');
    // defined again, it starts empty: the objects went with the definition
    assert.strictEqual((await call('POST', CRDS, crd())).status, 201);
    const list = await call('GET', GADGETS);
    assert.strictEqual(list.status, 200, list.text);
    assert.deepStrictEqual(list.body.items, []);
  });

  it('watches from a resourceVersion and ends at timeoutSeconds', async () => {
    const start = (await call('GET', CMS)).body.metadata.resourceVersion;
    await call('POST', CMS, cm('watched-1'));
    await call('DELETE', `${CMS}/watched-1`);
    const w = await call('GET', `${CMS}?watch=true&resourceVersion=${start}&timeoutSeconds=1`);
    const events = w.text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepStrictEqual(
      events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED watched-1', 'DELETED watched-1'],
    );
    const fromZero = await call(
      'GET',
      `${CMS}?watch=1&resourceVersion=0&timeoutSeconds=1&fieldSelector=metadata.name%3Drv-check`,
    );
    assert.deepStrictEqual(
      fromZero.text
        .trim()
        .split('\n')
        .map((l) => JSON.parse(l).type),
      ['ADDED'],
    );
    const bad = await call('GET', `${CMS}?watch=true&resourceVersion=-5&timeoutSeconds=1`);
    assert.match(bad.text, /"type":"ERROR".*"code":400/);
  });

  it('sends a one-row Table per watch event when kubectl asks for tables', async () => {
    const rv = (await call('GET', CMS)).body.metadata.resourceVersion;
    const pending = call('GET', `${CMS}?watch=true&resourceVersion=${rv}&timeoutSeconds=1`, undefined, {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    await new Promise((r) => setTimeout(r, 100));
    await call('POST', CMS, cm('table-1'));
    await call('POST', CMS, cm('table-2'));
    const events = (await pending).text
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.strictEqual(events.length, 2);
    assert.strictEqual(events[0].object.kind, 'Table');
    assert.deepStrictEqual(
      events[0].object.columnDefinitions.map((c: any) => c.name),
      ['Name', 'Data', 'Age'],
    );
    assert.strictEqual(events[0].object.rows[0].cells[0], 'table-1');
    assert.strictEqual(events[1].object.rows[0].cells[0], 'table-2');
  });

  it('answers 410 Expired to a watch older than the kept history, from which kubectl recovers', async () => {
    const small = await startTestCluster({ storeOptions: { historyEvents: 20 } });
    try {
      const u = small.cluster;
      const first = await small.kubectl(['create', '-f', '-'], { input: JSON.stringify(cm('first')) });
      assert.strictEqual(first.code, 0, first.stderr);
      const rv = JSON.parse((await small.kubectl(['get', 'cm', 'first', '-o', 'json'])).stdout).metadata
        .resourceVersion;
      for (let i = 0; i < 40; i++) await small.kubectl(['annotate', 'cm', 'first', `n=${i}`, '--overwrite']);
      const r = await new Promise<string>((resolve, reject) => {
        https
          .get(
            `${u.url}${CMS}?watch=true&resourceVersion=${rv}`,
            { ca: u.caCert, headers: { Authorization: `Bearer ${u.token}` } },
            (res) => {
              let text = '';
              res.on('data', (d) => (text += d));
              res.on('end', () => resolve(text));
            },
          )
          .on('error', reject);
      });
      const ev = JSON.parse(r.trim().split('\n')[0]);
      assert.strictEqual(ev.type, 'ERROR');
      assert.strictEqual(ev.object.code, 410);
      assert.strictEqual(ev.object.reason, 'Expired');
      // kubectl's own watch recovers from 410 by listing again
      const w = small.kubectlStream(['get', 'cm', '-w', '-o', 'name']);
      await eventually(() => w.output().includes('configmap/first'), 10_000, 'kubectl watch output');
      w.stop();
    } finally {
      await small.stop();
    }
  });

  it('server-side applies racing to create one new object all succeed, as apply is create-or-update', async () => {
    // each request applies its own key as its own manager, so no field conflicts: only the create race is left
    const n = 12;
    const replies = await Promise.all(
      Array.from({ length: n }, (_, i) =>
        call(
          'PATCH',
          `${CMS}/raced?fieldManager=m${i}`,
          { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'raced' }, data: { [`k${i}`]: String(i) } },
          { 'Content-Type': 'application/apply-patch+yaml' },
        ),
      ),
    );
    assert.deepStrictEqual(
      replies.map((r) => r.status).filter((s) => s !== 200 && s !== 201),
      [],
      replies.map((r) => r.text).join('\n'),
    );
    assert.strictEqual(replies.filter((r) => r.status === 201).length, 1, 'exactly one request created it');
    const live = (await call('GET', `${CMS}/raced`)).body;
    assert.strictEqual(Object.keys(live.data).length, n);
    assert.strictEqual(live.metadata.managedFields.length, n);
  });

  it('deletes a collection by label', async () => {
    const r = await call('DELETE', `${CMS}?labelSelector=odd%3D0`);
    assert.strictEqual(r.status, 200);
    assert.deepStrictEqual(r.body.items.map((i: any) => i.metadata.name).sort(), [
      'page-0',
      'page-2',
      'page-4',
      'page-6',
    ]);
    await eventually(
      async () => (await call('GET', `${CMS}?labelSelector=paged%3Dyes`)).body.items.length === 3,
      5000,
      'collection deleted',
    );
  });
});
