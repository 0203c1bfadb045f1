// ServiceAccounts with the real kubectl: the "default" ServiceAccount and the kube-root-ca.crt ConfigMap in every
// namespace, pods' defaulted serviceAccountName and projected token volume, and `kubectl create token`'s signed
// JWTs, checked against the cluster's signing key as a token reviewer would.
import * as assert from 'assert';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { Volume } from 'kubernetes-types/core/v1';
import type { ServiceAccountClaims } from '../../cluster/security/serviceAccountTokens';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

interface Jwt {
  header: { alg: string; kid: string };
  claims: ServiceAccountClaims;
  /** the signature checks out with the public key of the state folder's pki/sa.key */
  signed: boolean;
}

describe('ServiceAccounts', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let publicKey: crypto.KeyObject;

  const decode = (token: string): Jwt => {
    const [h, c, s] = token.trim().split('.');
    const part = (p: string) => JSON.parse(Buffer.from(p, 'base64url').toString());
    const signed = crypto.verify(
      'sha256',
      Buffer.from(`${h}.${c}`),
      { key: publicKey, dsaEncoding: 'ieee-p1363' },
      Buffer.from(s, 'base64url'),
    );
    return { header: part(h), claims: part(c), signed };
  };

  before(async () => {
    t = await startTestCluster({ nodes: 1 });
    const key = fs.readFileSync(path.join(t.cluster.stateDir, 'pki', 'sa.key'), 'utf8');
    publicKey = crypto.createPublicKey(key);
    await t.ok(['create', 'namespace', 'team']);
  });
  after(async () => {
    await t?.stop();
  });

  it('gives every namespace a default ServiceAccount, and makes it again when it is deleted', async () => {
    for (const ns of ['default', 'kube-system', 'team'])
      await eventually(() => t.kubectl(['get', 'serviceaccount', 'default', '-n', ns]).then((r) => r.code === 0));
    const before = await t.json(['get', 'sa', 'default', '-n', 'team']);
    await t.ok(['delete', 'sa', 'default', '-n', 'team']);
    const again = await eventually(async () => {
      const r = await t.kubectl(['get', 'sa', 'default', '-n', 'team', '-o', 'json']);
      return r.code === 0 && JSON.parse(r.stdout);
    });
    assert.notStrictEqual(again.metadata.uid, before.metadata.uid);
  });

  it('publishes the cluster CA as kube-root-ca.crt in every namespace, and puts it back when changed', async () => {
    const ca = () =>
      t.kubectl(['get', 'configmap', 'kube-root-ca.crt', '-n', 'team', '-o', 'json']).then((r) => {
        return r.code === 0 && JSON.parse(r.stdout).data;
      });
    assert.deepStrictEqual(await eventually(ca), { 'ca.crt': t.cluster.caCert });
    await t.ok(['patch', 'configmap', 'kube-root-ca.crt', '-n', 'team', '-p', '{"data":{"ca.crt":"tampered"}}']);
    await eventually(async () => (await ca())?.['ca.crt'] === t.cluster.caCert, 10_000, 'the CA put back');
  });

  it('defaults a pod to the default ServiceAccount and mounts its token, CA and namespace', async () => {
    await t.ok(['run', 'web', '-n', 'team', '--image', 'nginx:1.27']);
    const pod = await t.json(['get', 'pod', 'web', '-n', 'team']);
    assert.strictEqual(pod.spec.serviceAccountName, 'default');
    assert.strictEqual(pod.spec.serviceAccount, 'default');
    const volume = pod.spec.volumes.find((v: Volume) => /^kube-api-access-[a-z0-9]{5}$/.test(v.name));
    assert.ok(volume, JSON.stringify(pod.spec.volumes));
    assert.deepStrictEqual(volume.projected.sources, [
      { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
      { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
      {
        downwardAPI: {
          items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
        },
      },
    ]);
    assert.deepStrictEqual(pod.spec.containers[0].volumeMounts, [
      { name: volume.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
    ]);
  });

  it('mounts no token when the pod or its ServiceAccount opts out', async () => {
    await t.apply(`apiVersion: v1
kind: ServiceAccount
metadata: {name: quiet, namespace: team}
automountServiceAccountToken: false
---
apiVersion: v1
kind: Pod
metadata: {name: quiet, namespace: team}
spec:
  serviceAccountName: quiet
  containers: [{name: app, image: busybox:1.36}]
---
apiVersion: v1
kind: Pod
metadata: {name: own, namespace: team}
spec:
  automountServiceAccountToken: false
  containers: [{name: app, image: busybox:1.36}]
`);
    for (const name of ['quiet', 'own']) {
      const pod = await t.json(['get', 'pod', name, '-n', 'team']);
      assert.deepStrictEqual(pod.spec.volumes ?? [], [], name);
      assert.strictEqual(pod.spec.containers[0].volumeMounts, undefined, name);
    }
  });

  it('issues signed tokens with kube-apiserver claims to `kubectl create token`', async () => {
    await t.ok(['create', 'serviceaccount', 'app', '-n', 'team']);
    const sa = await t.json(['get', 'sa', 'app', '-n', 'team']);
    const token = decode(
      await t.ok(['create', 'token', 'app', '-n', 'team', '--audience', 'vault', '--duration', '20m']),
    );
    assert.ok(token.signed, 'signature');
    assert.strictEqual(token.header.alg, 'ES256');
    const c = token.claims;
    assert.strictEqual(c.iss, 'https://kubernetes.default.svc.cluster.local');
    assert.strictEqual(c.sub, 'system:serviceaccount:team:app');
    assert.deepStrictEqual(c.aud, ['vault']);
    assert.strictEqual(c.exp - c.iat, 1200);
    assert.strictEqual(c.nbf, c.iat);
    assert.ok(Math.abs(c.iat - Date.now() / 1000) < 60, `iat ${c.iat}`);
    assert.deepStrictEqual(c['kubernetes.io'], {
      namespace: 'team',
      serviceaccount: { name: 'app', uid: sa.metadata.uid },
    });
    // without flags: the API server's audience, an hour
    const plain = decode(await t.ok(['create', 'token', 'app', '-n', 'team'])).claims;
    assert.deepStrictEqual(plain.aud, ['https://kubernetes.default.svc.cluster.local']);
    assert.strictEqual(plain.exp - plain.iat, 3600);
  });

  it('binds a token to a pod of the ServiceAccount, and refuses what kube-apiserver refuses', async () => {
    await t.apply(`apiVersion: v1
kind: Pod
metadata: {name: runner, namespace: team}
spec:
  serviceAccountName: app
  containers: [{name: app, image: busybox:1.36}]
`);
    const pod = await t.json(['get', 'pod', 'runner', '-n', 'team']);
    const bound = ['create', 'token', 'app', '-n', 'team', '--bound-object-kind', 'Pod', '--bound-object-name'];
    const claims = decode(await t.ok([...bound, 'runner'])).claims;
    assert.deepStrictEqual(claims['kubernetes.io'].pod, { name: 'runner', uid: pod.metadata.uid });

    const missing = await t.kubectl([...bound, 'nope']);
    assert.notStrictEqual(missing.code, 0);
    assert.match(missing.stderr, /pods "nope" not found/);
    const other = await t.kubectl([...bound, 'web']);
    assert.match(
      other.stderr,
      /cannot bind token for serviceaccount "app" to pod running with different serviceaccount/,
    );
    const short = await t.kubectl(['create', 'token', 'app', '-n', 'team', '--duration', '5m']);
    assert.match(short.stderr, /may not specify a duration less than 10 minutes/);
    const nobody = await t.kubectl(['create', 'token', 'nobody', '-n', 'team']);
    assert.match(nobody.stderr, /serviceaccounts "nobody" not found/);
  });
});
