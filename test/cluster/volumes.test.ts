// PersistentVolumeClaims with the real kubectl: the default StorageClass, dynamic provisioning by the
// hostpath provisioner, binding of pre-created volumes, reclaim policies and WaitForFirstConsumer.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

describe('PersistentVolumeClaims and PersistentVolumes', function () {
  this.timeout(60_000);
  let t: TestCluster;

  const ok = (args: string[], input?: string) => t.ok(args, input);
  const json = async (args: string[]) => JSON.parse(await ok([...args, '-o', 'json']));
  const exists = async (args: string[]) => (await t.kubectl([...args, '-o', 'name'])).code === 0;
  const claim = (
    name: string,
    opts: { size?: string; className?: string | null; modes?: string } = {},
  ) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}
spec:
  accessModes: [${opts.modes ?? 'ReadWriteOnce'}]
  resources: {requests: {storage: ${opts.size ?? '1Gi'}}}
${opts.className === undefined || opts.className === null ? '' : `  storageClassName: "${opts.className}"\n`}`;
  const storageClass = (name: string, extra: string) =>
    `apiVersion: storage.k8s.io/v1\nkind: StorageClass\nmetadata:\n  name: ${name}\nprovisioner: slipway.dev/hostpath\n${extra}`;
  const phaseOf = async (kind: string, name: string) => (await json(['get', kind, name])).status?.phase;
  const bound = (name: string) =>
    eventually(async () => (await phaseOf('pvc', name)) === 'Bound', 10_000, `claim ${name} Bound`);

  before(async () => {
    t = await startTestCluster({ nodes: 3, clockSpeed: 20 });
  });
  after(async () => {
    await t?.stop();
  });

  it('has the default StorageClass "standard"', async () => {
    const out = await eventually(
      async () => ((await exists(['get', 'storageclass', 'standard'])) ? ok(['get', 'storageclass']) : ''),
      10_000,
      'StorageClass standard',
    );
    assert.match(out, /standard \(default\)\s+slipway\.dev\/hostpath\s+Delete\s+Immediate\s+false/);
    const sc = await json(['get', 'storageclass', 'standard']);
    assert.strictEqual(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class'], 'true');
    assert.strictEqual(sc.parameters.path, path.join(t.cluster.stateDir, 'volumes'));
  });

  it('binds a claim without a class to a volume provisioned from the default class', async () => {
    await ok(['apply', '-f', '-'], claim('data', { size: '2Gi' }));
    await bound('data');
    const pvc = await json(['get', 'pvc', 'data']);
    const pvName = `pvc-${pvc.metadata.uid}`;
    assert.strictEqual(pvc.spec.storageClassName, 'standard');
    assert.strictEqual(pvc.spec.volumeName, pvName);
    assert.deepStrictEqual(pvc.status.capacity, { storage: '2Gi' });
    assert.deepStrictEqual(pvc.status.accessModes, ['ReadWriteOnce']);
    assert.strictEqual(pvc.metadata.annotations['pv.kubernetes.io/bind-completed'], 'yes');
    const row = (await ok(['get', 'pvc', 'data'])).split('\n')[1].split(/\s+/);
    assert.deepStrictEqual(row.slice(0, 6), ['data', 'Bound', pvName, '2Gi', 'RWO', 'standard']);

    const pv = await eventually(
      async () => {
        const v = await json(['get', 'pv', pvName]);
        return v.status?.phase === 'Bound' && v;
      },
      10_000,
      'volume Bound',
    );
    assert.deepStrictEqual(pv.spec.capacity, { storage: '2Gi' });
    assert.deepStrictEqual(pv.spec.accessModes, ['ReadWriteOnce']);
    assert.strictEqual(pv.spec.persistentVolumeReclaimPolicy, 'Delete');
    assert.strictEqual(pv.spec.storageClassName, 'standard');
    assert.deepStrictEqual(
      [pv.spec.claimRef.namespace, pv.spec.claimRef.name, pv.spec.claimRef.uid],
      ['default', 'data', pvc.metadata.uid],
    );
    assert.strictEqual(pv.metadata.annotations['pv.kubernetes.io/provisioned-by'], 'slipway.dev/hostpath');
    assert.strictEqual(pv.spec.hostPath.path, path.join(t.cluster.stateDir, 'volumes', pvName));
    assert.ok(fs.statSync(pv.spec.hostPath.path).isDirectory(), 'the volume is a folder under the state folder');
    assert.match(
      await ok(['get', 'pv', pvName]),
      new RegExp(`${pvName}\\s+2Gi\\s+RWO\\s+Delete\\s+Bound\\s+default/data\\s+standard`),
    );
    assert.match(
      await ok(['describe', 'pvc', 'data']),
      new RegExp(
        `ProvisioningSucceeded\\s+\\S+\\s+persistentvolume-controller\\s+Successfully provisioned volume ${pvName} using slipway\\.dev/hostpath`,
      ),
    );
  });

  it('shows the pod that uses a claim, and the pod runs', async () => {
    const node = (await json(['get', 'nodes'])).items[0].metadata.name;
    await ok(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Pod
metadata: {name: writer}
spec:
  nodeName: ${node}
  containers: [{name: app, image: busybox:1.36, volumeMounts: [{name: data, mountPath: /data}]}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: data}}]
`,
    );
    await eventually(async () => (await phaseOf('pod', 'writer')) === 'Running', 10_000, 'writer Running');
    assert.match(await ok(['describe', 'pvc', 'data']), /Used By:\s+writer/);
  });

  it('keeps a claim in use Terminating, then deletes it, its volume and the folder (reclaimPolicy Delete)', async () => {
    const pvc = await json(['get', 'pvc', 'data']);
    assert.deepStrictEqual(pvc.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    const pv = await json(['get', 'pv', pvc.spec.volumeName]);
    assert.deepStrictEqual(pv.metadata.finalizers, ['kubernetes.io/pv-protection']);
    await ok(['delete', 'pvc', 'data', '--wait=false']);
    await eventually(
      async () => /data\s+Terminating\s/.test(await ok(['get', 'pvc', 'data'])),
      10_000,
      'claim Terminating',
    );
    await new Promise((r) => setTimeout(r, 500));
    assert.match(await ok(['get', 'pvc', 'data']), /data\s+Terminating\s/, 'the claim stays while the pod uses it');
    assert.strictEqual(await phaseOf('pv', pv.metadata.name), 'Bound');
    await ok(['delete', 'pod', 'writer', '--wait=false']);
    await eventually(async () => !(await exists(['get', 'pvc', 'data'])), 20_000, 'claim deleted once its pod is gone');
    await eventually(async () => !(await exists(['get', 'pv', pv.metadata.name])), 10_000, 'volume deleted');
    assert.ok(!fs.existsSync(pv.spec.hostPath.path), 'the folder is gone');
  });

  it('keeps a Released volume of a Retain class', async () => {
    await ok(['apply', '-f', '-'], storageClass('keep', 'reclaimPolicy: Retain\n'));
    await ok(['apply', '-f', '-'], claim('kept', { className: 'keep' }));
    await bound('kept');
    const pvName = (await json(['get', 'pvc', 'kept'])).spec.volumeName;
    assert.strictEqual((await json(['get', 'pv', pvName])).spec.persistentVolumeReclaimPolicy, 'Retain');
    await ok(['delete', 'pvc', 'kept']);
    await eventually(async () => (await phaseOf('pv', pvName)) === 'Released', 10_000, 'volume Released');
    assert.match(await ok(['get', 'pv', pvName]), /Retain\s+Released\s+default\/kept\s+keep/);
    const pv = await json(['get', 'pv', pvName]);
    assert.ok(fs.existsSync(pv.spec.hostPath.path), 'a retained volume keeps its data');
  });

  it('binds a claim to the smallest fitting volume created beforehand', async () => {
    const volume = (name: string, size: string) => `apiVersion: v1
kind: PersistentVolume
metadata: {name: ${name}, labels: {tier: fast}}
spec:
  capacity: {storage: ${size}}
  accessModes: [ReadWriteOnce, ReadOnlyMany]
  storageClassName: manual
  hostPath: {path: /tmp/${name}}
`;
    await ok(
      ['apply', '-f', '-'],
      [volume('big', '10Gi'), volume('small', '3Gi'), volume('tiny', '1Gi')].join('---\n'),
    );
    await eventually(async () => (await phaseOf('pv', 'small')) === 'Available', 10_000, 'volumes Available');
    await ok(['apply', '-f', '-'], claim('static', { size: '2Gi', className: 'manual' }));
    await bound('static');
    const pvc = await json(['get', 'pvc', 'static']);
    assert.strictEqual(pvc.spec.volumeName, 'small');
    assert.deepStrictEqual(pvc.status.capacity, { storage: '3Gi' }, 'a claim gets the capacity of its volume');
    assert.match(await ok(['get', 'pv']), /small\s+3Gi\s+RWO,ROX\s+Retain\s+Bound\s+default\/static\s+manual/);
    assert.strictEqual(await phaseOf('pv', 'big'), 'Available');
  });

  it('leaves a claim of no class and no fitting volume Pending and says why', async () => {
    await ok(['apply', '-f', '-'], claim('nothing', { className: '', size: '1Ti' }));
    await eventually(
      async () =>
        /FailedBinding\s+.*no persistent volumes available for this claim and no storage class is set/.test(
          await ok(['describe', 'pvc', 'nothing']),
        ),
      10_000,
      'FailedBinding event',
    );
    assert.strictEqual(await phaseOf('pvc', 'nothing'), 'Pending');
  });

  it('provisions a WaitForFirstConsumer claim once a pod using it is on a node, on that node', async () => {
    await ok(['apply', '-f', '-'], storageClass('local', 'volumeBindingMode: WaitForFirstConsumer\n'));
    await ok(['apply', '-f', '-'], claim('later', { className: 'local' }));
    await eventually(
      async () =>
        /WaitForFirstConsumer\s+.*waiting for first consumer to be created before binding/.test(
          await ok(['describe', 'pvc', 'later']),
        ),
      10_000,
      'WaitForFirstConsumer event',
    );
    assert.strictEqual(await phaseOf('pvc', 'later'), 'Pending');
    const node = (await json(['get', 'nodes'])).items[1].metadata.name;
    await ok(
      ['apply', '-f', '-'],
      `apiVersion: v1
kind: Pod
metadata: {name: consumer}
spec:
  nodeName: ${node}
  containers: [{name: app, image: busybox:1.36}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: later}}]
`,
    );
    await bound('later');
    const pvc = await json(['get', 'pvc', 'later']);
    assert.strictEqual(pvc.metadata.annotations['volume.kubernetes.io/selected-node'], node);
    const pv = await json(['get', 'pv', pvc.spec.volumeName]);
    assert.deepStrictEqual(pv.spec.nodeAffinity.required.nodeSelectorTerms[0].matchExpressions[0].values, [node]);
  });

  it('gives a classless claim the default class once one exists', async () => {
    await ok([
      'annotate',
      'storageclass',
      'standard',
      '--overwrite',
      'storageclass.kubernetes.io/is-default-class=false',
    ]);
    await ok(['apply', '-f', '-'], claim('orphan'));
    assert.strictEqual((await json(['get', 'pvc', 'orphan'])).spec.storageClassName, undefined);
    await ok([
      'annotate',
      'storageclass',
      'standard',
      '--overwrite',
      'storageclass.kubernetes.io/is-default-class=true',
    ]);
    await bound('orphan');
    assert.strictEqual((await json(['get', 'pvc', 'orphan'])).spec.storageClassName, 'standard');
  });
});
