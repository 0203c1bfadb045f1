// The syncer end to end: real git repositories with real commits, the embedded cluster's real API, the real
// kubectl to look at (and tamper with) what was deployed.
import * as assert from 'assert';
import * as path from 'path';
import { execFileSync } from 'child_process';
import { ObjectClient } from '../../kubeclient/objectClient';
import { widgetCrd } from '../helpers/manifests';
import { eventually, tempDir, TestCluster } from '../helpers/testCluster';
import { makeRepo, webApp } from './helpers/gitRepo';
import { applications, useSyncer } from './helpers/syncerHarness';

describe('syncer (real git, real cluster API)', function () {
  this.timeout(90_000);
  const h = useSyncer({ waveTimeoutMs: 20_000 }, { nodes: 2, clockSpeed: 10 });
  let t: TestCluster;
  let client: ObjectClient;
  let logs: string[];
  before(() => ({ t, client, logs } = h.syncer));
  afterEach(async function () {
    if (this.currentTest?.state === 'failed' && process.env.SLIPWAY_TEST_DEBUG)
      console.log((await t.kubectl(['get', 'deploy,rs,pods', '-A', '-o', 'wide'])).stdout);
  });

  const { createApp, waitApp, healthyAt, operate } = applications(() => client);

  const image = async (ns: string) =>
    (await t.json(['get', 'deployment', 'web', '-n', ns])).spec.template.spec.containers[0].image;

  it('applies a new Application, tracks what it applied and reports it Synced and Healthy with a history entry', async () => {
    const repo = makeRepo(webApp());
    const sha = repo.git('rev-parse', 'HEAD');
    await createApp('first', repo);
    const app = await healthyAt('first', sha);
    assert.deepStrictEqual(
      app.status!.resources!.map((r) => `${r.kind}/${r.name}:${r.status}:${r.health?.status}`).sort(),
      ['ConfigMap/settings:Synced:Healthy', 'Deployment/web:Synced:Healthy', 'Service/web:Synced:Healthy'],
    );
    assert.strictEqual(app.status!.history!.length, 1);
    const h = app.status!.history![0];
    assert.strictEqual(h.id, 1);
    assert.strictEqual(h.revision, sha);
    assert.strictEqual(h.subject, 'first');
    assert.strictEqual(h.author, 'Dev <dev@example.com>');
    assert.strictEqual(h.result, 'Succeeded');
    const deploy = await t.json(['get', 'deployment', 'web', '-n', 'first']);
    assert.strictEqual(deploy.metadata.labels['slipway.dev/app'], 'first');
    assert.strictEqual(
      deploy.metadata.annotations['slipway.dev/tracking-id'],
      'default/first:apps/Deployment:first/web',
    );
    // kubectl shows the app with its columns
    const table = await t.kubectl(['get', 'app', 'first']);
    assert.match(table.stdout, /NAME\s+SYNC\s+HEALTH\s+REVISION\s+AUTO-SYNC/);
    assert.match(table.stdout, new RegExp(`first\\s+Synced\\s+Healthy\\s+${sha.slice(0, 7)}\\s+On`));
  });

  it('a commit changing the image rolls out a new Deployment revision and adds a history entry; uncommitted edits do not deploy', async () => {
    const repo = makeRepo(webApp());
    await createApp('rollout', repo);
    await healthyAt('rollout', repo.git('rev-parse', 'HEAD'));
    repo.write('app/web.yaml', webApp({ image: 'nginx:1.26' })['app/web.yaml']);
    const sha2 = repo.commit('web: nginx 1.26');
    // an uncommitted edit must never reach the cluster
    repo.write('app/web.yaml', webApp({ image: 'nginx:9.99-uncommitted' })['app/web.yaml']);
    const app = await healthyAt('rollout', sha2);
    assert.deepStrictEqual(
      app.status!.history!.map((h) => [h.id, h.subject, h.result, h.health]),
      [
        [1, 'first', 'Succeeded', 'Healthy'],
        [2, 'web: nginx 1.26', 'Succeeded', 'Healthy'],
      ],
    );
    assert.strictEqual(await image('rollout'), 'nginx:1.26');
    const deploy = await t.json(['get', 'deployment', 'web', '-n', 'rollout']);
    assert.strictEqual(deploy.metadata.annotations['deployment.kubernetes.io/revision'], '2');
  });

  it('a burst of commits ends with the last one live', async () => {
    const repo = makeRepo(webApp());
    await createApp('burst', repo);
    await healthyAt('burst', repo.git('rev-parse', 'HEAD'));
    let last = '';
    for (let i = 1; i <= 5; i++) {
      repo.write(
        'app/config.yaml',
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: hello-${i}\n`,
      );
      last = repo.commit(`greeting ${i}`);
    }
    const app = await healthyAt('burst', last);
    assert.strictEqual((await t.json(['get', 'configmap', 'settings', '-n', 'burst'])).data.greeting, 'hello-5');
    assert.strictEqual(app.status!.history!.at(-1)!.subject, 'greeting 5');
  });

  it('rollback re-applies an old entry and pins the app, visibly, until resume', async () => {
    const repo = makeRepo(webApp());
    await createApp('pin', repo);
    await healthyAt('pin', repo.git('rev-parse', 'HEAD'));
    repo.write('app/web.yaml', webApp({ image: 'nginx:1.26' })['app/web.yaml']);
    await healthyAt('pin', repo.commit('web: nginx 1.26'));
    await operate('pin', { rollback: { id: 1 } });
    let app = await waitApp(
      'pin',
      'pinned to #1',
      (a) => a.status?.pinned?.id === 1 && a.status.health?.status === 'Healthy',
    );
    assert.strictEqual(await image('pin'), 'nginx:1.25');
    assert.match(app.status!.autoSync!, /Paused: pinned to #1/);
    const pinned = app.status!.conditions!.find((c) => c.type === 'Pinned')!;
    assert.match(pinned.message, /PAUSED.*#1.*slipway resume/);
    // one request, one rollback: the history gains exactly one entry
    assert.deepStrictEqual(
      app.status!.history!.map((h) => h.trigger),
      ['commit', 'commit', 'rollback'],
    );
    const table = await t.kubectl(['get', 'app', 'pin']);
    assert.match(table.stdout, /Paused: pinned to #1/);
    // a new commit is not deployed while pinned
    repo.write('app/web.yaml', webApp({ image: 'nginx:1.27' })['app/web.yaml']);
    const sha3 = repo.commit('web: nginx 1.27');
    await new Promise((r) => setTimeout(r, 1500));
    assert.strictEqual(await image('pin'), 'nginx:1.25');
    await operate('pin', { resume: {} });
    app = await healthyAt('pin', sha3);
    assert.strictEqual(app.status!.pinned, undefined);
    assert.strictEqual(await image('pin'), 'nginx:1.27');
    assert.ok(!app.status!.conditions?.some((c) => c.type === 'Pinned'));
  });

  it('rollback --git commits a revert on the branch, which is then deployed', async () => {
    const repo = makeRepo(webApp());
    await createApp('gitrb', repo);
    await healthyAt('gitrb', repo.git('rev-parse', 'HEAD'));
    const files2 = webApp({ image: 'nginx:1.26' });
    repo.write('app/web.yaml', files2['app/web.yaml']);
    repo.write('app/extra.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\ndata: {a: b}\n');
    await healthyAt('gitrb', repo.commit('nginx 1.26 and an extra ConfigMap'));
    await operate('gitrb', { rollback: { id: 1, git: true } });
    const tip = repo.git('rev-parse', 'main');
    const app = await healthyAt('gitrb', tip);
    assert.match(repo.git('log', '-1', '--format=%s', 'main'), /slipway rollback 1/);
    assert.strictEqual(repo.git('show', 'main:app/web.yaml'), repo.git('show', 'HEAD~2:app/web.yaml'));
    assert.strictEqual(app.status!.pinned, undefined);
    assert.strictEqual(await image('gitrb'), 'nginx:1.25');
    // the ConfigMap added after entry 1 left git with the revert and was pruned
    assert.strictEqual((await t.kubectl(['get', 'configmap', 'extra', '-n', 'gitrb'])).code, 1);
  });

  it('a revision with one invalid manifest applies nothing and names file, line and field; the last good revision stays', async () => {
    const repo = makeRepo(webApp());
    await createApp('invalid', repo);
    const good = repo.git('rev-parse', 'HEAD');
    await healthyAt('invalid', good);
    repo.write(
      'app/config.yaml',
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  greeting: changed\n',
    );
    repo.write(
      'app/web.yaml',
      webApp()
        ['app/web.yaml'].replace('replicas: 2', 'replicas: two')
        .replace('containerPort: 80', 'containerPort: 80\n              protocl: TCP'),
    );
    const bad = repo.commit('broken');
    const app = await waitApp(
      'invalid',
      'InvalidManifest',
      (a) => !!a.status?.conditions?.some((c) => c.type === 'InvalidManifest' && c.message.includes(bad.slice(0, 7))),
    );
    const cond = app.status!.conditions!.find((c) => c.type === 'InvalidManifest')!;
    const errors = cond.errors!.map((e) => `${e.file}:${e.line} ${e.field}`);
    assert.ok(errors.includes('app/web.yaml:6 spec.replicas'), errors.join('\n'));
    assert.ok(errors.includes('app/web.yaml:19 spec.template.spec.containers[0].ports[0].protocl'), errors.join('\n'));
    assert.match(cond.message, new RegExp(`${good.slice(0, 7)} stays live`));
    // nothing of the bad revision was applied, not even the valid ConfigMap change
    const cm = await t.json(['get', 'configmap', 'settings', '-n', 'invalid']);
    assert.strictEqual(cm.data.greeting, 'hello');
    const last = app.status!.history!.at(-1)!;
    assert.strictEqual(last.revision, bad);
    assert.strictEqual(last.result, 'Failed');
    assert.strictEqual(app.status!.sync!.status, 'OutOfSync');
    // fixing it deploys the fix
    repo.write('app/web.yaml', webApp()['app/web.yaml']);
    const fixed = await healthyAt('invalid', repo.commit('fix'));
    assert.ok(!fixed.status!.conditions?.some((c) => c.type === 'InvalidManifest'));
    assert.strictEqual((await t.json(['get', 'configmap', 'settings', '-n', 'invalid'])).data.greeting, 'changed');
  });

  it('a file deleted from git is pruned; Prune=false keeps one', async () => {
    const files = webApp();
    files['app/keep.yaml'] =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keep\n  annotations:\n    argocd.argoproj.io/sync-options: Prune=false\ndata: {a: b}\n';
    const repo = makeRepo(files);
    await createApp('prune', repo);
    await healthyAt('prune', repo.git('rev-parse', 'HEAD'));
    repo.remove('app/config.yaml');
    repo.remove('app/keep.yaml');
    await healthyAt('prune', repo.commit('drop config'));
    await eventually(
      async () => (await t.kubectl(['get', 'configmap', 'settings', '-n', 'prune'])).code === 1,
      10_000,
      'settings pruned',
    );
    assert.strictEqual((await t.kubectl(['get', 'configmap', 'keep', '-n', 'prune'])).code, 0);
  });

  it('self-heal reverts a live change within a second; without it the app is OutOfSync', async () => {
    const repo = makeRepo(webApp());
    await createApp('heal', repo, { selfHeal: true });
    await healthyAt('heal', repo.git('rev-parse', 'HEAD'));
    assert.strictEqual((await t.kubectl(['scale', 'deployment', 'web', '-n', 'heal', '--replicas=4'])).code, 0);
    await eventually(
      async () => (await t.json(['get', 'deployment', 'web', '-n', 'heal'])).spec.replicas === 2,
      5_000,
      'replicas healed back to 2',
    );

    const repo2 = makeRepo(webApp());
    await createApp('drift', repo2, { selfHeal: false });
    await healthyAt('drift', repo2.git('rev-parse', 'HEAD'));
    assert.strictEqual(
      (
        await t.kubectl([
          'patch',
          'configmap',
          'settings',
          '-n',
          'drift',
          '--type=merge',
          '-p',
          '{"data":{"greeting":"edited"}}',
        ])
      ).code,
      0,
    );
    const app = await waitApp('drift', 'OutOfSync', (a) => a.status?.sync?.status === 'OutOfSync');
    assert.strictEqual(app.status!.resources!.find((r) => r.kind === 'ConfigMap')!.status, 'OutOfSync');
    await new Promise((r) => setTimeout(r, 500));
    assert.strictEqual((await t.json(['get', 'configmap', 'settings', '-n', 'drift'])).data.greeting, 'edited');
  });

  it('autoRollback: a commit whose pods crash-loop is rolled back to the last Healthy entry, and says why', async () => {
    const repo = makeRepo(webApp());
    await createApp('autorb', repo, { autoRollback: true });
    await healthyAt('autorb', repo.git('rev-parse', 'HEAD'));
    repo.write(
      'app/web.yaml',
      webApp({ image: 'nginx:broken', podAnnotations: { 'sim.slipway.dev/crash-on-start': 'true' } })['app/web.yaml'],
    );
    const bad = repo.commit('crashing image');
    const app = await waitApp(
      'autorb',
      'rolled back',
      (a) => a.status?.pinned?.id === 1 && a.status.health?.status === 'Healthy',
      60_000,
    );
    const entries = app.status!.history!;
    const badEntry = entries.find((h) => h.revision === bad)!;
    assert.strictEqual(badEntry.health, 'Degraded');
    const last = entries.at(-1)!;
    assert.strictEqual(last.trigger, 'autoRollback');
    assert.match(last.message!, new RegExp(`#${badEntry.id} \\(${bad.slice(0, 7)}\\) left the app Degraded`));
    assert.ok(app.status!.conditions!.some((c) => c.type === 'AutoRollback' && /rolled back to #1/.test(c.message)));
    assert.strictEqual(await image('autorb'), 'nginx:1.25');
  });

  it('applies in waves, each healthy before the next, and kinds in dependency order within a wave', async () => {
    const files = webApp({ podAnnotations: { 'sim.slipway.dev/ready-after-seconds': '3' } });
    files['app/web.yaml'] = files['app/web.yaml'].replace(
      'kind: Deployment\nmetadata:\n  name: web\n',
      'kind: Deployment\nmetadata:\n  name: web\n  annotations:\n    argocd.argoproj.io/sync-wave: "-1"\n',
    );
    files['app/web.yaml'] = files['app/web.yaml']
      .replace('    spec:\n      containers:', '    spec:\n      containers:')
      .replace(
        '          ports:\n            - containerPort: 80\n',
        '          ports:\n            - containerPort: 80\n          readinessProbe:\n            tcpSocket: {port: 80}\n            periodSeconds: 1\n',
      );
    files['app/after.yaml'] =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after-web\n  annotations:\n    slipway.dev/sync-wave: "1"\ndata: {ready: "yes"}\n';
    files['app/ns.yaml'] = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: waves-extra\n';
    const repo = makeRepo(files);
    const from = logs.length;
    await createApp('waves', repo);
    const app = await healthyAt('waves', repo.git('rev-parse', 'HEAD'));
    const mine = logs.slice(from).filter((l) => l.startsWith('[waves]'));
    const at = (re: RegExp) => mine.findIndex((l) => re.test(l));
    if (process.env.SLIPWAY_TEST_DEBUG) console.log(mine);
    // waves first (as Argo CD orders them), then kinds: the Namespace leads wave 0, before the ConfigMap and Service
    assert.ok(
      at(/applied Namespace waves-extra/) >= 0 &&
        at(/applied Namespace waves-extra/) < at(/applied ConfigMap waves\/settings/),
      mine.join('\n'),
    );
    assert.ok(at(/applied ConfigMap waves\/settings/) < at(/applied Service waves\/web/), mine.join('\n'));
    assert.ok(at(/wave -1: waiting until healthy/) > at(/applied Deployment waves\/web/), mine.join('\n'));
    assert.ok(at(/applied ConfigMap waves\/after-web/) > at(/wave -1: waiting until healthy/), mine.join('\n'));
    // the ConfigMap of wave 1 was created only once the Deployment of wave -1 was available
    const deploy = await t.json(['get', 'deployment', 'web', '-n', 'waves']);
    const cm = await t.json(['get', 'configmap', 'after-web', '-n', 'waves']);
    const available = deploy.status.conditions.find(
      (c: { type: string; status: string }) => c.type === 'Available' && c.status === 'True',
    );
    assert.ok(
      Date.parse(cm.metadata.creationTimestamp) >= Date.parse(available.lastTransitionTime),
      `${cm.metadata.creationTimestamp} < ${available.lastTransitionTime}`,
    );
    assert.deepStrictEqual(
      app
        .status!.resources!.filter((r) => r.name !== 'waves-extra')
        .map((r) => `${r.kind}:${r.wave}`)
        .sort(),
      ['ConfigMap:0', 'ConfigMap:1', 'Deployment:-1', 'Service:0'],
    );
  });

  it('a CRD and its custom resources in one revision: the CRD is applied and Established first', async () => {
    const repo = makeRepo({
      'app/crd.yaml': JSON.stringify(
        widgetCrd({ spec: { type: 'object', properties: { size: { type: 'integer' } } } }),
      ),
      'app/widget.yaml': 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: 3\n',
    });
    await createApp('crds', repo);
    await healthyAt('crds', repo.git('rev-parse', 'HEAD'));
    const w = await t.json(['get', 'widgets', 'w1', '-n', 'crds']);
    assert.strictEqual(w.spec.size, 3);
    // a custom resource that breaks its CRD's schema is reported with file, line and field before anything is applied
    repo.write(
      'app/widget.yaml',
      'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w1\nspec:\n  size: large\n',
    );
    repo.write('app/gadget.yaml', 'apiVersion: example.com/v1\nkind: Gadget\nmetadata:\n  name: g1\n');
    const bad = repo.commit('bad widget');
    const app = await waitApp(
      'crds',
      'InvalidManifest',
      (a) => !!a.status?.conditions?.some((c) => c.type === 'InvalidManifest' && c.message.includes(bad.slice(0, 7))),
    );
    const errors = app
      .status!.conditions!.find((c) => c.type === 'InvalidManifest')!
      .errors!.map((e) => `${e.file}:${e.line} ${e.field}: ${e.message}`);
    // worded as kube-apiserver would refuse it
    assert.ok(
      errors.includes(
        'app/widget.yaml:6 spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"',
      ),
      errors.join('\n'),
    );
    assert.ok(
      errors.some((e) => e.startsWith('app/gadget.yaml:2 kind:') && /no CustomResourceDefinition/.test(e)),
      errors.join('\n'),
    );
  });

  it('does not take over an object another Application deployed, and says which', async () => {
    const files = { 'app/shared.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: shared\ndata: {a: b}\n' };
    const repoA = makeRepo(files);
    await createApp('owner-a', repoA, {}, { destination: { namespace: 'shared' } });
    await healthyAt('owner-a', repoA.git('rev-parse', 'HEAD'));
    const repoB = makeRepo({ ...files, 'app/shared.yaml': files['app/shared.yaml'].replace('{a: b}', '{a: c}') });
    await createApp('owner-b', repoB, {}, { destination: { namespace: 'shared' } });
    const b = await waitApp('owner-b', 'SyncError', (a) => !!a.status?.conditions?.some((c) => c.type === 'SyncError'));
    assert.match(
      b.status!.conditions!.find((c) => c.type === 'SyncError')!.message,
      /app\/shared\.yaml:1: ConfigMap shared\/shared belongs to Application default\/owner-a/,
    );
    const cm = await t.json(['get', 'configmap', 'shared', '-n', 'shared']);
    assert.strictEqual(cm.data.a, 'b');
    assert.strictEqual(cm.metadata.annotations['slipway.dev/tracking-id'], 'default/owner-a:/ConfigMap:shared/shared');
  });

  it('a commit that removes the app folder is reported as a source error, and nothing is pruned', async () => {
    const repo = makeRepo(webApp());
    await createApp('gone', repo);
    await healthyAt('gone', repo.git('rev-parse', 'HEAD'));
    repo.remove('app/config.yaml');
    repo.remove('app/web.yaml');
    const sha = repo.commit('move everything away');
    const app = await waitApp(
      'gone',
      'SourceError',
      (a) => !!a.status?.conditions?.some((c) => c.type === 'SourceError'),
    );
    assert.match(app.status!.conditions!.find((c) => c.type === 'SourceError')!.message, /app/);
    assert.ok(!app.status!.history!.some((h) => h.revision === sha));
    assert.strictEqual((await t.kubectl(['get', 'configmap', 'settings', '-n', 'gone'])).code, 0);
  });

  it('a bare repository used as a remote URL is cloned, synced, and fetched on refresh', async () => {
    const work = makeRepo(webApp());
    const bare = path.join(tempDir('slipway-bare-'), 'app.git');
    execFileSync('git', ['clone', '-q', '--bare', work.dir, bare]);
    await createApp('remote', `file://${bare}`);
    await healthyAt('remote', work.git('rev-parse', 'HEAD'));
    work.write('app/web.yaml', webApp({ image: 'nginx:1.26' })['app/web.yaml']);
    const sha2 = work.commit('remote change');
    work.git('push', '-q', bare, 'main');
    await operate('remote', { refresh: {} });
    await healthyAt('remote', sha2);
    assert.strictEqual(await image('remote'), 'nginx:1.26');
  });

  it('a restarted syncer keeps the history and picks up commits made while it was down', async () => {
    const repo = makeRepo(webApp());
    await createApp('restart', repo);
    await healthyAt('restart', repo.git('rev-parse', 'HEAD'));
    let sha2 = '';
    await h.syncer.restart(() => {
      repo.write('app/web.yaml', webApp({ image: 'nginx:1.26' })['app/web.yaml']);
      sha2 = repo.commit('while down');
    });
    const app = await healthyAt('restart', sha2);
    assert.deepStrictEqual(
      app.status!.history!.map((h) => h.subject),
      ['first', 'while down'],
    );
    assert.strictEqual(await image('restart'), 'nginx:1.26');
  });
});
