// CertificateSigningRequests: created with a key and request made by openssl, approved or denied with the real
// kubectl, signed by the cluster CA for kubernetes.io/kube-apiserver-client, and the issued certificate then
// authenticates its subject (CN the user, O the groups) to the same API server.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as tls from 'tls';
import { ensureCertificates } from '../../cluster/security/certificates';
import { runKubectl, eventually, useTestCluster, TestCluster } from '../helpers/testCluster';

interface CsrJson {
  spec: { username?: string; groups?: string[]; signerName: string };
  status?: { certificate?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

describe('CertificateSigningRequests signed by the cluster CA', function () {
  this.timeout(60_000);
  const c = useTestCluster({ nodes: 1 });
  let t: TestCluster;
  before(() => (t = c.t));

  /** an RSA key and a CSR for the subject, made by openssl; the CSR as spec.request wants it */
  function keyAndRequest(name: string, subject: string): { keyFile: string; request: string } {
    const keyFile = path.join(t.dir, `${name}.key`);
    const csrFile = path.join(t.dir, `${name}.csr`);
    execFileSync(
      'openssl',
      ['req', '-new', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', csrFile].concat(['-subj', subject]),
      { stdio: 'pipe' },
    );
    return { keyFile, request: fs.readFileSync(csrFile).toString('base64') };
  }

  const csr = (name: string, request: string, usages: string[]) =>
    JSON.stringify({
      apiVersion: 'certificates.k8s.io/v1',
      kind: 'CertificateSigningRequest',
      metadata: { name },
      spec: { request, signerName: 'kubernetes.io/kube-apiserver-client', usages, username: 'someone-else' },
    });

  const get = async (name: string): Promise<CsrJson> => t.json(['get', 'csr', name]);

  it('kubectl certificate approve gets a certificate that authenticates as the CSR subject', async () => {
    const { keyFile, request } = keyAndRequest('jane', '/CN=jane/O=dev/O=qa');
    await t.apply(csr('jane', request, ['client auth', 'digital signature']));
    const pending = await get('jane');
    // the requester is recorded by the server, not taken from the body
    assert.strictEqual(pending.spec.username, 'kubernetes-admin');
    assert.match(
      await t.ok(['get', 'csr', 'jane']),
      /^jane\s+\S+\s+kubernetes.io\/kube-apiserver-client\s+kubernetes-admin\s+\S+\s+Pending$/m,
    );

    assert.match(
      await t.ok(['certificate', 'approve', 'jane']),
      /certificatesigningrequest.certificates.k8s.io\/jane approved/,
    );
    const signed = await eventually(async () => {
      const c = await get('jane');
      return c.status?.certificate ? c : undefined;
    });
    assert.deepStrictEqual(
      signed?.status?.conditions?.map((c) => [c.type, c.status, c.reason]),
      [['Approved', 'True', 'KubectlApprove']],
    );
    assert.match(await t.ok(['get', 'csr', 'jane']), /\sApproved,Issued$/m);

    // a kubeconfig with only the certificate and its key: kubectl auth whoami names the subject
    const certFile = path.join(t.dir, 'jane.crt');
    fs.writeFileSync(certFile, Buffer.from(signed!.status!.certificate!, 'base64'));
    const admin = fs.readFileSync(t.cluster.kubeconfig, 'utf8');
    const server = /server: (\S+)/.exec(admin)![1];
    const caData = /certificate-authority-data: (\S+)/.exec(admin)![1];
    const kubeconfig = path.join(t.dir, 'jane.kubeconfig');
    fs.writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "' + server + '", certificate-authority-data: ' + caData + '}}]',
        'users: [{name: jane, user: {client-certificate: "' + certFile + '", client-key: "' + keyFile + '"}}]',
        'contexts: [{name: jane, context: {cluster: c, user: jane}}]',
        'current-context: jane',
      ].join('\n'),
    );
    const whoami = await runKubectl(kubeconfig, t.dir, ['auth', 'whoami', '-o', 'json'], {});
    assert.strictEqual(whoami.code, 0, whoami.stderr);
    const user = JSON.parse(whoami.stdout).status.userInfo;
    assert.deepStrictEqual([user.username, user.groups], ['jane', ['dev', 'qa', 'system:authenticated']]);
    // and RBAC applies to it: jane holds no role yet
    const denied = await runKubectl(kubeconfig, t.dir, ['get', 'pods'], {});
    assert.notStrictEqual(denied.code, 0);
    assert.match(denied.stderr, /User "jane" cannot list resource "pods"/);
  });

  it('kubectl certificate deny leaves it unsigned; usages the signer refuses fail the request', async () => {
    const { request } = keyAndRequest('bob', '/CN=bob');
    await t.apply(csr('bob', request, ['client auth']));
    assert.match(await t.ok(['certificate', 'deny', 'bob']), /bob denied/);
    const denied = await get('bob');
    assert.deepStrictEqual(
      denied.status?.conditions?.map((c) => [c.type, c.reason]),
      [['Denied', 'KubectlDeny']],
    );
    // a decision is final
    const again = await t.kubectl(['certificate', 'approve', 'bob']);
    assert.notStrictEqual(again.code, 0);

    // a status write cannot approve: only the approval subresource decides
    const eve = keyAndRequest('eve', '/CN=eve');
    await t.apply(csr('eve', eve.request, ['client auth']));
    const pending = (await t.request('GET', '/apis/certificates.k8s.io/v1/certificatesigningrequests/eve')).body;
    pending.status = { conditions: [{ type: 'Approved', status: 'True', reason: 'Sneaky', message: 'by status' }] };
    const put = await t.request('PUT', '/apis/certificates.k8s.io/v1/certificatesigningrequests/eve/status', pending);
    assert.strictEqual(put.status, 200, put.text);
    assert.strictEqual((await get('eve')).status?.conditions, undefined);
    assert.match(await t.ok(['get', 'csr', 'eve']), /\sPending$/m);

    const serving = keyAndRequest('srv', '/CN=srv');
    await t.apply(csr('srv', serving.request, ['server auth']));
    await t.ok(['certificate', 'approve', 'srv']);
    const failed = await eventually(async () => {
      const c = await get('srv');
      return c.status?.conditions?.find((x) => x.type === 'Failed');
    });
    assert.strictEqual(failed?.reason, 'SignerValidationFailure');
    assert.match(failed?.message ?? '', /usages not allowed by this signer: server auth/);
    assert.strictEqual((await get('srv')).status?.certificate, undefined);

    const bad = await t.kubectl(['apply', '-f', '-'], {
      input: csr('junk', Buffer.from('nope').toString('base64'), ['client auth']),
    });
    assert.notStrictEqual(bad.code, 0);
    assert.match(bad.stderr, /spec.request: Invalid value: .*PEM block type must be CERTIFICATE REQUEST/);
  });

  it('lets only those who may approve for the signer approve', async () => {
    await t.ok(['create', 'serviceaccount', 'approver']);
    await t.ok([
      'create',
      'clusterrole',
      'csr-approval',
      '--verb=get,list,update',
      '--resource=certificatesigningrequests,certificatesigningrequests/approval',
    ]);
    await t.ok([
      'create',
      'clusterrolebinding',
      'approver',
      '--clusterrole=csr-approval',
      '--serviceaccount=default:approver',
    ]);
    const token = (await t.ok(['create', 'token', 'approver'])).trim();
    const { request } = keyAndRequest('kim', '/CN=kim');
    await t.apply(csr('kim', request, ['client auth']));

    const refused = await t.kubectl(['--token', token, 'certificate', 'approve', 'kim']);
    assert.notStrictEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      /certificatesigningrequests.certificates.k8s.io "kim" is forbidden: user not permitted to approve requests with signerName "kubernetes.io\/kube-apiserver-client"/,
    );
    // signers is no served resource, so the rule is written as YAML, as Kubernetes' documentation does
    await t.apply(
      JSON.stringify({
        apiVersion: 'rbac.authorization.k8s.io/v1',
        kind: 'ClusterRole',
        metadata: { name: 'signer-approve' },
        rules: [
          {
            apiGroups: ['certificates.k8s.io'],
            resources: ['signers'],
            resourceNames: ['kubernetes.io/*'],
            verbs: ['approve'],
          },
        ],
      }),
    );
    await t.ok([
      'create',
      'clusterrolebinding',
      'approver-signs',
      '--clusterrole=signer-approve',
      '--serviceaccount=default:approver',
    ]);
    const approved = await t.kubectl(['--token', token, 'certificate', 'approve', 'kim']);
    assert.strictEqual(approved.code, 0, approved.stderr);
    await eventually(async () => (await get('kim')).status?.certificate);
  });
  it('serves a certificate an in-cluster client accepts: kubernetes.default.svc and the Service address 10.96.0.1', async () => {
    const u = new URL(t.cluster.url);
    // what a pod's client library checks: the chain to the CA in its service-account volume, then the name it dialled
    for (const servername of ['kubernetes.default.svc', 'kubernetes.default.svc.cluster.local', 'kubernetes']) {
      const socket = tls.connect({ host: u.hostname, port: Number(u.port), ca: t.cluster.caCert, servername });
      await new Promise<void>((resolve, reject) => {
        socket.once('secureConnect', resolve);
        socket.once('error', reject);
      });
      const peer = socket.getPeerCertificate();
      socket.destroy();
      assert.strictEqual(tls.checkServerIdentity(servername, peer), undefined, servername);
      // a client that dialled the cluster IP checks the address instead of a name
      assert.strictEqual(tls.checkServerIdentity('10.96.0.1', peer), undefined);
      assert.ok(tls.checkServerIdentity('10.96.0.2', peer) instanceof Error);
    }
  });
  it('reissues, from the same CA, a serving certificate an older state folder made without the in-cluster names', async () => {
    const stateDir = path.join(t.dir, 'older-state');
    const first = await ensureCertificates(stateDir);
    const pki = path.join(stateDir, 'pki');
    // the serving certificate as older versions made it: localhost and loopback only
    fs.writeFileSync(path.join(pki, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n');
    const csrPem = execFileSync('openssl', [
      'req',
      '-new',
      '-key',
      path.join(pki, 'apiserver.key'),
      '-subj',
      '/CN=old',
    ]);
    const old = execFileSync(
      'openssl',
      ['x509', '-req', '-CA', path.join(pki, 'ca.crt'), '-CAkey', path.join(pki, 'ca.key'), '-CAcreateserial'].concat([
        '-days',
        '1',
        '-extfile',
        path.join(pki, 'san.ext'),
      ]),
      { input: csrPem, stdio: 'pipe' },
    ).toString();
    fs.writeFileSync(path.join(pki, 'apiserver.crt'), old);

    const second = await ensureCertificates(stateDir);
    assert.strictEqual(second.caCert, first.caCert, 'kubeconfigs keep working: the CA is kept');
    const served = new crypto.X509Certificate(second.cert);
    assert.ok(served.verify(new crypto.X509Certificate(first.caCert).publicKey));
    assert.match(served.subjectAltName ?? '', /IP Address:10\.96\.0\.1/);
    assert.strictEqual(fs.readFileSync(path.join(pki, 'apiserver.crt'), 'utf8'), second.cert);
  });
});
