// The Cluster view's model against the real embedded cluster: what a user sees in the tree, that it follows the
// cluster by itself (and refreshes only what changed), pins, describe and the actions' effects seen with kubectl.
import * as assert from 'assert';
import { ApiClient } from '../../kubeclient/apiClient';
import { connectionOver, type ClusterConnection } from '../../client/connection/clusterConnection';
import { ClusterTreeModel, type PinStore, type TreeChange } from '../../client/cluster/clusterTreeModel';
import { describeObject } from '../../client/cluster/describe';
import { deleteObject, restartRollout, RESTARTED_AT, scale, undoRollout } from '../../client/cluster/objectActions';
import type { TreeNode } from '../../client/cluster/treeNode';
import { eventually, startTestCluster, type TestCluster } from '../helpers/testCluster';

const SHOP = `
apiVersion: v1
kind: Namespace
metadata: {name: shop}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: 'nginx:1.27'}]}
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec: {selector: {app: web}, ports: [{port: 80}]}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {greeting: hello}
---
apiVersion: v1
kind: Secret
metadata: {name: db, namespace: shop}
stringData: {password: hunter2-very-secret}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: shop}
spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}}
`;

/** Pins kept in memory, as VS Code's workspaceState keeps them for the extension. */
class MemoryPins implements PinStore {
  pins: readonly string[] = [];
  get(): readonly string[] {
    return this.pins;
  }
  set(p: readonly string[]): void {
    this.pins = p;
  }
}

describe('Cluster view model against the embedded cluster', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let api: ApiClient;
  let connection: ClusterConnection;
  let model: ClusterTreeModel;
  let pins: MemoryPins;
  const changes: TreeChange[] = [];

  const labels = (nodes: TreeNode[]) => nodes.map((n) => n.label);
  const child = (nodes: TreeNode[], label: string) => {
    const n = nodes.find((x) => x.label === label);
    assert.ok(n, `no "${label}" among ${labels(nodes).join(', ')}`);
    return n;
  };
  const shop = () => child(model.children(), 'shop');
  const group = (title: string) => child(model.children(shop()), title);
  const running = (nodes: TreeNode[]) => nodes.filter((p) => p.description?.startsWith('Running · 1/1'));

  before(async () => {
    t = await startTestCluster({ nodes: 2 });
    api = ApiClient.forCluster({ server: t.cluster.url, token: t.cluster.token, ca: t.cluster.caCert });
    connection = connectionOver(api, 'test');
    pins = new MemoryPins();
    model = new ClusterTreeModel(connection, pins);
    model.onDidChange((c) => changes.push(c));
    await t.apply(SHOP);
  });
  after(async () => {
    model?.dispose();
    connection?.close();
    api?.close();
    await t?.stop();
  });

  it('lists namespaces, then nodes and events; a namespace holds its kinds in order, pods with READY', async () => {
    model.children();
    await model.synced();
    await eventually(() => model.children().some((n) => n.label === 'shop'), 10_000, 'namespace shop');
    const root = labels(model.children());
    assert.deepStrictEqual(root.slice(-2), ['Nodes', 'Events']);
    for (const ns of ['default', 'kube-system', 'shop']) assert.ok(root.includes(ns), root.join(', '));
    model.children(shop());
    await model.synced();
    await eventually(() => running(model.children(group('Pods'))).length === 2, 20_000, 'two web pods running');
    assert.deepStrictEqual(labels(model.children(shop())), [
      'Deployments',
      'Services',
      'ConfigMaps',
      'Secrets',
      'PersistentVolumeClaims',
      'Pods',
    ]);
    const pods = model.children(group('Pods'));
    assert.ok(pods.every((p) => p.label.startsWith('web-')));
    assert.strictEqual(pods[0].description, 'Running · 1/1 · 0 restarts');
    assert.deepStrictEqual(pods[0].icon, { id: 'pass', color: 'charts.green' });
    assert.match(pods[0].contextValue!, /\blogs\b/);
    const web = child(model.children(group('Deployments')), 'web');
    await eventually(() => web.description === '2/2 ready', 10_000, 'deployment 2/2 ready');
    assert.match(web.contextValue!, /\bscale\b.*\bundo\b|\bundo\b.*\bscale\b/);
    const nodes = model.children(child(model.children(), 'Nodes'));
    assert.deepStrictEqual(labels(nodes), ['slipway-worker', 'slipway-worker2']);
    assert.match(nodes[0].description!, /^Ready · slipway-a · v1\.34\.0$/);
  });

  it('never shows a Secret value', async () => {
    const secret = child(model.children(group('Secrets')), 'db');
    assert.strictEqual(secret.description, 'Opaque · 1 key');
    const described = await describeObject(connection, secret.ref!);
    const encoded = Buffer.from('hunter2-very-secret').toString('base64');
    for (const text of [secret.tooltip!, secret.description!, described]) {
      assert.ok(!text.includes('hunter2') && !text.includes(encoded), text);
    }
    assert.match(described, /password: <19 bytes hidden>/);
  });

  it("refreshes only a changed pod's element, and a group when a pod comes or goes", async () => {
    await model.synced();
    const pods = model.children(group('Pods'));
    const pod = pods[0];
    changes.length = 0;
    await api.patch(`/api/v1/namespaces/shop/pods/${pod.label}`, { metadata: { labels: { touched: 'yes' } } });
    // the pod's own element, or (when a pod of an earlier test came or went meanwhile, or the namespace changed)
    // its group or its namespace: never the whole tree
    const podOrGroup = (c: TreeChange) =>
      !!c?.some((e) => e.label === pod.label || e.label === 'Pods' || e.label === 'shop');
    await eventually(() => changes.some(podOrGroup), 15_000, "the pod's element refreshed");
    assert.ok(!changes.includes(undefined), 'a pod change must not refresh the whole tree');
    // a pod that goes is replaced by the ReplicaSet: the Pods group is refreshed, with the new pod in it
    changes.length = 0;
    const other = pods[1];
    await api.delete(`/api/v1/namespaces/shop/pods/${other.label}`, { gracePeriodSeconds: 0 });
    const podsGroup = group('Pods');
    await eventually(() => changes.some((c) => c?.includes(podsGroup)), 15_000, 'the Pods group refreshed');
    await eventually(
      () => !labels(model.children(podsGroup)).includes(other.label) && running(model.children(podsGroup)).length >= 1,
      20_000,
      'the deleted pod gone from the group',
    );
    assert.ok(!changes.includes(undefined));
  });

  it('lists warnings first among events', async () => {
    await t.apply(`
apiVersion: v1
kind: Pod
metadata: {name: broken, namespace: shop, annotations: {sim.slipway.dev/image-pull: fail}}
spec: {containers: [{name: app, image: 'nginx:9.99'}]}
`);
    const events = child(model.children(), 'Events');
    await eventually(
      () =>
        model.children(events)[0]?.label === 'Failed: pod/broken' ||
        model.children(events)[0]?.label === 'BackOff: pod/broken',
      20_000,
      'the pull failure listed first',
    );
    const items = model.children(events);
    assert.strictEqual(items[0].icon?.id, 'warning');
    assert.ok(
      items.some((e) => e.icon?.id === 'info'),
      'normal events listed after the warnings',
    );
    assert.match(events.description!, /\d+ warnings?/);
    const broken = child(model.children(group('Pods')), 'broken');
    await eventually(() => /ErrImagePull|ImagePullBackOff/.test(broken.description ?? ''), 10_000, 'pull error shown');
    assert.strictEqual(broken.icon?.color, 'charts.red');
    const described = await describeObject(connection, broken.ref!);
    assert.match(described, /^# pod\/broken in namespace shop\n/);
    assert.match(described, /# Events:\n#   TYPE +REASON/);
    assert.match(described, /#   Warning +Failed .*nginx:9\.99/);
  });

  it('pins a namespace and a workload to the top', async () => {
    await model.setPinned(shop(), true);
    const web = child(model.children(group('Deployments')), 'web');
    await model.setPinned(web, true);
    const root = model.children();
    assert.deepStrictEqual(labels(root.slice(0, 2)), ['shop', 'deployment/web']);
    assert.strictEqual(root.filter((n) => n.label === 'shop').length, 1);
    assert.deepStrictEqual(pins.get(), ['ns:shop', 'ns:shop/deployments/web']);
    assert.match(root[0].contextValue!, /\bunpin\b/);
    assert.strictEqual(root[0].icon?.id, 'pinned');
    await model.setPinned(root[1], false);
    assert.deepStrictEqual(labels(model.children()).slice(0, 1), ['shop']);
    assert.ok(!labels(model.children()).includes('deployment/web'));
    await model.setPinned(root[0], false);
    assert.deepStrictEqual(pins.get(), []);
  });

  it('scales, restarts and undoes a rollout, and deletes, as kubectl then shows', async () => {
    const web = child(model.children(group('Deployments')), 'web');
    await scale(api, web.ref!, 3);
    await eventually(() => web.description === '3/3 ready', 20_000, 'the tree showing 3/3 ready');
    assert.strictEqual((await t.json(['get', 'deploy', 'web', '-n', 'shop'])).spec.replicas, 3);

    await restartRollout(api, web.ref!, new Date('2026-12-06T07:00:00.123Z'));
    const restarted = await t.json(['get', 'deploy', 'web', '-n', 'shop']);
    assert.strictEqual(restarted.spec.template.metadata.annotations[RESTARTED_AT], '2026-12-06T07:00:00Z');
    await t.ok(['rollout', 'status', 'deploy/web', '-n', 'shop', '--timeout=30s']);

    await t.ok(['set', 'image', 'deploy/web', 'web=nginx:1.28', '-n', 'shop']);
    await t.ok(['rollout', 'status', 'deploy/web', '-n', 'shop', '--timeout=30s']);
    const revision = await undoRollout(api, web.ref!);
    assert.strictEqual(revision, 2);
    const undone = await t.json(['get', 'deploy', 'web', '-n', 'shop']);
    assert.strictEqual(undone.spec.template.spec.containers[0].image, 'nginx:1.27');
    assert.strictEqual(undone.spec.template.metadata.annotations[RESTARTED_AT], '2026-12-06T07:00:00Z');
    await t.ok(['rollout', 'status', 'deploy/web', '-n', 'shop', '--timeout=30s']);
    const history = await t.ok(['rollout', 'history', 'deploy/web', '-n', 'shop']);
    assert.match(history, /^4 /m);

    const cm = child(model.children(group('ConfigMaps')), 'settings');
    await deleteObject(api, cm.ref!);
    // the namespace keeps the cluster's kube-root-ca.crt, so the group stays with that one
    await eventually(
      () => labels(model.children(group('ConfigMaps'))).join() === 'kube-root-ca.crt',
      10_000,
      'settings gone from ConfigMaps',
    );
    assert.strictEqual((await t.kubectl(['get', 'configmap', 'settings', '-n', 'shop'])).code, 1);
  });

  it('says why a rollout cannot be undone', async () => {
    await t.apply(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: fresh, namespace: shop}
spec:
  selector: {matchLabels: {app: fresh}}
  template:
    metadata: {labels: {app: fresh}}
    spec: {containers: [{name: app, image: 'nginx:1.27'}]}
`);
    const fresh = await eventually(
      () => model.children(group('Deployments')).find((d) => d.label === 'fresh'),
      10_000,
      'deployment fresh listed',
    );
    await eventually(async () => (await t.json(['get', 'rs', '-n', 'shop', '-l', 'app=fresh'])).items.length, 10_000);
    await assert.rejects(undoRollout(api, fresh!.ref!), /deployment fresh has no earlier revision to go back to/);
  });
});
