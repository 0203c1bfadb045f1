// @kubernetes/client-node, the client the syncer and extension use, against the embedded API server.
import * as assert from 'assert';
import * as k8s from '@kubernetes/client-node';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

describe('@kubernetes/client-node against the embedded cluster', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let kc: k8s.KubeConfig;

  before(async () => {
    t = await startTestCluster();
    kc = new k8s.KubeConfig();
    kc.loadFromFile(t.cluster.kubeconfig);
  });
  after(async () => t?.stop());

  it('lists the default namespaces with typed clients', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const list = await core.listNamespace();
    const names = list.items.map((n) => n.metadata!.name).sort();
    assert.deepStrictEqual(names, ['default', 'kube-node-lease', 'kube-public', 'kube-system']);
    assert.strictEqual(list.items[0].status?.phase, 'Active');
  });

  it('creates a Deployment with defaults, and replaces with a stale resourceVersion → 409', async () => {
    const apps = kc.makeApiClient(k8s.AppsV1Api);
    const created = await apps.createNamespacedDeployment({
      namespace: 'default',
      body: {
        metadata: { name: 'api' },
        spec: {
          selector: { matchLabels: { app: 'api' } },
          template: {
            metadata: { labels: { app: 'api' } },
            spec: { containers: [{ name: 'api', image: 'example/api:1.0' }] },
          },
        },
      },
    });
    assert.strictEqual(created.spec?.replicas, 1, 'defaulted');
    assert.strictEqual(created.spec?.strategy?.type, 'RollingUpdate');
    // a ConfigMap, which no controller writes, so the only writer between read and replace is the test
    const core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'replaced' }, data: { v: '1' } },
    });
    const read = await core.readNamespacedConfigMap({ name: 'replaced', namespace: 'default' });
    read.data = { v: '2' };
    const updated = await core.replaceNamespacedConfigMap({ name: 'replaced', namespace: 'default', body: read });
    assert.strictEqual(updated.data?.v, '2');
    assert.ok(Number(updated.metadata!.resourceVersion) > Number(read.metadata!.resourceVersion));
    await assert.rejects(
      core.replaceNamespacedConfigMap({ name: 'replaced', namespace: 'default', body: read }),
      (e: any) => e.code === 409,
    );
    await apps.deleteNamespacedDeployment({ name: 'api', namespace: 'default' });
    await eventually(
      async () => {
        try {
          await apps.readNamespacedDeployment({ name: 'api', namespace: 'default' });
          return false;
        } catch (e: any) {
          return e.code === 404;
        }
      },
      10_000,
      'deployment deleted',
    );
  });

  it('applies server-side with KubernetesObjectApi', async () => {
    const objects = k8s.KubernetesObjectApi.makeApiClient(kc);
    const cm = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'ssa', namespace: 'default' },
      data: { a: '1', b: '2' },
    };
    await objects.patch(cm, undefined, undefined, 'slipway', true, k8s.PatchStrategy.ServerSideApply);
    const second = await objects.patch(
      { ...cm, data: { a: '1' } },
      undefined,
      undefined,
      'slipway',
      true,
      k8s.PatchStrategy.ServerSideApply,
    );
    assert.deepStrictEqual((second as any).data, { a: '1' }, 'a field the manager stopped applying is removed');
    const managers = ((second as any).metadata?.managedFields ?? []).map((m: any) => `${m.manager}/${m.operation}`);
    assert.ok(managers.includes('slipway/Apply'), managers.join(','));
  });

  it('watches with k8s.Watch and sees ADDED, MODIFIED and DELETED', async () => {
    const core = kc.makeApiClient(k8s.CoreV1Api);
    const seen: string[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch(
      '/api/v1/namespaces/default/configmaps',
      { labelSelector: 'watched=yes' },
      (type, obj) => seen.push(`${type} ${obj.metadata.name}`),
      () => undefined,
    );
    await new Promise((r) => setTimeout(r, 100));
    await core.createNamespacedConfigMap({
      namespace: 'default',
      body: { metadata: { name: 'w', labels: { watched: 'yes' } }, data: { x: '1' } },
    });
    await core.patchNamespacedConfigMap(
      { name: 'w', namespace: 'default', body: { data: { x: '2' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await core.deleteNamespacedConfigMap({ name: 'w', namespace: 'default' });
    await eventually(() => seen.length >= 3, 5000, 'three watch events');
    req.abort();
    assert.deepStrictEqual(seen, ['ADDED w', 'MODIFIED w', 'DELETED w']);
  });
});
