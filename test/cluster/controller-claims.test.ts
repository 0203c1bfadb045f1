// The controller kit's claim manager (ControllerRefManager) against a small in-memory API: an owner adopts
// the orphans it matches, releases what it controls but no longer matches, leaves other controllers' objects
// alone, adopts nothing once the fresh read shows it deleted or replaced, and a stale cache cannot win.
import * as assert from 'assert';
import type { KubeObject, OwnerReference } from '../../kube/objects';
import { ApiClient } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { claimObjects, recheckOwner } from '../../cluster/controllers/kit/claims';

type Op = { op: string; path: string; value?: unknown };

/** Objects by path; PATCH takes the JSON patches the claim manager sends, with their test preconditions. */
class MemoryApi {
  readonly objects = new Map<string, KubeObject>();
  patches = 0;
  private rv = 100;

  put(path: string, obj: KubeObject): KubeObject {
    const stored = { ...obj, metadata: { ...obj.metadata, resourceVersion: String(++this.rv) } };
    this.objects.set(path, stored);
    return stored;
  }

  client(): ApiClient {
    const api = this;
    return {
      async get(path: string) {
        const o = api.objects.get(path);
        if (!o) throw new KubeApiError(404, { message: `${path} not found` });
        return o;
      },
      async patch(path: string, ops: Op[], type: string) {
        assert.strictEqual(type, 'json');
        api.patches++;
        const o = api.objects.get(path);
        if (!o) throw new KubeApiError(404, { message: `${path} not found` });
        const meta: Record<string, unknown> = { ...o.metadata };
        for (const op of ops) {
          const field = op.path.replace('/metadata/', '');
          if (op.op === 'test' && meta[field] !== op.value) {
            throw new KubeApiError(422, { message: `test ${op.path} failed` });
          }
          if (op.op === 'add') meta[field] = op.value;
          if (op.op === 'remove') delete meta[field];
        }
        return api.put(path, { ...o, metadata: meta });
      },
    } as unknown as ApiClient;
  }
}

const OWNER_PATH = '/apis/apps/v1/namespaces/ns/replicasets/web';
const podPath = (name?: string) => `/api/v1/namespaces/ns/pods/${name}`;

function owner(extra: Partial<KubeObject['metadata']> = {}): KubeObject {
  const metadata = { name: 'web', namespace: 'ns', uid: 'rs-1', ...extra };
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata };
}

function ref(uid: string): OwnerReference {
  return { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid, controller: true, blockOwnerDeletion: true };
}

function pod(name: string, app: string, refs?: OwnerReference[]): KubeObject {
  const metadata = { name, namespace: 'ns', uid: `uid-${name}`, labels: { app }, ownerReferences: refs };
  return { apiVersion: 'v1', kind: 'Pod', metadata };
}

function setup(rsMeta: Partial<KubeObject['metadata']> = {}) {
  const api = new MemoryApi();
  const rs = api.put(OWNER_PATH, owner(rsMeta));
  const client = api.client();
  const claim = (objs: KubeObject[]) => claimObjects(objs, {
    client,
    owner: rs,
    ownerRef: ref('rs-1'),
    matches: (o) => o.metadata.labels?.app === 'web',
    path: (o) => podPath(o.metadata.name),
    canAdopt: recheckOwner(client, OWNER_PATH, 'rs-1'),
  });
  return { api, rs, claim };
}

describe('controller kit: claim manager', () => {
  it('adopts matching orphans, keeps its matching pods, releases the rest and leaves others alone', async () => {
    const { api, claim } = setup();
    const objs = [
      api.put(podPath('orphan'), pod('orphan', 'web')),
      api.put(podPath('mine'), pod('mine', 'web', [ref('rs-1')])),
      api.put(podPath('relabelled'), pod('relabelled', 'db', [ref('rs-1')])),
      api.put(podPath('theirs'), pod('theirs', 'web', [ref('other')])),
      api.put(podPath('stranger'), pod('stranger', 'db')),
    ];
    const claimed = await claim(objs);
    assert.deepStrictEqual(claimed.map((o) => o.metadata.name).sort(), ['mine', 'orphan']);
    assert.deepStrictEqual(api.objects.get(podPath('orphan'))!.metadata.ownerReferences, [ref('rs-1')]);
    const released = api.objects.get(podPath('relabelled'))!;
    assert.strictEqual(released.metadata.ownerReferences, undefined, 'released: no reference left');
    assert.deepStrictEqual(api.objects.get(podPath('theirs'))!.metadata.ownerReferences, [ref('other')]);
    assert.strictEqual(api.patches, 2, 'one adoption and one release, nothing else written');
  });

  it('adopts nothing once a fresh read shows the owner deleted or replaced by a namesake', async () => {
    for (const change of [{ deletionTimestamp: '2026-01-01T00:00:00Z' }, { uid: 'rs-2' }]) {
      const { api, rs, claim } = setup();
      const orphan = api.put(podPath('orphan'), pod('orphan', 'web'));
      api.put(OWNER_PATH, { ...rs, metadata: { ...rs.metadata, ...change } });
      assert.deepStrictEqual(await claim([orphan]), []);
      const left = api.objects.get(podPath('orphan'))!;
      assert.strictEqual(left.metadata.ownerReferences, undefined, JSON.stringify(change));
    }
    const { api, claim } = setup();
    const orphan = api.put(podPath('orphan'), pod('orphan', 'web'));
    api.objects.delete(OWNER_PATH);
    assert.deepStrictEqual(await claim([orphan]), [], 'owner gone: no adoption, no error');
  });

  it('an owner being deleted keeps what it has and adopts nothing', async () => {
    const { api, claim } = setup({ deletionTimestamp: '2026-01-01T00:00:00Z' });
    const objs = [
      api.put(podPath('orphan'), pod('orphan', 'web')),
      api.put(podPath('relabelled'), pod('relabelled', 'db', [ref('rs-1')])),
    ];
    assert.deepStrictEqual(await claim(objs), []);
    assert.strictEqual(api.patches, 0);
  });

  it('refuses to write over a newer version than the cache showed, and skips objects already gone', async () => {
    const { api, claim } = setup();
    const stale = api.put(podPath('orphan'), pod('orphan', 'web'));
    api.put(podPath('orphan'), { ...stale, metadata: { ...stale.metadata, labels: { app: 'web', touched: 'yes' } } });
    await assert.rejects(claim([stale]), (e: unknown) => e instanceof KubeApiError && e.status === 422);
    assert.strictEqual(api.objects.get(podPath('orphan'))!.metadata.ownerReferences, undefined);
    const gone = pod('gone', 'web');
    assert.deepStrictEqual(await claim([gone]), [], 'a 404 on adoption is not an error');
  });
});
