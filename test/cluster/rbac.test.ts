// Identity and access with real clients: a ServiceAccount's token from `kubectl create token` used over HTTPS and
// by kubectl, RBAC Roles and bindings deciding what it may do, `kubectl auth can-i` (--list, --as) and
// `kubectl auth whoami`, TokenReview, impersonation and client certificates signed by the cluster CA.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import type { SelfSubjectReview } from 'kubernetes-types/authentication/v1';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

describe('identity and RBAC', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let token: string;

  const as = (bearer: string, method: string, urlPath: string, body?: unknown, headers: Record<string, string> = {}) =>
    t.request(method, urlPath, body, { Authorization: `Bearer ${bearer}`, ...headers });

  before(async () => {
    t = await startTestCluster({ nodes: 1 });
    await t.ok(['create', 'namespace', 'shop']);
    await t.ok(['create', 'namespace', 'other']);
    await t.apply(`apiVersion: v1
kind: ServiceAccount
metadata: {name: app, namespace: shop}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: Role
metadata: {name: pod-reader, namespace: shop}
rules:
- apiGroups: [""]
  resources: [pods]
  verbs: [get, list]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: app-reads-pods, namespace: shop}
subjects: [{kind: ServiceAccount, name: app, namespace: shop}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
`);
    token = (await t.ok(['create', 'token', 'app', '-n', 'shop'])).trim();
  });
  after(async () => {
    await t?.stop();
  });

  it('lets a ServiceAccount do what its Role allows, and refuses the rest as kube-apiserver words it', async () => {
    const pods = await as(token, 'GET', '/api/v1/namespaces/shop/pods');
    assert.strictEqual(pods.status, 200, pods.text);
    assert.strictEqual(pods.body.kind, 'PodList');

    const secrets = await as(token, 'GET', '/api/v1/namespaces/shop/secrets');
    assert.strictEqual(secrets.status, 403);
    assert.deepStrictEqual(secrets.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'secrets is forbidden: User "system:serviceaccount:shop:app" cannot list resource "secrets" in API group "" ' +
        'in the namespace "shop"',
      reason: 'Forbidden',
      details: { group: '', kind: 'secrets' },
      code: 403,
    });
    const elsewhere = await as(token, 'GET', '/api/v1/namespaces/other/pods');
    assert.strictEqual(elsewhere.status, 403);
    assert.match(elsewhere.body.message, /cannot list resource "pods" in API group "" in the namespace "other"/);
    const create = await as(token, 'POST', '/api/v1/namespaces/shop/configmaps', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'x' },
    });
    assert.strictEqual(create.status, 403);

    // kubectl with the token: discovery (system:discovery) and the allowed list work, the rest is refused
    assert.strictEqual((await t.kubectl(['--token', token, 'get', 'pods', '-n', 'shop'])).code, 0);
    const denied = await t.kubectl(['--token', token, 'get', 'deployments', '-n', 'shop']);
    assert.notStrictEqual(denied.code, 0);
    assert.match(denied.stderr, /deployments.apps is forbidden: User "system:serviceaccount:shop:app" cannot list/);
  });

  it('answers kubectl auth can-i, --list and --as from RBAC', async () => {
    const sa = ['--as', 'system:serviceaccount:shop:app'];
    assert.strictEqual((await t.kubectl(['auth', 'can-i', 'list', 'pods', '-n', 'shop', ...sa])).stdout.trim(), 'yes');
    const no = await t.kubectl(['auth', 'can-i', 'list', 'secrets', '-n', 'shop', ...sa]);
    assert.strictEqual(no.stdout.trim(), 'no');
    assert.strictEqual(no.code, 1);
    assert.strictEqual((await t.kubectl(['auth', 'can-i', 'get', 'pods', '-n', 'other', ...sa])).stdout.trim(), 'no');
    assert.strictEqual((await t.kubectl(['auth', 'can-i', '*', '*'])).stdout.trim(), 'yes', 'the admin');

    const list = await t.ok(['auth', 'can-i', '--list', '-n', 'shop', ...sa]);
    const rows = list.split('\n').map((l) => l.trim().split(/\s{2,}/));
    assert.ok(
      rows.some((r) => r[0] === 'pods' && r.at(-1) === '[get list]'),
      list,
    );
    assert.ok(
      rows.some((r) => r[0] === 'selfsubjectaccessreviews.authorization.k8s.io' && r.at(-1) === '[create]'),
      list,
    );
    assert.ok(!rows.some((r) => r[0] === 'secrets'), list);
  });

  it('binds User and Group subjects and roleRefs written without apiGroup, defaulted as kube-apiserver does', async () => {
    await t.apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: people-read-pods, namespace: shop}
subjects: [{kind: User, name: jane}, {kind: Group, name: devs}]
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: pod-reader}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: auditors-view}
subjects: [{kind: Group, name: auditors}]
roleRef: {kind: ClusterRole, name: view}
`);
    const canI = async (...args: string[]) => (await t.kubectl(['auth', 'can-i', ...args])).stdout.trim();
    assert.strictEqual(await canI('list', 'pods', '-n', 'shop', '--as', 'jane'), 'yes');
    assert.strictEqual(await canI('list', 'pods', '-n', 'shop', '--as', 'bob', '--as-group', 'devs'), 'yes');
    assert.strictEqual(await canI('list', 'pods', '-n', 'shop', '--as', 'bob'), 'no');
    assert.strictEqual(await canI('list', 'pods', '-n', 'other', '--as', 'carol', '--as-group', 'auditors'), 'yes');
    const groups = await t.ok(['get', 'rolebinding', 'people-read-pods', '-n', 'shop', '-o', 'jsonpath={..apiGroup}']);
    assert.deepStrictEqual(groups.split(' '), Array(3).fill('rbac.authorization.k8s.io'));
    const roleRef = await t.ok(['get', 'clusterrolebinding', 'auditors-view', '-o', 'jsonpath={.roleRef.apiGroup}']);
    assert.strictEqual(roleRef, 'rbac.authorization.k8s.io');
  });

  it('aggregates the default view role into admin and edit', async () => {
    await t.ok([
      'create',
      'rolebinding',
      'viewers',
      '-n',
      'other',
      '--clusterrole',
      'view',
      '--serviceaccount',
      'shop:app',
    ]);
    const sa = ['--as', 'system:serviceaccount:shop:app', '-n', 'other'];
    assert.strictEqual((await t.kubectl(['auth', 'can-i', 'list', 'deployments', ...sa])).stdout.trim(), 'yes');
    assert.strictEqual((await t.kubectl(['auth', 'can-i', 'delete', 'pods', ...sa])).stdout.trim(), 'no');
    assert.strictEqual((await t.kubectl(['auth', 'can-i', 'get', 'secrets', ...sa])).stdout.trim(), 'no');
    // a ClusterRole of one's own joins view through its aggregation label
    await t.apply(`apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: secrets-view
  labels: {rbac.authorization.k8s.io/aggregate-to-view: "true"}
rules: [{apiGroups: [""], resources: [secrets], verbs: [get]}]
`);
    assert.strictEqual((await t.kubectl(['auth', 'can-i', 'get', 'secrets', ...sa])).stdout.trim(), 'yes');
    const admin = await t.json(['get', 'clusterrole', 'admin']);
    assert.deepStrictEqual(admin.aggregationRule.clusterRoleSelectors, [
      { matchLabels: { 'rbac.authorization.k8s.io/aggregate-to-admin': 'true' } },
    ]);
    // the aggregation controller writes the aggregated rules into the roles, through edit into admin
    const secretsRule = { apiGroups: [''], resources: ['secrets'], verbs: ['get'] };
    for (const name of ['view', 'edit', 'admin']) {
      const rules = () => t.json(['get', 'clusterrole', name]).then((r) => (r.rules ?? []) as object[]);
      await eventually(async () => (await rules()).some((r) => isDeepStrictEqual(r, secretsRule)), 10_000, name);
    }
  });

  it('tells who is asking: kubectl auth whoami, and TokenReview', async () => {
    const admin = await t.ok(['auth', 'whoami', '-o', 'json']);
    assert.deepStrictEqual(JSON.parse(admin).status.userInfo, {
      username: 'kubernetes-admin',
      groups: ['system:masters', 'system:authenticated'],
    });
    const me = JSON.parse(await t.ok(['--token', token, 'auth', 'whoami', '-o', 'json'])).status.userInfo;
    assert.strictEqual(me.username, 'system:serviceaccount:shop:app');
    assert.deepStrictEqual(me.groups, [
      'system:serviceaccounts',
      'system:serviceaccounts:shop',
      'system:authenticated',
    ]);

    const review = await t.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'TokenReview',
      spec: { token },
    });
    assert.strictEqual(review.status, 201, review.text);
    assert.strictEqual(review.body.status.authenticated, true);
    assert.strictEqual(review.body.status.user.username, 'system:serviceaccount:shop:app');
    const forged = await t.request('POST', '/apis/authentication.k8s.io/v1/tokenreviews', {
      spec: { token: token.slice(0, -4) + 'AAAA' },
    });
    assert.strictEqual(forged.body.status.authenticated, undefined);
  });

  it('lets the admin impersonate, and no one else', async () => {
    const asApp = { 'Impersonate-User': 'system:serviceaccount:shop:app' };
    assert.strictEqual((await t.request('GET', '/api/v1/namespaces/shop/pods', undefined, asApp)).status, 200);
    assert.strictEqual((await t.request('GET', '/api/v1/namespaces/shop/secrets', undefined, asApp)).status, 403);
    const escalate = await as(token, 'GET', '/api/v1/namespaces/shop/secrets', undefined, {
      'Impersonate-User': 'kubernetes-admin',
      'Impersonate-Group': 'system:masters',
    });
    assert.strictEqual(escalate.status, 403);
    assert.match(escalate.body.message, /cannot impersonate resource "users"/);
  });

  it('refuses tokens whose ServiceAccount or bound pod is gone', async () => {
    await t.apply(`apiVersion: v1
kind: ServiceAccount
metadata: {name: short-lived, namespace: shop}
---
apiVersion: v1
kind: Pod
metadata: {name: holder, namespace: shop}
spec:
  serviceAccountName: app
  containers: [{name: app, image: busybox:1.36}]
`);
    const gone = (await t.ok(['create', 'token', 'short-lived', '-n', 'shop'])).trim();
    const bound = (
      await t.ok([
        'create',
        'token',
        'app',
        '-n',
        'shop',
        '--bound-object-kind',
        'Pod',
        '--bound-object-name',
        'holder',
      ])
    ).trim();
    assert.strictEqual((await as(bound, 'GET', '/api/v1/namespaces/shop/pods')).status, 200);
    assert.strictEqual((await as(gone, 'GET', '/version')).status, 200);
    await t.ok(['delete', 'sa', 'short-lived', '-n', 'shop']);
    await t.ok(['delete', 'pod', 'holder', '-n', 'shop', '--grace-period=0', '--force']);
    await eventually(async () => (await as(bound, 'GET', '/api/v1/namespaces/shop/pods')).status === 401);
    assert.strictEqual((await as(gone, 'GET', '/version')).status, 401);
  });

  it('authenticates client certificates signed by the cluster CA: CN the user, O the groups', async () => {
    const pki = path.join(t.cluster.stateDir, 'pki');
    const dir = path.join(t.dir, 'jane');
    fs.mkdirSync(dir);
    const key = path.join(dir, 'jane.key');
    const csr = path.join(dir, 'jane.csr');
    const crt = path.join(dir, 'jane.crt');
    execFileSync('openssl', [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      csr,
      '-subj',
      '/CN=jane/O=devs',
    ]);
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        path.join(pki, 'ca.crt'),
        '-CAkey',
        path.join(pki, 'ca.key'),
        '-CAcreateserial',
        '-out',
        crt,
        '-days',
        '1',
      ],
      { stdio: 'ignore' },
    );
    const whoami = await new Promise<{ status?: number; body: SelfSubjectReview }>((resolve, reject) => {
      const u = new URL(t.cluster.url);
      const req = https.request(
        {
          host: u.hostname,
          port: u.port,
          method: 'POST',
          path: '/apis/authentication.k8s.io/v1/selfsubjectreviews',
          ca: t.cluster.caCert,
          cert: fs.readFileSync(crt),
          key: fs.readFileSync(key),
          headers: { 'Content-Type': 'application/json' },
        },
        (res) => {
          let text = '';
          res.on('data', (c) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode, body: JSON.parse(text) }));
        },
      );
      req.on('error', reject);
      req.end(JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'SelfSubjectReview' }));
    });
    assert.strictEqual(whoami.status, 201, JSON.stringify(whoami.body));
    assert.deepStrictEqual(whoami.body.status?.userInfo, {
      username: 'jane',
      groups: ['devs', 'system:authenticated'],
    });
  });
});
