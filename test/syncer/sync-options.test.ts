// Argo CD's sync options (the sync-options annotation of a resource and the Application's
// spec.syncPolicy.syncOptions) and the compare option IgnoreExtraneous, end to end on real git repositories and
// the embedded cluster.
import * as assert from 'assert';
import type { ConfigMap } from 'kubernetes-types/core/v1';
import { Application } from '../../kube/application';
import { ObjectClient } from '../../kubeclient/objectClient';
import { eventually, TestCluster } from '../helpers/testCluster';
import { makeRepo, webApp } from './helpers/gitRepo';
import { applications, appRef, NO_RETRY, useSyncer } from './helpers/syncerHarness';

/** A ConfigMap manifest with these annotations. */
function configMap(name: string, annotations: Record<string, string> = {}, data = 'a: b'): string {
  const ann = Object.entries(annotations).length
    ? `\n  annotations:\n${Object.entries(annotations)
        .map(([k, v]) => `    ${k}: "${v}"`)
        .join('\n')}`
    : '';
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}${ann}\ndata:\n  ${data}\n`;
}

describe('sync options (real git, real cluster)', function () {
  this.timeout(90_000);
  const h = useSyncer({ waveTimeoutMs: 20_000, retryBackoff: NO_RETRY });
  let t: TestCluster;
  let client: ObjectClient;
  let logs: string[];
  before(() => ({ t, client, logs } = h.syncer));

  const { createApp, waitApp, healthyAt, manifestErrors } = applications(() => client);
  const exists = async (kind: string, name: string, ns: string) =>
    (await t.kubectl(['get', kind, name, '-n', ns])).code === 0;
  const lastEntry = (a: Application) => a.status!.history![a.status!.history!.length - 1];

  it('Prune=false in the app keeps what left git; PruneLast waits for Healthy; a resource says Prune=true', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/keep.yaml': configMap('keep'),
      'app/go.yaml': configMap('go', { 'argocd.argoproj.io/sync-options': 'Prune=true, PruneLast=true' }),
    });
    await createApp('noprune', repo, { syncOptions: ['Prune=false'] });
    await healthyAt('noprune', repo.git('rev-parse', 'HEAD'));
    repo.remove('app/keep.yaml');
    repo.remove('app/go.yaml');
    const app = await healthyAt('noprune', repo.commit('drop both'));
    assert.ok(await exists('configmap', 'keep', 'noprune'), 'kept by the app option');
    assert.ok(!(await exists('configmap', 'go', 'noprune')), 'pruned: its own option wins');
    assert.match(app.status!.resources!.find((r) => r.name === 'keep')!.health!.message!, /kept \(Prune=false\)/);
    assert.ok(
      logs.some((l) => /\[noprune\] waiting until every resource is Healthy before pruning \(PruneLast\)/.test(l)),
    );
  });

  it('Replace=true replaces the object (PUT) instead of applying it', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/big.yaml': configMap('big', { 'slipway.dev/sync-options': 'Replace=true' }),
    });
    await createApp('replace', repo);
    await healthyAt('replace', repo.git('rev-parse', 'HEAD'));
    repo.write('app/big.yaml', configMap('big', { 'slipway.dev/sync-options': 'Replace=true' }, 'a: c'));
    const sha = repo.commit('change big');
    await healthyAt('replace', sha);
    const cm: ConfigMap = await client.get({ apiVersion: 'v1', kind: 'ConfigMap', namespace: 'replace', name: 'big' });
    assert.strictEqual(cm.data!.a, 'c');
    const managers = (cm.metadata!.managedFields ?? []).map((f) => `${f.manager}:${f.operation}`);
    assert.ok(managers.includes('slipway:Update'), `written by PUT: ${managers}`);
    assert.ok(!managers.some((m) => m.endsWith(':Apply')), `never by server-side apply: ${managers}`);
    assert.ok(logs.some((l) => l === '[replace] replaced ConfigMap replace/big'));
  });

  it('Delete=false keeps a resource when its Application is deleted', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/data.yaml': configMap('data', { 'argocd.argoproj.io/sync-options': 'Delete=false' }),
    });
    await createApp('nodelete', repo);
    await healthyAt('nodelete', repo.git('rev-parse', 'HEAD'));
    await client.delete(appRef('nodelete'));
    await eventually(async () => !(await client.find(appRef('nodelete'))), 20_000, 'Application gone');
    assert.ok(await exists('configmap', 'data', 'nodelete'));
    assert.ok(!(await exists('configmap', 'settings', 'nodelete')), 'the others are deleted with the app');
  });

  it('PrunePropagationPolicy=orphan prunes a Deployment and leaves its ReplicaSet', async () => {
    const repo = makeRepo(webApp());
    await createApp('orphan', repo, { syncOptions: ['PrunePropagationPolicy=orphan'] });
    await healthyAt('orphan', repo.git('rev-parse', 'HEAD'));
    repo.write('app/web.yaml', webApp()['app/web.yaml'].split('---')[1]);
    await healthyAt('orphan', repo.commit('drop the Deployment'));
    assert.ok(!(await exists('deployment', 'web', 'orphan')));
    const rs = await t.json(['get', 'replicasets', '-n', 'orphan']);
    assert.strictEqual(rs.items.length, 1, 'the ReplicaSet is orphaned, not deleted');
  });

  it('Validate=false applies a manifest Slipway would refuse for its schema', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/loose.yaml': configMap('loose', { 'argocd.argoproj.io/sync-options': 'Validate=false' }) + 'extra: field\n',
      'app/strict.yaml': configMap('strict') + 'extra: field\n',
    });
    await createApp('validate', repo);
    const errors = await manifestErrors('validate');
    assert.deepStrictEqual(
      errors.map((e) => e.file),
      ['app/strict.yaml'],
      'only the one without Validate=false',
    );
    repo.remove('app/strict.yaml');
    const sha = repo.commit('drop strict');
    // (the API server drops the unknown field, so the object stays OutOfSync: what Validate=false is for is
    // letting a manifest through, not making git's text what the cluster holds)
    await waitApp('validate', 'synced', (a) => lastEntry(a)?.revision === sha && lastEntry(a).result === 'Succeeded');
    assert.ok(await exists('configmap', 'loose', 'validate'));
  });

  it('IgnoreExtraneous: a live object git no longer has does not make the app OutOfSync', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/extra.yaml': configMap('extra', { 'argocd.argoproj.io/compare-options': 'IgnoreExtraneous' }),
      'app/other.yaml': configMap('other'),
    });
    await createApp('extraneous', repo, { prune: false });
    await healthyAt('extraneous', repo.git('rev-parse', 'HEAD'));
    repo.remove('app/extra.yaml');
    await healthyAt('extraneous', repo.commit('drop extra'));
    repo.remove('app/other.yaml');
    const sha = repo.commit('drop other');
    const app = await waitApp('extraneous', 'OutOfSync for other only', (a) => a.status?.sync?.revision === sha);
    assert.strictEqual(app.status!.sync!.status, 'OutOfSync', 'other (no compare option) awaits pruning');
    assert.ok(await exists('configmap', 'extra', 'extraneous'));
  });

  it('FailOnSharedResource=true and CreateNamespace=true: Slipway does both by default', async () => {
    const shared = configMap('shared');
    const one = makeRepo({ 'app/shared.yaml': shared.replace('name: shared', 'name: shared\n  namespace: common') });
    const two = makeRepo({ 'app/shared.yaml': shared.replace('name: shared', 'name: shared\n  namespace: common') });
    await createApp('common', one, { syncOptions: ['CreateNamespace=true'] });
    await healthyAt('common', one.git('rev-parse', 'HEAD'));
    await createApp('second', two, { syncOptions: ['FailOnSharedResource=true', 'CreateNamespace=true'] });
    const app = await waitApp('second', 'failed', (a) => lastEntry(a)?.result === 'Failed');
    assert.match(lastEntry(app).message!, /ConfigMap common\/shared belongs to Application default\/common/);
    assert.ok(await exists('namespace', 'second', ''), 'the destination namespace was created');
  });

  it('an unknown sync option or value is a manifest error naming the annotation', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/typo.yaml': configMap('typo', { 'argocd.argoproj.io/sync-options': 'Prun=false,Replace=yes' }),
    });
    await createApp('typo', repo);
    const errors = await manifestErrors('typo');
    assert.deepStrictEqual(
      errors.map((e) => e.field),
      [
        'metadata.annotations[argocd.argoproj.io/sync-options]',
        'metadata.annotations[argocd.argoproj.io/sync-options]',
      ],
    );
    assert.match(errors[0].message, /unknown sync option "Prun=false"/);
    assert.match(errors[1].message, /"Replace=yes": Replace takes true or false/);
  });

  it('an unknown app-wide sync option fails the sync, naming the field, and applies nothing', async () => {
    const repo = makeRepo(webApp());
    const sha = repo.git('rev-parse', 'HEAD');
    await createApp('appopts', repo, { syncOptions: ['Prune=flase'] });
    const app = await waitApp(
      'appopts',
      'failed',
      (a) => lastEntry(a)?.revision === sha && lastEntry(a).result === 'Failed',
    );
    assert.match(
      lastEntry(app).message!,
      /spec.syncPolicy.syncOptions: Unsupported value: "Prune=flase": Prune takes true or false/,
    );
    assert.ok(!(await exists('deployment', 'web', 'appopts')));
  });
});
