// The real kubectl on the PATH against the embedded API server.
import * as assert from 'assert';
import * as https from 'https';
import { parse as parseYaml } from 'yaml';
import { widgetCrd } from '../helpers/manifests';
import { startTestCluster, TestCluster, SAMPLE_DIR, eventually } from '../helpers/testCluster';

function request(
  url: string,
  ca: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca, headers }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
  });
}

const CONFIGMAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: default
data:
  color: blue
`;

describe('kubectl against the embedded cluster', function () {
  this.timeout(120_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster();
  });
  after(async () => {
    await t?.stop();
  });

  it('applies the sample client-side, and a second apply changes nothing', async () => {
    const r = await t.kubectl(['apply', '-f', SAMPLE_DIR]);
    assert.strictEqual(r.code, 0, r.stderr);
    for (const line of [
      'namespace/guestbook created',
      'configmap/guestbook-config created',
      'secret/redis-auth created',
      'deployment.apps/frontend created',
      'service/frontend created',
      'ingress.networking.k8s.io/frontend created',
    ]) {
      assert.ok(r.stdout.includes(line), `missing "${line}" in:\n${r.stdout}`);
    }
    assert.strictEqual(r.stderr.trim(), '', 'apply printed warnings');
    const again = await t.kubectl(['apply', '-f', SAMPLE_DIR]);
    assert.strictEqual(again.code, 0, again.stderr);
    assert.ok(again.stdout.includes('deployment.apps/frontend unchanged'), again.stdout);
    assert.strictEqual(again.stderr.trim(), '');
  });

  it('prints tables with the usual columns, wide, yaml, json and name output', async () => {
    const table = await t.kubectl(['get', 'deployments', '-n', 'guestbook']);
    assert.strictEqual(table.code, 0, table.stderr);
    const lines = table.stdout.trim().split('\n');
    assert.match(lines[0], /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE$/);
    // the controllers and kubelets are bringing the pods up meanwhile, so only the shape is fixed
    assert.match(table.stdout, /^frontend\s+[0-3]\/3\s+[0-3]\s+[0-3]\s+\d+s$/m);

    const wide = await t.kubectl(['get', 'deploy', 'frontend', '-n', 'guestbook', '-o', 'wide']);
    assert.match(wide.stdout.split('\n')[0], /CONTAINERS\s+IMAGES\s+SELECTOR/);
    assert.match(
      wide.stdout,
      /php-redis\s+us-docker\.pkg\.dev\/google-samples\/containers\/gke\/gb-frontend:v5\s+app\.kubernetes\.io\/name=frontend/,
    );

    const yaml = parseYaml((await t.kubectl(['get', 'deploy', 'frontend', '-n', 'guestbook', '-o', 'yaml'])).stdout);
    assert.strictEqual(yaml.kind, 'Deployment');
    assert.strictEqual(yaml.spec.replicas, 3);
    // defaults a real API server fills in
    assert.deepStrictEqual(yaml.spec.strategy, {
      type: 'RollingUpdate',
      rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' },
    });
    assert.strictEqual(yaml.spec.revisionHistoryLimit, 10);
    assert.strictEqual(yaml.spec.progressDeadlineSeconds, 600);
    assert.strictEqual(yaml.spec.template.spec.restartPolicy, 'Always');
    assert.strictEqual(yaml.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.match(yaml.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(yaml.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.strictEqual(yaml.metadata.generation, 1);

    const json = JSON.parse((await t.kubectl(['get', 'services', '-n', 'guestbook', '-o', 'json'])).stdout);
    assert.strictEqual(json.kind, 'List');
    const svc = json.items.find((s: any) => s.metadata.name === 'redis');
    assert.strictEqual(svc.spec.ports[0].protocol, 'TCP');
    assert.strictEqual(svc.spec.type, 'ClusterIP');

    const names = await t.kubectl(['get', 'deploy', '-n', 'guestbook', '-o', 'name']);
    assert.deepStrictEqual(names.stdout.trim().split('\n'), ['deployment.apps/frontend', 'deployment.apps/redis']);
  });

  it('get all lists the workloads and services of a namespace', async () => {
    const r = await t.kubectl(['get', 'all', '-n', 'guestbook']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /^service\/frontend\s+NodePort\s+/m);
    assert.match(r.stdout, /^deployment\.apps\/redis\s+[01]\/1/m);
    assert.ok(!r.stdout.includes('configmap'), 'configmaps are not in "all"');
  });

  it('filters by label and field selectors', async () => {
    const byLabel = await t.kubectl(['get', 'deploy', '-A', '-l', 'app.kubernetes.io/name=redis', '-o', 'name']);
    assert.deepStrictEqual(byLabel.stdout.trim().split('\n'), ['deployment.apps/redis']);
    const setBased = await t.kubectl([
      'get',
      'deploy',
      '-n',
      'guestbook',
      '-l',
      'app.kubernetes.io/name in (frontend,nothing)',
      '-o',
      'name',
    ]);
    assert.deepStrictEqual(setBased.stdout.trim().split('\n'), ['deployment.apps/frontend']);
    const byField = await t.kubectl([
      'get',
      'svc',
      '-n',
      'guestbook',
      '--field-selector',
      'metadata.name!=redis',
      '-o',
      'name',
    ]);
    assert.deepStrictEqual(byField.stdout.trim().split('\n'), ['service/frontend']);
    const badField = await t.kubectl(['get', 'svc', '-n', 'guestbook', '--field-selector', 'spec.nope=1']);
    assert.notStrictEqual(badField.code, 0);
    assert.match(badField.stderr, /field label not supported: spec\.nope/);
  });

  it('describes a deployment', async () => {
    const r = await t.kubectl(['describe', 'deployment', 'frontend', '-n', 'guestbook']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Name:\s+frontend$/m);
    assert.match(r.stdout, /^Namespace:\s+guestbook$/m);
    assert.match(r.stdout, /^Selector:\s+app\.kubernetes\.io\/name=frontend$/m);
    assert.match(r.stdout, /^StrategyType:\s+RollingUpdate$/m);
    assert.match(r.stdout, /RollingUpdateStrategy:\s+25% max unavailable, 25% max surge/);
    assert.match(r.stdout, /Port:\s+80\/TCP/);
  });

  it('patches with strategic merge, JSON merge and JSON patch', async () => {
    const smp = await t.kubectl([
      'patch',
      'deploy',
      'frontend',
      '-n',
      'guestbook',
      '-p',
      '{"spec":{"template":{"spec":{"containers":[{"name":"php-redis","image":"gb-frontend:v6"}]}}}}',
    ]);
    assert.strictEqual(smp.code, 0, smp.stderr);
    assert.match(smp.stdout, /deployment.apps\/frontend patched/);
    const after = JSON.parse((await t.kubectl(['get', 'deploy', 'frontend', '-n', 'guestbook', '-o', 'json'])).stdout);
    const c = after.spec.template.spec.containers;
    assert.strictEqual(c.length, 1, 'strategic merge merged the container by name');
    assert.strictEqual(c[0].image, 'gb-frontend:v6');
    assert.strictEqual(c[0].ports[0].containerPort, 80, 'other container fields kept');
    assert.strictEqual(after.metadata.generation, 2);

    const merge = await t.kubectl([
      'patch',
      'deploy',
      'frontend',
      '-n',
      'guestbook',
      '--type=merge',
      '-p',
      '{"metadata":{"labels":{"tier":"web"}}}',
    ]);
    assert.strictEqual(merge.code, 0, merge.stderr);
    const json = await t.kubectl([
      'patch',
      'deploy',
      'frontend',
      '-n',
      'guestbook',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/replicas","value":2}]',
    ]);
    assert.strictEqual(json.code, 0, json.stderr);
    const got = JSON.parse((await t.kubectl(['get', 'deploy', 'frontend', '-n', 'guestbook', '-o', 'json'])).stdout);
    assert.strictEqual(got.metadata.labels.tier, 'web');
    assert.strictEqual(got.spec.replicas, 2);
    assert.strictEqual(got.metadata.generation, 3, 'a label change does not bump generation');

    const badJson = await t.kubectl([
      'patch',
      'deploy',
      'frontend',
      '-n',
      'guestbook',
      '--type=json',
      '-p',
      '[{"op":"replace","path":"/spec/nothing/here","value":2}]',
    ]);
    assert.notStrictEqual(badJson.code, 0);
  });

  it('scales through the scale subresource', async () => {
    const r = await t.kubectl(['scale', 'deploy/frontend', '-n', 'guestbook', '--replicas=5']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment.apps\/frontend scaled/);
    const replicas = await t.kubectl([
      'get',
      'deploy',
      'frontend',
      '-n',
      'guestbook',
      '-o',
      'jsonpath={.spec.replicas}',
    ]);
    assert.strictEqual(replicas.stdout, '5');
    const guarded = await t.kubectl([
      'scale',
      'deploy/frontend',
      '-n',
      'guestbook',
      '--current-replicas=4',
      '--replicas=1',
    ]);
    assert.notStrictEqual(guarded.code, 0, 'a stale --current-replicas is refused');
  });

  it('applies server-side, reports field-manager conflicts and forces them', async () => {
    const a = await t.kubectl(['apply', '--server-side', '--field-manager=team-a', '-f', '-'], { input: CONFIGMAP });
    assert.strictEqual(a.code, 0, a.stderr);
    assert.match(a.stdout, /configmap\/settings serverside-applied/);
    const b = await t.kubectl(['apply', '--server-side', '--field-manager=team-b', '-f', '-'], {
      input: CONFIGMAP.replace('blue', 'red'),
    });
    assert.notStrictEqual(b.code, 0);
    assert.match(b.stderr, /conflict with "team-a"/);
    assert.match(b.stderr, /\.data\.color/);
    const forced = await t.kubectl(
      ['apply', '--server-side', '--field-manager=team-b', '--force-conflicts', '-f', '-'],
      { input: CONFIGMAP.replace('blue', 'red') },
    );
    assert.strictEqual(forced.code, 0, forced.stderr);
    const color = await t.kubectl(['get', 'cm', 'settings', '-o', 'jsonpath={.data.color}']);
    assert.strictEqual(color.stdout, 'red');
    // scale and patch above took fields over, so the sample's apply must force them back, as on a real cluster
    const sample = await t.kubectl(['apply', '--server-side', '--force-conflicts', '-f', SAMPLE_DIR]);
    assert.strictEqual(sample.code, 0, sample.stderr);
  });

  it('refuses to create an object twice', async () => {
    const input = CONFIGMAP.replace('settings', 'twice');
    const first = await t.kubectl(['create', '-f', '-'], { input });
    assert.strictEqual(first.code, 0, first.stderr);
    const second = await t.kubectl(['create', '-f', '-'], { input });
    assert.notStrictEqual(second.code, 0);
    assert.match(second.stderr, /AlreadyExists/);
    assert.match(second.stderr, /configmaps "twice" already exists/);
  });

  it('rejects an invalid manifest with 422 naming the field', async () => {
    const bad = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: broken
spec:
  replicas: 1
  selector:
    matchLabels: {app: broken}
  template:
    metadata:
      labels: {app: other}
    spec:
      containers:
      - name: web
        image: nginx:1.27
        imagePullPolicy: Sometimes
`;
    const r = await t.kubectl(['apply', '-f', '-'], { input: bad });
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /is invalid/);
    assert.match(r.stderr, /spec\.template\.spec\.containers\[0\]\.imagePullPolicy: Unsupported value: "Sometimes"/);
    const mismatch = await t.kubectl(['apply', '-f', '-'], {
      input: bad.replace('imagePullPolicy: Sometimes', 'imagePullPolicy: Always'),
    });
    assert.match(
      mismatch.stderr,
      /spec\.template\.metadata\.labels: Invalid value: .*`selector` does not match template `labels`/,
    );
    const unknown = await t.kubectl(['apply', '-f', '-'], { input: CONFIGMAP.replace('\ndata:', '\ndatta:') });
    assert.notStrictEqual(unknown.code, 0);
    assert.match(unknown.stderr, /unknown field "datta"/);
    const missing = await t.kubectl(['get', 'deploy', 'broken']);
    assert.match(missing.stderr, /NotFound/);
  });

  it('lists API resources and explains fields from the OpenAPI schemas', async () => {
    const r = await t.kubectl(['api-resources']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
    assert.match(r.stdout, /^namespaces\s+ns\s+v1\s+false\s+Namespace$/m);
    assert.match(
      r.stdout,
      /^customresourcedefinitions\s+crd,crds\s+apiextensions\.k8s\.io\/v1\s+false\s+CustomResourceDefinition$/m,
    );
    const e = await t.kubectl(['explain', 'deployment.spec.replicas']);
    assert.strictEqual(e.code, 0, e.stderr);
    assert.match(e.stdout, /FIELD:\s+replicas <integer>/);
    assert.match(e.stdout, /Number of desired pods/);
  });

  it('streams watch events to kubectl get -w', async () => {
    const w = t.kubectlStream(['get', 'configmaps', '-n', 'default', '-w', '-o', 'name']);
    await eventually(() => w.output().includes('configmap/settings'), 15_000, 'initial list in watch output');
    const created = await t.kubectl(['apply', '-f', '-'], { input: CONFIGMAP.replace('settings', 'watched') });
    assert.strictEqual(created.code, 0, created.stderr);
    await eventually(() => w.output().includes('configmap/watched'), 10_000, 'watch event for a new configmap');
    w.stop();
  });

  it('creates and lists events', async () => {
    const ev = `apiVersion: v1
kind: Event
metadata:
  name: frontend.test
  namespace: guestbook
involvedObject:
  apiVersion: apps/v1
  kind: Deployment
  name: frontend
  namespace: guestbook
reason: ScalingReplicaSet
message: Scaled up replica set frontend-abc to 3
type: Normal
source:
  component: deployment-controller
`;
    const r = await t.kubectl(['create', '-f', '-'], { input: ev });
    assert.strictEqual(r.code, 0, r.stderr);
    const list = await t.kubectl([
      'get',
      'events',
      '-n',
      'guestbook',
      '--field-selector',
      'involvedObject.name=frontend',
    ]);
    assert.match(list.stdout, /ScalingReplicaSet/);
    assert.match(list.stdout, /deployment\/frontend/);
  });

  it('serves custom resources from a CustomResourceDefinition and drops them with it', async () => {
    const crd = JSON.stringify(
      widgetCrd({
        spec: {
          type: 'object',
          required: ['size'],
          properties: { size: { type: 'integer', minimum: 1 }, color: { type: 'string', enum: ['red', 'blue'] } },
        },
        shortNames: ['wd'],
        printerColumns: [{ name: 'Size', type: 'integer', jsonPath: '.spec.size' }],
      }),
    );
    assert.strictEqual((await t.kubectl(['apply', '-f', '-'], { input: crd })).code, 0);
    const established = await t.kubectl([
      'wait',
      '--for=condition=Established',
      'crd/widgets.example.com',
      '--timeout=20s',
    ]);
    assert.strictEqual(established.code, 0, established.stderr);
    const w = 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w1}\nspec: {size: 3, color: red}\n';
    const created = await t.kubectl(['apply', '-f', '-'], { input: w });
    assert.strictEqual(created.code, 0, created.stderr);
    const table = await t.kubectl(['get', 'wd']);
    assert.match(table.stdout, /^NAME\s+SIZE$/m);
    assert.match(table.stdout, /^w1\s+3\s+/m);
    const bad = await t.kubectl(['apply', '-f', '-'], { input: w.replace('w1', 'w2').replace('size: 3', 'size: 0') });
    assert.notStrictEqual(bad.code, 0);
    assert.match(bad.stderr, /spec\.size/);
    assert.strictEqual((await t.kubectl(['delete', 'crd', 'widgets.example.com'])).code, 0);
    const gone = await t.kubectl(['get', '--raw', '/apis/example.com/v1/namespaces/default/widgets/w1']);
    assert.notStrictEqual(gone.code, 0);
  });

  it('deletes objects', async () => {
    const r = await t.kubectl(['delete', 'deployment', 'redis', '-n', 'guestbook']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /deployment.apps "redis" deleted/);
    const get = await t.kubectl(['get', 'deployment', 'redis', '-n', 'guestbook']);
    assert.match(get.stderr, /Error from server \(NotFound\): deployments.apps "redis" not found/);
  });

  async function ownedConfigMap(owner: string, cm: string): Promise<void> {
    const made = await t.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: owner },
        spec: {
          selector: { matchLabels: { app: owner } },
          template: {
            metadata: { labels: { app: owner } },
            spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] },
          },
        },
      }),
    });
    assert.strictEqual(made.code, 0, made.stderr);
    const uid = (await t.kubectl(['get', 'deploy', owner, '-o', 'jsonpath={.metadata.uid}'])).stdout;
    const manifest = JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: cm,
        ownerReferences: [
          { apiVersion: 'apps/v1', kind: 'Deployment', name: owner, uid, controller: true, blockOwnerDeletion: true },
        ],
      },
      data: { a: 'b' },
    });
    const r = await t.kubectl(['create', '-f', '-'], { input: manifest });
    assert.strictEqual(r.code, 0, r.stderr);
  }

  it('cascades deletion to dependents in the background, in the foreground, or orphans them', async () => {
    await t.cluster.controllersReady;
    await ownedConfigMap('bg-owner', 'bg-dependent');
    assert.strictEqual((await t.kubectl(['delete', 'deploy', 'bg-owner'])).code, 0);
    await eventually(
      async () => (await t.kubectl(['get', 'cm', 'bg-dependent'])).stderr.includes('NotFound'),
      10_000,
      'background cascade',
    );

    await ownedConfigMap('fg-owner', 'fg-dependent');
    const fg = await t.kubectl(['delete', 'deploy', 'fg-owner', '--cascade=foreground']);
    assert.strictEqual(fg.code, 0, fg.stderr);
    // kubectl waited for the owner, which goes only after its dependents
    assert.match((await t.kubectl(['get', 'cm', 'fg-dependent'])).stderr, /NotFound/);

    await ownedConfigMap('orphan-owner', 'orphan-dependent');
    const orphan = await t.kubectl(['delete', 'deploy', 'orphan-owner', '--cascade=orphan']);
    assert.strictEqual(orphan.code, 0, orphan.stderr);
    const left = await eventually(
      async () => {
        const cm = JSON.parse((await t.kubectl(['get', 'cm', 'orphan-dependent', '-o', 'json'])).stdout);
        return cm.metadata.ownerReferences === undefined ? cm : undefined;
      },
      10_000,
      'owner reference removed',
    );
    assert.strictEqual(left.data.a, 'b');
  });

  it('deletes a namespace with everything in it', async () => {
    const r = await t.kubectl(['delete', 'namespace', 'guestbook', '--timeout=30s']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace "guestbook" deleted/);
    assert.match((await t.kubectl(['get', 'ns', 'guestbook'])).stderr, /NotFound/);
    const left = await t.kubectl(['get', 'deploy,svc,cm,secret,ingress', '-n', 'guestbook', '-o', 'name']);
    assert.strictEqual(left.stdout.trim(), '');
  });

  it('refuses to delete the namespaces the cluster cannot do without, and keeps what is in them', async () => {
    await t.apply(CONFIGMAP.replace('name: settings', 'name: survivor'));
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      const r = await t.kubectl(['delete', 'namespace', ns, '--wait=false']);
      assert.strictEqual(r.code, 1, `deleting ${ns}: ${r.stdout}`);
      assert.match(
        r.stderr,
        new RegExp(
          `Error from server \\(Forbidden\\): namespaces "${ns}" is forbidden: this namespace may not be deleted`,
        ),
      );
      const dry = await t.kubectl(['delete', 'namespace', ns, '--dry-run=server']);
      assert.strictEqual(dry.code, 1, `dry-run deleting ${ns}: ${dry.stdout}`);
      const got = await t.json(['get', 'namespace', ns]);
      assert.strictEqual(got.metadata.deletionTimestamp, undefined, `${ns} is not terminating`);
    }
    assert.strictEqual((await t.json(['get', 'configmap', 'survivor', '-n', 'default'])).data.color, 'blue');
  });

  it('answers 401 to a wrong token, 403 to no credentials (system:anonymous), and health checks to anyone', async () => {
    const { url, caCert, token } = t.cluster;
    assert.strictEqual((await request(`${url}/api/v1/namespaces`, caCert)).status, 403);
    assert.strictEqual(
      (await request(`${url}/api/v1/namespaces`, caCert, { Authorization: 'Bearer wrong' })).status,
      401,
    );
    const ok = await request(`${url}/api/v1/namespaces`, caCert, { Authorization: `Bearer ${token}` });
    assert.strictEqual(ok.status, 200);
    const ready = await request(`${url}/readyz`, caCert);
    assert.deepStrictEqual([ready.status, ready.body], [200, 'ok']);
    const anonymous = JSON.parse((await request(`${url}/apis/apps/v1/deployments`, caCert)).body);
    assert.strictEqual(anonymous.kind, 'Status');
    assert.strictEqual(anonymous.code, 403);
    assert.match(anonymous.message, /User "system:anonymous" cannot list resource "deployments"/);
  });
});
