// RBAC privilege escalation, as kube-apiserver prevents it: a ServiceAccount that may write Roles and RoleBindings
// cannot grant what it does not hold unless it has `escalate` (roles) or `bind` (the referenced role); and a request
// without credentials is system:anonymous, allowed what RBAC gives it (/version) and 403 elsewhere.
import * as assert from 'assert';
import * as https from 'https';
import { startTestCluster, TestCluster } from '../helpers/testCluster';

const role = (name: string, rules: object[]) =>
  JSON.stringify({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'Role',
    metadata: { name, namespace: 'team' },
    rules,
  });

const binding = (name: string, roleRef: object) =>
  JSON.stringify({
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name, namespace: 'team' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', ...roleRef },
    subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'team' }],
  });

describe('RBAC escalation checks and anonymous requests', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let token: string;

  before(async () => {
    t = await startTestCluster({ nodes: 1 });
    await t.ok(['create', 'namespace', 'team']);
    await t.ok(['create', 'serviceaccount', 'lead', '-n', 'team']);
    // lead may manage Roles and RoleBindings, and read pods: nothing more
    await t.apply(
      role('lead', [
        {
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['roles', 'rolebindings'],
          verbs: ['create', 'get', 'update', 'patch'],
        },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      ]),
    );
    await t.ok(['create', 'rolebinding', 'lead', '-n', 'team', '--role=lead', '--serviceaccount=team:lead']);
    token = (await t.ok(['create', 'token', 'lead', '-n', 'team'])).trim();
  });
  after(async () => {
    await t?.stop();
  });

  const asLead = (args: string[], input?: string) => t.kubectl(['--token', token, ...args], { input });
  const canI = async (verb: string, what: string) =>
    (
      await t.kubectl(['auth', 'can-i', verb, what, '-n', 'team', '--as', 'system:serviceaccount:team:lead'])
    ).stdout.trim();

  it('lets a Role grant only what its writer holds, unless the writer may escalate', async () => {
    const held = await asLead(
      ['apply', '-f', '-'],
      role('reader', [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }]),
    );
    assert.strictEqual(held.code, 0, held.stderr);

    const writer = role('writer', [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'delete'] }]);
    const refused = await asLead(['apply', '-f', '-'], writer);
    assert.notStrictEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /roles.rbac.authorization.k8s.io "writer" is forbidden: user "system:serviceaccount:team:lead" \(groups=\["system:serviceaccounts" "system:serviceaccounts:team" "system:authenticated"\]\) is attempting to grant RBAC permissions not currently held:\n\{APIGroups:\[""\], Resources:\["pods"\], Verbs:\["delete"\]\}/,
    );

    assert.strictEqual(await canI('escalate', 'roles'), 'no');
    await t.apply(
      role('lead', [
        {
          apiGroups: ['rbac.authorization.k8s.io'],
          resources: ['roles', 'rolebindings'],
          verbs: ['create', 'get', 'update', 'patch'],
        },
        { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles'], verbs: ['escalate'] },
        { apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] },
      ]),
    );
    assert.strictEqual(await canI('escalate', 'roles'), 'yes');
    const escalated = await asLead(['apply', '-f', '-'], writer);
    assert.strictEqual(escalated.code, 0, escalated.stderr);
  });

  it('lets a binding refer only to a role whose permissions its writer holds, unless it may bind that role', async () => {
    const own = await asLead(['apply', '-f', '-'], binding('read-pods', { kind: 'Role', name: 'reader' }));
    assert.strictEqual(own.code, 0, own.stderr);

    const admin = binding('admins', { kind: 'ClusterRole', name: 'admin' });
    const refused = await asLead(['apply', '-f', '-'], admin);
    assert.notStrictEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /rolebindings.rbac.authorization.k8s.io "admins" is forbidden: .* is attempting to grant RBAC permissions not currently held/,
    );

    assert.strictEqual(await canI('bind', 'clusterroles/admin'), 'no');
    await t.ok([
      'create',
      'clusterrole',
      'bind-admin',
      '--verb=bind',
      '--resource=clusterroles',
      '--resource-name=admin',
    ]);
    await t.ok([
      'create',
      'rolebinding',
      'lead-binds',
      '-n',
      'team',
      '--clusterrole=bind-admin',
      '--serviceaccount=team:lead',
    ]);
    assert.strictEqual(await canI('bind', 'clusterroles/admin'), 'yes');
    const bound = await asLead(['apply', '-f', '-'], admin);
    assert.strictEqual(bound.code, 0, bound.stderr);
    // bind on one role is not bind on another
    const edit = await asLead(['apply', '-f', '-'], binding('editors', { kind: 'ClusterRole', name: 'cluster-admin' }));
    assert.notStrictEqual(edit.code, 0);
  });

  it('treats a request without credentials as system:anonymous: /version allowed, the rest 403', async () => {
    const get = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = https.get(`${t.cluster.url}${path}`, { ca: t.cluster.caCert }, (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
        req.on('error', reject);
      });
    const version = await get('/version');
    assert.strictEqual(version.status, 200, version.body);
    assert.strictEqual(JSON.parse(version.body).major, '1');
    const pods = await get('/api/v1/namespaces/team/pods');
    assert.strictEqual(pods.status, 403, pods.body);
    assert.match(
      JSON.parse(pods.body).message,
      /pods is forbidden: User "system:anonymous" cannot list resource "pods"/,
    );
    const apis = await get('/apis');
    assert.deepStrictEqual(
      [apis.status, JSON.parse(apis.body).message],
      [403, 'forbidden: User "system:anonymous" cannot get path "/apis"'],
    );
    assert.strictEqual((await get('/readyz')).status, 200);
  });
});
