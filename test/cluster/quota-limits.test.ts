// ResourceQuota and LimitRange through the real kubectl: the quota's status counts what the namespace uses, a
// create past it or without the requests it limits is refused with kube-apiserver's words, and a LimitRange's
// defaults reach containers while its min, max and ratio refuse what is out of range.
import * as assert from 'assert';
import type { Pod, ResourceQuota } from 'kubernetes-types/core/v1';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

function pod(name: string, ns: string, resources: object): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25', resources }] },
  });
}

describe('ResourceQuota and LimitRange (real kubectl)', function () {
  this.timeout(60_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 1, clockSpeed: 10 });
    for (const ns of ['quota', 'limits']) await t.kubectl(['create', 'namespace', ns]);
  });
  after(async () => {
    await t?.stop();
  });

  async function k(args: string[], input?: string): Promise<string> {
    const r = await t.kubectl(args, input === undefined ? {} : { input });
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }
  async function refused(args: string[], input?: string): Promise<string> {
    const r = await t.kubectl(args, input === undefined ? {} : { input });
    assert.notStrictEqual(r.code, 0, `kubectl ${args.join(' ')} should have been refused`);
    return r.stderr.trim();
  }
  const usedIs = (want: Record<string, string>) =>
    eventually(
      async () => {
        const q: ResourceQuota = JSON.parse(await k(['get', 'quota', 'compute', '-n', 'quota', '-o', 'json']));
        const used = q.status?.used ?? {};
        return Object.entries(want).every(([r, v]) => used[r] === v) ? q : undefined;
      },
      10_000,
      `quota used ${JSON.stringify(want)}`,
    );

  it('reports hard and used, and refuses a create over the quota with the API server words', async () => {
    await k(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'compute', namespace: 'quota' },
        spec: {
          hard: { pods: '2', 'requests.cpu': '1', 'limits.memory': '1Gi', configmaps: '2', 'count/jobs.batch': '3' },
        },
      }),
    );
    // the namespace's kube-root-ca.crt ConfigMap may or may not exist: count from what is there
    const q = await usedIs({ pods: '0', 'requests.cpu': '0', 'limits.memory': '0', 'count/jobs.batch': '0' });
    assert.deepStrictEqual(q?.status?.hard, q?.spec?.hard);
    const res = { requests: { cpu: '600m' }, limits: { memory: '512Mi' } };
    await k(['apply', '-f', '-'], pod('one', 'quota', res));
    await usedIs({ pods: '1', 'requests.cpu': '600m', 'limits.memory': '512Mi' });
    const err = await refused(['apply', '-f', '-'], pod('two', 'quota', res));
    assert.strictEqual(
      err,
      'Error from server (Forbidden): error when creating "STDIN": pods "two" is forbidden: exceeded quota: compute, ' +
        'requested: requests.cpu=600m, used: requests.cpu=600m, limited: requests.cpu=1',
    );
    await k(['apply', '-f', '-'], pod('two', 'quota', { requests: { cpu: '400m' }, limits: { memory: '512Mi' } }));
    await usedIs({ pods: '2', 'requests.cpu': '1', 'limits.memory': '1Gi' });
    const out = await k(['describe', 'quota', 'compute', '-n', 'quota']);
    assert.match(out, /requests\.cpu\s+1\s+1/);
    assert.match(out, /pods\s+2\s+2/);
  });

  it('refuses a pod that leaves out a request the quota limits', async () => {
    const err = await refused(['run', 'bare', '-n', 'quota', '--image=nginx:1.25']);
    assert.strictEqual(
      err,
      'Error from server (Forbidden): pods "bare" is forbidden: failed quota: compute: ' +
        'must specify limits.memory for: bare; requests.cpu for: bare',
    );
  });

  it('counts any resource with count/<resource>.<group>', async () => {
    await k(['create', 'job', 'j1', '-n', 'quota', '--image=busybox']);
    await usedIs({ 'count/jobs.batch': '1' });
  });

  it('counts services and claims with their storage', async () => {
    await k(['create', 'namespace', 'objects']);
    await k([
      'create',
      'quota',
      'objects',
      '-n',
      'objects',
      '--hard=services=1,persistentvolumeclaims=2,requests.storage=1Gi',
    ]);
    await k(['create', 'service', 'clusterip', 'one', '-n', 'objects', '--tcp=80:80']);
    assert.strictEqual(
      await refused(['create', 'service', 'clusterip', 'two', '-n', 'objects', '--tcp=80:80']),
      'error: failed to create ClusterIP service: services "two" is forbidden: exceeded quota: objects, ' +
        'requested: services=1, used: services=1, limited: services=1',
    );
    const claim = (name: string, size: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name, namespace: 'objects' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } },
      });
    await k(['apply', '-f', '-'], claim('small', '512Mi'));
    assert.strictEqual(
      await refused(['apply', '-f', '-'], claim('big', '1Gi')),
      'Error from server (Forbidden): error when creating "STDIN": persistentvolumeclaims "big" is forbidden: ' +
        'exceeded quota: objects, requested: requests.storage=1Gi, used: requests.storage=512Mi, ' +
        'limited: requests.storage=1Gi',
    );
    await eventually(
      async () => {
        const q: ResourceQuota = JSON.parse(await k(['get', 'quota', 'objects', '-n', 'objects', '-o', 'json']));
        const u = q.status?.used ?? {};
        return u.services === '1' && u.persistentvolumeclaims === '1' && u['requests.storage'] === '512Mi'
          ? q
          : undefined;
      },
      10_000,
      'services and claims counted',
    );
  });

  it('charges an update what it adds: a claim expanded past the quota or a LimitRange, a Service given node ports', async () => {
    await k(['create', 'namespace', 'grow']);
    await k(['create', 'quota', 'grow', '-n', 'grow', '--hard=requests.storage=1Gi,services.nodeports=1']);
    await k(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'claims', namespace: 'grow' },
        spec: { limits: [{ type: 'PersistentVolumeClaim', max: { storage: '800Mi' } }] },
      }),
    );
    const claim = (size: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data', namespace: 'grow', labels: { v: size } },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } } },
      });
    await k(['apply', '-f', '-'], claim('512Mi'));
    await k(['create', 'quota', 'tight', '-n', 'grow', '--hard=requests.storage=600Mi']);
    // within the LimitRange, past the second quota: charged the 200Mi it adds
    assert.match(
      await refused(['apply', '-f', '-'], claim('700Mi')),
      new RegExp(
        'persistentvolumeclaims "data" is forbidden: exceeded quota: tight, requested: requests.storage=188Mi, ' +
          'used: requests.storage=512Mi, limited: requests.storage=600Mi',
      ),
    );
    await k(['delete', 'quota', 'tight', '-n', 'grow']);
    const overMax = await refused(['apply', '-f', '-'], claim('900Mi'));
    assert.match(
      overMax,
      /persistentvolumeclaims "data" is forbidden: maximum storage usage per PersistentVolumeClaim is 800Mi, but request is 900Mi/,
    );
    // an update that adds nothing is not charged, even with the quota used up
    await k(['label', 'pvc', 'data', '-n', 'grow', 'more=yes']);

    await k(['create', 'service', 'clusterip', 'web', '-n', 'grow', '--tcp=80:80', '--tcp=81:81']);
    const nodePorts = await refused(['patch', 'service', 'web', '-n', 'grow', '-p', '{"spec":{"type":"NodePort"}}']);
    assert.match(
      nodePorts,
      /services "web" is forbidden: exceeded quota: grow, requested: services.nodeports=2, used: services.nodeports=0, limited: services.nodeports=1/,
    );
  });

  it('applies LimitRange defaults to containers and refuses what is out of range', async () => {
    await k(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'LimitRange',
        metadata: { name: 'bounds', namespace: 'limits' },
        spec: {
          limits: [
            {
              type: 'Container',
              default: { cpu: '500m', memory: '256Mi' },
              defaultRequest: { cpu: '250m', memory: '128Mi' },
              min: { cpu: '100m' },
              max: { cpu: '1', memory: '1Gi' },
              maxLimitRequestRatio: { cpu: '4' },
            },
          ],
        },
      }),
    );
    await k(['run', 'plain', '-n', 'limits', '--image=nginx:1.25']);
    const p: Pod = JSON.parse(await k(['get', 'pod', 'plain', '-n', 'limits', '-o', 'json']));
    assert.deepStrictEqual(p.spec?.containers[0].resources, {
      limits: { cpu: '500m', memory: '256Mi' },
      requests: { cpu: '250m', memory: '128Mi' },
    });
    assert.strictEqual(p.status?.qosClass, 'Burstable');
    assert.match(p.metadata?.annotations?.['kubernetes.io/limit-ranger'] ?? '', /^LimitRanger plugin set: cpu limit/);

    assert.strictEqual(
      await refused(['apply', '-f', '-'], pod('big', 'limits', { limits: { cpu: '2' }, requests: { cpu: '1' } })),
      'Error from server (Forbidden): error when creating "STDIN": pods "big" is forbidden: ' +
        'maximum cpu usage per Container is 1, but limit is 2',
    );
    assert.strictEqual(
      await refused(['apply', '-f', '-'], pod('small', 'limits', { requests: { cpu: '50m' } })),
      'Error from server (Forbidden): error when creating "STDIN": pods "small" is forbidden: ' +
        '[minimum cpu usage per Container is 100m, but request is 50m, ' +
        'cpu max limit to request ratio per Container is 4, but provided ratio is 10.000000]',
    );
  });
});
