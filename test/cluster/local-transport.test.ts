// The cluster's own components reach the API server of their process through its request handler and get
// answers and watch events as read-only objects; clients over HTTPS get the same content as JSON.
import * as assert from 'assert';
import { ApiClient } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

describe('in-process clients of the embedded API server', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let local: ApiClient;
  let remote: ApiClient;
  const cm = '/api/v1/namespaces/default/configmaps';

  before(async () => {
    t = await startTestCluster({ nodes: 1 });
    const c = t.cluster;
    local = ApiClient.forCluster({ server: c.url, token: c.token, ca: c.caCert, local: c.apiServer });
    remote = ApiClient.forCluster({ server: c.url, token: c.token, ca: c.caCert });
    // the root CA publisher's ConfigMap is there before the lists below compare the namespace's ConfigMaps
    await eventually(() => remote.get(`${cm}/kube-root-ca.crt`));
  });
  after(async () => {
    local?.close();
    remote?.close();
    await t?.stop();
  });

  it('get the same answers as clients over HTTPS, frozen', async () => {
    const created = await local.create(cm, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'shared' },
      data: { k: 'v' },
    });
    assert.ok(Object.isFrozen(created) && Object.isFrozen(created.metadata) && Object.isFrozen(created.data));
    assert.throws(() => {
      created.data.k = 'changed';
    }, TypeError);
    const viaLocal = await local.get(`${cm}/shared`);
    const viaHttps = await remote.get(`${cm}/shared`);
    assert.ok(!Object.isFrozen(viaHttps), 'parsed JSON over HTTPS');
    assert.deepStrictEqual(viaLocal, viaHttps);
    assert.strictEqual(viaLocal.data.k, 'v');

    const list = await local.list(cm);
    assert.ok(Object.isFrozen(list) && Object.isFrozen(list.items));
    assert.deepStrictEqual(
      list.items.map((o: any) => o.metadata.name),
      ['kube-root-ca.crt', 'shared'],
    );
    assert.deepStrictEqual(list.items, (await remote.list(cm)).items);
  });

  it('send request bodies as the JSON they would serialize to, taken when the request is made', async () => {
    const body: any = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'handed', annotations: { when: new Date(0), gone: undefined } },
      data: { k: 'v' },
    };
    const pending = local.create(cm, body);
    body.data.k = 'changed after the call';
    const created = await pending;
    assert.strictEqual(created.data.k, 'v');
    assert.deepStrictEqual(created.metadata.annotations, { when: '1970-01-01T00:00:00.000Z' });
    assert.deepStrictEqual((await remote.get(`${cm}/handed`)).metadata.annotations, {
      when: '1970-01-01T00:00:00.000Z',
    });
    const patched = await local.patch(`${cm}/handed`, { data: { k: null, n: 'm' } });
    assert.deepStrictEqual(patched.data, { n: 'm' });
    await local.delete(`${cm}/handed`);
  });

  it('get errors as the Status object', async () => {
    const err = await local.get(`${cm}/missing`).then(
      () => undefined,
      (e) => e,
    );
    assert.ok(err instanceof KubeApiError);
    assert.strictEqual(err.status, 404);
    assert.strictEqual(err.body.reason, 'NotFound');
    assert.strictEqual(err.message, 'configmaps "missing" not found');
  });

  it('get watch events as frozen objects, and a handler that throws ends the watch', async () => {
    const { metadata } = await local.list(cm);
    const seen: any[] = [];
    const ended = new Promise<Error | undefined>((resolve) => {
      local.watch(
        cm,
        { resourceVersion: metadata.resourceVersion },
        (type, obj) => {
          if (type === 'BOOKMARK') return;
          seen.push({ type, obj });
          // changing an event's object is a bug of the handler: it throws, and the watch ends with that error
          obj.data.k = 'changed';
        },
        resolve,
      );
    });
    await local.update(`${cm}/shared`, {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'shared' },
      data: { k: 'w' },
    });
    const err = await ended;
    assert.ok(err instanceof TypeError, String(err));
    assert.strictEqual(seen.length, 1);
    assert.strictEqual(seen[0].type, 'MODIFIED');
    assert.strictEqual(seen[0].obj.data.k, 'w');
    assert.ok(Object.isFrozen(seen[0].obj));
    assert.strictEqual((await remote.get(`${cm}/shared`)).data.k, 'w', 'the stored object is untouched');
  });

  it('stream plain answers as text, and fail a missing resource with the same KubeApiError as HTTPS', async () => {
    const read = async (client: ApiClient, path: string) => {
      let text = '';
      const s = client.stream(path, {}, (chunk) => (text += chunk));
      const err = await s.done.then(
        () => undefined,
        (e) => e,
      );
      return { text, err };
    };
    const viaLocal = await read(local, `${cm}/shared`);
    const viaHttps = await read(remote, `${cm}/shared`);
    assert.strictEqual(viaLocal.err, undefined);
    assert.deepStrictEqual(JSON.parse(viaLocal.text), JSON.parse(viaHttps.text));
    const missing = await read(local, '/api/v1/namespaces/default/pods/none/log');
    const missingHttps = await read(remote, '/api/v1/namespaces/default/pods/none/log');
    assert.ok(missing.err instanceof KubeApiError, String(missing.err));
    assert.strictEqual(missing.err.status, 404);
    assert.strictEqual(missing.err.reason, 'NotFound');
    assert.strictEqual(missing.err.message, missingHttps.err.message);
  });
});
