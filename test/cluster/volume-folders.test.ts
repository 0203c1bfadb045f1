// The hostpath provisioner touches only folders it made in the state folder's volumes/: a PersistentVolume
// that claims to be provisioned (annotation, reclaim Delete, claim gone) but points anywhere else keeps its
// folder and fails with VolumeFailedDelete, and a StorageClass cannot send the provisioner elsewhere.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

describe('hostpath volume folders', function () {
  this.timeout(60_000);
  let t: TestCluster;

  const ok = (args: string[], input?: string) => t.ok(args, input);
  /** a volume that says it was provisioned, reclaim Delete, reserved for a claim that no longer exists */
  const forgedVolume = (name: string, folder: string) => `apiVersion: v1
kind: PersistentVolume
metadata:
  name: ${name}
  annotations: {pv.kubernetes.io/provisioned-by: slipway.dev/hostpath}
spec:
  capacity: {storage: 1Gi}
  accessModes: [ReadWriteOnce]
  persistentVolumeReclaimPolicy: Delete
  storageClassName: standard
  hostPath: {path: ${JSON.stringify(folder)}}
  claimRef: {namespace: default, name: gone-${name}, uid: 0b6a1c7e-0000-4000-8000-${name.length.toString().padStart(12, '0')}}
`;
  const failedDelete = async (name: string) => {
    const out = await eventually(
      async () => {
        const events = JSON.parse(
          await ok(['get', 'events', '--field-selector', `involvedObject.name=${name}`, '-o', 'json']),
        );
        return events.items.find((e: any) => e.reason === 'VolumeFailedDelete');
      },
      10_000,
      `VolumeFailedDelete on ${name}`,
    );
    assert.strictEqual(JSON.parse(await ok(['get', 'pv', name, '-o', 'json'])).status.phase, 'Failed');
    return out.message as string;
  };

  before(async () => {
    t = await startTestCluster({ nodes: 1, clockSpeed: 20 });
  });
  after(async () => {
    await t?.stop();
  });

  it('keeps a folder outside the state folder that a forged volume points at', async () => {
    const victim = path.join(t.dir, 'victim', 'precious');
    fs.mkdirSync(victim, { recursive: true });
    fs.writeFileSync(path.join(victim, 'data.txt'), 'keep me');
    await ok(['apply', '-f', '-'], forgedVolume('precious', victim));
    assert.match(
      await failedDelete('precious'),
      /refusing to delete the folder of volume "precious": .*precious is not the folder/,
    );
    assert.strictEqual(fs.readFileSync(path.join(victim, 'data.txt'), 'utf8'), 'keep me');
  });

  it("keeps the cluster's own store/ and keeps serving", async () => {
    const store = path.join(t.cluster.stateDir, 'store');
    await ok(['apply', '-f', '-'], forgedVolume('store', store));
    await failedDelete('store');
    assert.ok(
      fs.readdirSync(store).some((f) => f.startsWith('wal-')),
      'the log is still there',
    );
    await ok(['create', 'configmap', 'after-forged-store-volume']);
  });

  it('keeps a folder reached through a symlink in volumes/ named like the volume', async () => {
    const victim = path.join(t.dir, 'victim', 'linked');
    fs.mkdirSync(victim, { recursive: true });
    fs.writeFileSync(path.join(victim, 'data.txt'), 'keep me too');
    const volumes = path.join(t.cluster.stateDir, 'volumes');
    fs.mkdirSync(volumes, { recursive: true });
    fs.symlinkSync(victim, path.join(volumes, 'pvc-linked'));
    await ok(['apply', '-f', '-'], forgedVolume('pvc-linked', path.join(volumes, 'pvc-linked')));
    await failedDelete('pvc-linked');
    assert.strictEqual(fs.readFileSync(path.join(victim, 'data.txt'), 'utf8'), 'keep me too');
  });

  it('refuses a StorageClass path outside volumes/ without making a folder there', async () => {
    const outside = path.join(t.dir, 'outside');
    await ok(
      ['apply', '-f', '-'],
      `apiVersion: storage.k8s.io/v1
kind: StorageClass
metadata: {name: elsewhere}
provisioner: slipway.dev/hostpath
parameters: {path: ${JSON.stringify(outside)}}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: elsewhere}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
  storageClassName: elsewhere
`,
    );
    const refused = /ProvisioningFailed\s+.*parameter "path" must be unset or .*volumes/;
    await eventually(
      async () => refused.test(await ok(['describe', 'pvc', 'elsewhere'])),
      10_000,
      'ProvisioningFailed',
    );
    assert.strictEqual(JSON.parse(await ok(['get', 'pvc', 'elsewhere', '-o', 'json'])).status.phase, 'Pending');
    assert.ok(!fs.existsSync(outside), 'no folder is made outside volumes/');
  });

  it('still deletes the folder of a provisioned volume when its claim goes', async () => {
    await ok(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: normal}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
`,
    );
    const pvc = await eventually(
      async () => {
        const c = JSON.parse(await ok(['get', 'pvc', 'normal', '-o', 'json']));
        return c.status?.phase === 'Bound' && c;
      },
      10_000,
      'claim Bound',
    );
    const pv = JSON.parse(await ok(['get', 'pv', pvc.spec.volumeName, '-o', 'json']));
    assert.ok(fs.statSync(pv.spec.hostPath.path).isDirectory());
    await ok(['delete', 'pvc', 'normal']);
    await eventually(
      async () => (await t.kubectl(['get', 'pv', pv.metadata.name])).code !== 0,
      10_000,
      'volume deleted',
    );
    assert.ok(!fs.existsSync(pv.spec.hostPath.path), 'the folder is gone');
  });
});
