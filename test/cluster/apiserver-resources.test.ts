// Kinds and subresources served as kube-apiserver serves them, through kubectl: PodTemplates, RuntimeClasses,
// PriorityClasses (the system ones, and pods' priority set at admission), pods/eviction (`kubectl drain`), and the
// connect subresources in discovery.
import * as assert from 'assert';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

describe('API server resources: templates, runtime and priority classes, eviction', function () {
  this.timeout(60_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 1 });
  });
  after(async () => t?.stop());

  it('serves PodTemplates and RuntimeClasses', async () => {
    await t.apply(`
apiVersion: v1
kind: PodTemplate
metadata: {name: tpl, namespace: default}
template:
  spec: {containers: [{name: app, image: nginx:1.27}]}
---
apiVersion: node.k8s.io/v1
kind: RuntimeClass
metadata: {name: gvisor}
handler: runsc
`);
    assert.strictEqual((await t.json(['get', 'podtemplate', 'tpl'])).template.spec.containers[0].image, 'nginx:1.27');
    assert.strictEqual((await t.json(['get', 'runtimeclass', 'gvisor'])).handler, 'runsc');
    const resources = await t.ok(['api-resources', '--api-group=node.k8s.io', '-o', 'name']);
    assert.strictEqual(resources.trim(), 'runtimeclasses.node.k8s.io');
  });

  it('has the system PriorityClasses and sets pods priority from their class at admission', async () => {
    const classes = await t.json(['get', 'priorityclasses']);
    assert.deepStrictEqual(
      classes.items.map((c: { metadata: { name: string }; value: number }) => [c.metadata.name, c.value]),
      [
        ['system-cluster-critical', 2000000000],
        ['system-node-critical', 2000001000],
      ],
    );
    const del = await t.kubectl(['delete', 'priorityclass', 'system-node-critical']);
    assert.notStrictEqual(del.code, 0);
    assert.match(del.stderr, /cannot delete built-in priority class/);
    await t.apply(`
apiVersion: scheduling.k8s.io/v1
kind: PriorityClass
metadata: {name: high}
value: 1000
preemptionPolicy: Never
---
apiVersion: v1
kind: Pod
metadata: {name: important, namespace: default}
spec:
  priorityClassName: high
  containers: [{name: app, image: nginx:1.27}]
---
apiVersion: v1
kind: Pod
metadata: {name: ordinary, namespace: default}
spec:
  containers: [{name: app, image: nginx:1.27}]
`);
    const important = await t.json(['get', 'pod', 'important']);
    assert.strictEqual(important.spec.priority, 1000);
    assert.strictEqual(important.spec.preemptionPolicy, 'Never');
    assert.strictEqual((await t.json(['get', 'pod', 'ordinary'])).spec.priority, 0);
    const missing = await t.kubectl([
      'run',
      'lost',
      '--image=nginx:1.27',
      '--overrides',
      '{"spec":{"priorityClassName":"nope"}}',
    ]);
    assert.notStrictEqual(missing.code, 0);
    assert.match(missing.stderr, /no PriorityClass with name nope was found/);
  });

  it('kubectl drain evicts the pods of a node through pods/eviction', async () => {
    const node = (await t.json(['get', 'nodes'])).items[0].metadata.name;
    await eventually(
      async () => (await t.json(['get', 'pod', 'ordinary'])).spec.nodeName === node,
      10_000,
      'scheduled',
    );
    const r = await t.kubectl(['drain', node, '--force', '--timeout=30s'], { timeoutMs: 40_000 });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /evicting pod default\/ordinary|pod\/ordinary evicted/);
    assert.match(r.stdout, /node\/\S+ drained/);
    const left = await t.json(['get', 'pods']);
    assert.deepStrictEqual(left.items, []);
    const wrong = await t.request('POST', '/api/v1/namespaces/default/pods/x/eviction', {
      apiVersion: 'policy/v1',
      kind: 'Eviction',
      metadata: { name: 'y' },
    });
    assert.strictEqual(wrong.status, 400, wrong.text);
  });

  it("lists the connect subresources (pods' exec, attach, portforward, proxy) in discovery as kube-apiserver", async () => {
    type Listed = { name: string; kind: string; verbs: string[] };
    const v1 = (await t.request('GET', '/api/v1')).body as { resources: Listed[] };
    const listed = (name: string) => v1.resources.find((r) => r.name === name);
    const names = ['pods/attach', 'pods/exec', 'pods/portforward', 'pods/proxy', 'services/proxy', 'nodes/proxy'];
    const proxyVerbs = ['create', 'delete', 'get', 'patch', 'update'];
    assert.deepStrictEqual(
      [...names, 'namespaces/finalize'].map((n) => [n, listed(n)?.kind, listed(n)?.verbs]),
      [
        ['pods/attach', 'PodAttachOptions', ['create', 'get']],
        ['pods/exec', 'PodExecOptions', ['create', 'get']],
        ['pods/portforward', 'PodPortForwardOptions', ['create', 'get']],
        ['pods/proxy', 'PodProxyOptions', proxyVerbs],
        ['services/proxy', 'ServiceProxyOptions', proxyVerbs],
        ['nodes/proxy', 'NodeProxyOptions', proxyVerbs],
        ['namespaces/finalize', 'Namespace', ['update']],
      ],
    );
    const aggregated = await t.request('GET', '/api', undefined, {
      Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList',
    });
    const pods = aggregated.body.items[0].versions[0].resources.find(
      (r: { resource: string }) => r.resource === 'pods',
    );
    assert.deepStrictEqual(
      pods.subresources.map((s: { subresource: string }) => s.subresource),
      ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'status'],
    );
    // kubectl api-resources lists the resources alone
    const resources = (await t.ok(['api-resources', '--api-group=', '-o', 'name'])).trim().split('\n');
    assert.ok(resources.includes('pods'), resources.join(' '));
    assert.deepStrictEqual(
      resources.filter((r) => r.includes('/')),
      [],
    );
    // and RBAC decides on them by name: exec granted, attach not
    await t.apply(`
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: exec-only, namespace: default}
rules: [{apiGroups: [""], resources: [pods/exec], verbs: [create]}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: exec-only, namespace: default}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: exec-only}
subjects: [{kind: User, name: jane, apiGroup: rbac.authorization.k8s.io}]
`);
    // (kubectl reads `pods/exec` as the pod named exec: a subresource is asked for with --subresource)
    const canI = async (subresource: string) => {
      const r = await t.kubectl(['auth', 'can-i', 'create', 'pods', `--subresource=${subresource}`, '--as', 'jane']);
      return `${r.stdout.trim()}${r.stderr.trim()}`;
    };
    // the authorizer reads roles from its informers, which see the new ones a moment later
    await eventually(async () => (await canI('exec')) === 'yes', 10_000, 'create pods/exec allowed');
    assert.strictEqual(await canI('attach'), 'no');
  });

  it('serves the mandatory flow-control configuration', async () => {
    const schemas = await t.json(['get', 'flowschemas']);
    assert.deepStrictEqual(
      schemas.items.map((f: { metadata: { name: string }; spec: { matchingPrecedence: number } }) => [
        f.metadata.name,
        f.spec.matchingPrecedence,
      ]),
      [
        ['catch-all', 10000],
        ['exempt', 1],
      ],
    );
    const levels = await t.json(['get', 'prioritylevelconfigurations']);
    assert.deepStrictEqual(
      levels.items.map(
        (l: { metadata: { name: string }; spec: { type: string } }) => `${l.metadata.name}:${l.spec.type}`,
      ),
      ['catch-all:Limited', 'exempt:Exempt'],
    );
  });
});
