// Several applications: an app whose manifests are Applications (app of apps) and an app that makes one
// Application per folder (`slipway up --apps DIR`), on real git repositories against the embedded cluster.
import * as assert from 'assert';
import { Application, ResourceStatus } from '../../kube/application';
import { eventually, TestCluster } from '../helpers/testCluster';
import { applications, useSyncer } from './helpers/syncerHarness';
import { makeRepo, webApp } from './helpers/gitRepo';

const childManifest = (name: string, repo: string, path: string) => `apiVersion: slipway.dev/v1alpha1
kind: Application
metadata:
  name: ${name}
  namespace: default
spec:
  source: {repo: ${repo}, branch: main, path: ${path}}
  destination: {namespace: ${name}}
`;

describe('several applications', function () {
  this.timeout(90_000);
  const h = useSyncer({ waveTimeoutMs: 20_000 });
  let t: TestCluster;
  before(() => ({ t } = h.syncer));
  const apps = applications(() => h.syncer.client);

  const exists = async (...args: string[]) => (await t.kubectl(['get', ...args])).code === 0;
  const image = async (ns: string) => {
    const r = await t.kubectl([
      'get',
      'deployment',
      'web',
      '-n',
      ns,
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    ]);
    return r.code === 0 ? r.stdout : undefined;
  };
  const childEntry = (parent: Application, name: string): ResourceStatus | undefined =>
    parent.status?.resources?.find((r) => r.kind === 'Application' && r.name === name);

  it('app of apps: children are created and sync their own resources, are updated, and pruned with them', async () => {
    const child = makeRepo({ ...webApp({ folder: 'v1' }), ...webApp({ folder: 'v2', image: 'nginx:1.27' }) });
    const parent = makeRepo({ 'apps/front.yaml': childManifest('front', child.dir, 'v1') });
    await apps.createApp('parent', parent, { automated: true, prune: true }, {}, { path: 'apps' });
    const childSha = child.git('rev-parse', 'HEAD');
    await apps.healthyAt('front', childSha);
    assert.strictEqual(await image('front'), 'nginx:1.25');
    // the parent judges the child Application by the child's own sync and health
    const healthy = await apps.healthyAt('parent', parent.git('rev-parse', 'HEAD'));
    assert.deepStrictEqual(childEntry(healthy, 'front')?.health?.status, 'Healthy');

    // a new child in git is created; a changed child (another folder of its repository) deploys that folder
    parent.write('apps/front.yaml', childManifest('front', child.dir, 'v2'));
    parent.write('apps/back.yaml', childManifest('back', child.dir, 'v1'));
    const updated = parent.commit('front from v2; a back app');
    await apps.healthyAt('back', childSha);
    await eventually(async () => (await image('front')) === 'nginx:1.27', 20_000, 'front deploys v2 (nginx:1.27)');
    const settled = await apps.healthyAt('parent', updated);
    assert.deepStrictEqual(
      ['back', 'front'].map((n) => childEntry(settled, n)?.health?.status),
      ['Healthy', 'Healthy'],
    );

    // a child removed from git goes, and its resources with it; the other child stays
    parent.remove('apps/front.yaml');
    await apps.healthyAt('parent', parent.commit('no front'));
    await eventually(
      async () =>
        !(await exists('application', 'front')) &&
        !(await exists('deployment', 'web', '-n', 'front')) &&
        !(await exists('configmap', 'settings', '-n', 'front')),
      20_000,
      'front and its Deployment and ConfigMap gone',
    );
    assert.ok(await exists('deployment', 'web', '-n', 'back'));
  });

  it("a child Application's failed sync shows as Degraded in its parent", async () => {
    const child = makeRepo(webApp());
    const parent = makeRepo({ 'apps/broken.yaml': childManifest('broken', child.dir, 'app') });
    await apps.createApp('judge', parent, { automated: true }, {}, { path: 'apps' });
    await apps.healthyAt('broken', child.git('rev-parse', 'HEAD'));
    // a valid manifest the API server refuses to apply (a Deployment's selector is immutable): the sync fails
    child.write('app/web.yaml', webApp()['app/web.yaml'].replace(/\{app: web\}/g, '{app: web2}'));
    child.commit('another selector');
    const judged = await apps.waitApp(
      'judge',
      'child Degraded',
      (a) => childEntry(a, 'broken')?.health?.status === 'Degraded',
    );
    assert.match(childEntry(judged, 'broken')!.health!.message!, /its sync failed: .*web/);
    assert.strictEqual(judged.status!.health!.status, 'Degraded');
  });

  it('one Application per folder: a new folder gets an app, a removed folder its app pruned with its resources', async () => {
    const repo = makeRepo({ ...webApp({ folder: 'apps/alpha' }), ...webApp({ folder: 'apps/Beta Two' }) });
    await apps.createApp(
      'apps',
      repo,
      { automated: true, prune: true },
      { generator: { directories: {} } },
      { path: 'apps' },
    );
    const first = repo.git('rev-parse', 'HEAD');
    const alpha = await apps.healthyAt('alpha', first);
    assert.deepStrictEqual(alpha.spec.source, { repo: repo.dir, branch: 'main', path: 'apps/alpha' });
    assert.strictEqual(alpha.spec.destination?.namespace, 'alpha');
    await apps.healthyAt('beta-two', first);
    assert.ok(await exists('deployment', 'web', '-n', 'beta-two'));

    for (const [file, text] of Object.entries(webApp({ folder: 'apps/gamma', image: 'nginx:1.27' })))
      repo.write(file, text);
    const added = repo.commit('gamma');
    await apps.healthyAt('gamma', added);
    assert.strictEqual(await image('gamma'), 'nginx:1.27');
    await apps.healthyAt('apps', added);

    repo.remove('apps/alpha/web.yaml');
    repo.remove('apps/alpha/config.yaml');
    await apps.healthyAt('apps', repo.commit('no alpha'));
    await eventually(
      async () => !(await exists('application', 'alpha')) && !(await exists('deployment', 'web', '-n', 'alpha')),
      20_000,
      'alpha and its Deployment gone',
    );
    assert.ok(await exists('application', 'gamma'));
  });
});
