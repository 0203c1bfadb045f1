// The controller kit's claim manager (ControllerRefManager) against a real embedded cluster: an owner adopts
// the orphans it matches, releases what it controls but no longer matches, leaves other controllers' objects
// alone, adopts nothing once the fresh read shows it deleted or replaced, and a stale cache cannot win.
// The owner is a ConfigMap claiming Secrets: no controller of the cluster manages either kind, so every write
// seen here is claimObjects' own. Every owner reference points at a live ConfigMap, so the garbage collector
// leaves the Secrets alone too.
import * as assert from 'assert';
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import type { KubeObject, OwnerReference } from '../../kube/objects';
import { ApiClient } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { claimObjects, controllerRef, recheckOwner } from '../../cluster/controllers/kit/claims';
import { startTestCluster, TestCluster } from '../helpers/testCluster';

const CONFIGMAP = { apiVersion: 'v1', kind: 'ConfigMap' };
/** keeps a deleted owner readable, with its deletionTimestamp set */
const HOLD = 'slipway.test/hold';

describe('controller kit: claim manager', function () {
  this.timeout(30_000);
  let t: TestCluster;
  let client: ApiClient;
  let namespaces = 0;

  before(async () => {
    // no nodes: no kubelets, and nothing but the test writes ConfigMaps or Secrets
    t = await startTestCluster({ nodes: 0 });
    client = ApiClient.forCluster({ server: t.cluster.url, token: t.cluster.token, ca: t.cluster.caCert });
  });
  after(async () => {
    client?.close();
    await t?.stop();
  });

  /** A fresh namespace per test, with an owner ConfigMap "web" and a claim over its Secrets labelled app=web. */
  async function setup(ownerMeta: ObjectMeta = {}) {
    const ns = `claims-${++namespaces}`;
    await client.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    const ownerPath = `/api/v1/namespaces/${ns}/configmaps/web`;
    const secretPath = (name?: string) => `/api/v1/namespaces/${ns}/secrets/${name}`;
    const createOwner = (name: string, meta: ObjectMeta = {}): Promise<KubeObject> =>
      client.create(`/api/v1/namespaces/${ns}/configmaps`, { ...CONFIGMAP, metadata: { name, ...meta } });
    const secret = (name: string, app: string, refs?: OwnerReference[]): Promise<KubeObject> =>
      client.create(`/api/v1/namespaces/${ns}/secrets`, {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name, labels: { app }, ownerReferences: refs },
      });
    const read = (name: string): Promise<KubeObject> => client.get(secretPath(name));
    const cached = await createOwner('web', ownerMeta);
    const ref = controllerRef(cached, CONFIGMAP);
    const claim = (objs: KubeObject[], owner = cached) =>
      claimObjects(objs, {
        client,
        owner,
        ownerRef: ref,
        matches: (o) => o.metadata.labels?.app === 'web',
        path: (o) => secretPath(o.metadata.name),
        canAdopt: recheckOwner(client, ownerPath, cached.metadata.uid),
      });
    return { ns, ownerPath, cached, ref, createOwner, secret, read, claim };
  }

  const names = (objs: KubeObject[]) => objs.map((o) => o.metadata.name).sort();
  const rv = (o: KubeObject) => o.metadata.resourceVersion;

  it('adopts matching orphans, keeps its matching objects, releases the rest and leaves others alone', async () => {
    const { ref, createOwner, secret, read, claim } = await setup();
    const other = controllerRef(await createOwner('other'), CONFIGMAP);
    const objs = [
      await secret('orphan', 'web'),
      await secret('mine', 'web', [ref]),
      await secret('relabelled', 'db', [ref]),
      await secret('theirs', 'web', [other]),
      await secret('stranger', 'db'),
    ];
    const before = new Map(objs.map((o) => [o.metadata.name, rv(o)]));
    const claimed = await claim(objs);
    assert.deepStrictEqual(names(claimed), ['mine', 'orphan']);

    const orphan = await read('orphan');
    assert.deepStrictEqual(orphan.metadata.ownerReferences, [ref], 'adopted: controller reference stored');
    assert.strictEqual(rv(claimed.find((o) => o.metadata.name === 'orphan')!), rv(orphan), 'returns what was written');
    const released = await read('relabelled');
    assert.strictEqual(released.metadata.ownerReferences, undefined, 'released: no reference left');
    assert.deepStrictEqual((await read('theirs')).metadata.ownerReferences, [other]);

    // one adoption and one release, nothing else written
    for (const name of ['orphan', 'relabelled']) assert.notStrictEqual(rv(await read(name)), before.get(name), name);
    for (const name of ['mine', 'theirs', 'stranger']) assert.strictEqual(rv(await read(name)), before.get(name), name);
  });

  it('adopts nothing once a fresh read shows the owner deleted or replaced by a namesake', async () => {
    const changes: Record<string, (s: Awaited<ReturnType<typeof setup>>) => Promise<unknown>> = {
      // the finalizer keeps the owner readable with its deletionTimestamp set
      'being deleted': (s) => client.delete(s.ownerPath),
      'replaced by a namesake': async (s) => {
        await client.delete(s.ownerPath);
        const fresh = await s.createOwner('web');
        assert.notStrictEqual(fresh.metadata.uid, s.cached.metadata.uid, 'a namesake has a new uid');
      },
      gone: (s) => client.delete(s.ownerPath),
    };
    for (const [what, change] of Object.entries(changes)) {
      const s = await setup(what === 'being deleted' ? { finalizers: [HOLD] } : {});
      const orphan = await s.secret('orphan', 'web');
      await change(s);
      if (what === 'being deleted') assert.ok((await client.get(s.ownerPath)).metadata.deletionTimestamp);
      assert.deepStrictEqual(await s.claim([orphan]), [], `${what}: no adoption, no error`);
      const left = await s.read('orphan');
      assert.strictEqual(left.metadata.ownerReferences, undefined, what);
      assert.strictEqual(rv(left), rv(orphan), `${what}: not written`);
    }
  });

  it('an owner being deleted keeps what it has and adopts nothing', async () => {
    const { ownerPath, ref, secret, read, claim } = await setup({ finalizers: [HOLD] });
    const objs = [await secret('orphan', 'web'), await secret('relabelled', 'db', [ref])];
    await client.delete(ownerPath);
    const deleting: KubeObject = await client.get(ownerPath);
    assert.ok(deleting.metadata.deletionTimestamp, 'the owner as the cache would show it: being deleted');
    assert.deepStrictEqual(await claim(objs, deleting), []);
    const [orphan, relabelled] = [await read('orphan'), await read('relabelled')];
    assert.strictEqual(orphan.metadata.ownerReferences, undefined);
    assert.deepStrictEqual(relabelled.metadata.ownerReferences, [ref], 'kept while its owner is being deleted');
    assert.deepStrictEqual([rv(orphan), rv(relabelled)], objs.map(rv), 'nothing written');
  });

  it('refuses to write over a newer version than the cache showed, and skips objects already gone', async () => {
    const { ns, secret, read, claim } = await setup();
    const stale = await secret('orphan', 'web');
    const touch = { metadata: { labels: { touched: 'yes' } } };
    const touched = await client.patch(`/api/v1/namespaces/${ns}/secrets/orphan`, touch);
    assert.notStrictEqual(rv(touched), rv(stale));
    await assert.rejects(claim([stale]), (e: unknown) => e instanceof KubeApiError && e.status === 422);
    const left = await read('orphan');
    assert.strictEqual(left.metadata.ownerReferences, undefined);
    assert.strictEqual(rv(left), rv(touched), 'the newer version stands');

    const gone: KubeObject = { ...stale, metadata: { ...stale.metadata, name: 'gone', uid: 'never-created' } };
    assert.deepStrictEqual(await claim([gone]), [], 'a 404 on adoption is not an error');
  });
});
