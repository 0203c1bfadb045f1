// What deploying real public GitOps repositories exposed, on real git repositories against the embedded cluster:
// each test failed before its fix.
import * as assert from 'assert';
import { eventually, TestCluster } from '../helpers/testCluster';
import { appRef, applications, useSyncer } from './helpers/syncerHarness';
import { makeRepo, webApp } from './helpers/gitRepo';
import { describeStatus } from '../../syncer/commands/statusText';

describe('syncer on real repositories', function () {
  this.timeout(90_000);
  // retries far apart, so what clears a failed sync's error in a test is the self-heal, not a retry
  const h = useSyncer({ waveTimeoutMs: 20_000, retryBackoff: { initialMs: 120_000, maxMs: 120_000 } });
  let t: TestCluster;
  before(() => ({ t } = h.syncer));
  const { createApp, waitApp, syncedAt } = applications(() => h.syncer.client);
  const json = async (args: string[]) => {
    const r = await t.kubectl(['get', '-o', 'json', ...args]);
    assert.strictEqual(r.code, 0, r.stderr);
    return JSON.parse(r.stdout);
  };

  it('syncs a Service port and a containerPort changed in git (no stale entry, no refusal)', async () => {
    const repo = makeRepo(webApp());
    await createApp('ports', repo);
    await syncedAt('ports', repo.git('rev-parse', 'HEAD'));
    const files = webApp();
    repo.write(
      'app/web.yaml',
      files['app/web.yaml'].replace(/port: 80/g, 'port: 8080').replace(/Port: 80/g, 'Port: 8080'),
    );
    const sha = repo.commit('port 8080');
    await syncedAt('ports', sha);
    const svc = await json(['service', 'web', '-n', 'ports']);
    assert.deepStrictEqual(
      svc.spec.ports.map((p: { port: number; protocol: string }) => `${p.port}/${p.protocol}`),
      ['8080/TCP'],
    );
    const deploy = await json(['deployment', 'web', '-n', 'ports']);
    assert.deepStrictEqual(
      deploy.spec.template.spec.containers[0].ports.map((p: { containerPort: number }) => p.containerPort),
      [8080],
    );
  });

  it("tracks with Slipway's own label and annotation, not the user's app.kubernetes.io/instance", async () => {
    const files = webApp();
    files['app/config.yaml'] = files['app/config.yaml'].replace(
      'name: settings',
      'name: settings\n  labels:\n    app.kubernetes.io/instance: webapp',
    );
    const repo = makeRepo(files);
    await createApp('labels', repo, { automated: true, prune: true });
    const first = await syncedAt('labels', repo.git('rev-parse', 'HEAD'));
    const cm = await json(['configmap', 'settings', '-n', 'labels']);
    assert.strictEqual(cm.metadata.labels['app.kubernetes.io/instance'], 'webapp');
    assert.strictEqual(cm.metadata.labels['slipway.dev/app'], 'labels');
    assert.strictEqual(cm.metadata.annotations['slipway.dev/tracking-id'], 'default/labels:/ConfigMap:labels/settings');
    const svc = await json(['service', 'web', '-n', 'labels']);
    assert.strictEqual(svc.metadata.labels['app.kubernetes.io/instance'], undefined);
    assert.ok(first.status?.resources?.every((r) => r.status === 'Synced'));
    // still the app's: pruned when it leaves git
    repo.remove('app/config.yaml');
    await syncedAt('labels', repo.commit('no config'));
    await eventually(
      async () => (await t.kubectl(['get', 'configmap', 'settings', '-n', 'labels'])).code !== 0,
      10_000,
    );
  });

  it('recognises objects an earlier Slipway deployed: migrates those in git, prunes those not', async () => {
    const legacy = (name: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name,
          namespace: 'legacy',
          labels: { 'app.kubernetes.io/instance': 'legacy' },
          annotations: { 'slipway.dev/application': 'default/legacy' },
        },
        data: { greeting: 'hello' },
      });
    assert.strictEqual((await t.kubectl(['create', 'namespace', 'legacy'])).code, 0);
    for (const name of ['settings', 'old']) {
      const r = await t.kubectl(['apply', '--server-side', '--field-manager=slipway', '-f', '-'], {
        input: legacy(name),
      });
      assert.strictEqual(r.code, 0, r.stderr);
    }
    const repo = makeRepo(webApp());
    await createApp('legacy', repo, { automated: true, prune: true });
    await syncedAt('legacy', repo.git('rev-parse', 'HEAD'));
    await eventually(async () => (await t.kubectl(['get', 'configmap', 'old', '-n', 'legacy'])).code !== 0, 10_000);
    const cm = await json(['configmap', 'settings', '-n', 'legacy']);
    assert.strictEqual(cm.metadata.labels['app.kubernetes.io/instance'], undefined);
    assert.strictEqual(cm.metadata.annotations['slipway.dev/application'], undefined);
    assert.strictEqual(cm.metadata.annotations['slipway.dev/tracking-id'], 'default/legacy:/ConfigMap:legacy/settings');
  });

  it('a commit that changes nothing in the app folder moves the revision but adds no history entry', async () => {
    const repo = makeRepo({ ...webApp(), 'README.md': 'docs\n' });
    await createApp('quiet', repo);
    await syncedAt('quiet', repo.git('rev-parse', 'HEAD'));
    repo.write('README.md', 'more docs\n');
    const docs = repo.commit('docs only');
    const app = await syncedAt('quiet', docs);
    assert.deepStrictEqual(
      app.status!.history!.map((h) => h.subject),
      ['first'],
    );
    repo.write('app/config.yaml', webApp()['app/config.yaml'].replace('hello', 'hi'));
    const real = repo.commit('greeting hi');
    const after = await syncedAt('quiet', real);
    assert.deepStrictEqual(
      after.status!.history!.map((h) => h.subject),
      ['first', 'greeting hi'],
    );
  });

  it("a failed sync keeps the app's real health, and a self-heal that completes it clears SyncError", async () => {
    assert.strictEqual((await t.kubectl(['create', 'namespace', 'agree'])).code, 0);
    const taken = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: taken\n  namespace: agree\n  annotations:\n';
    await t.apply(`${taken}    slipway.dev/application: default/someone-else\ndata: {a: b}\n`);
    const repo = makeRepo(webApp());
    await createApp('agree', repo, { automated: true, selfHeal: true });
    await syncedAt('agree', repo.git('rev-parse', 'HEAD'));
    await waitApp('agree', 'Healthy', (a) => a.status?.health?.status === 'Healthy');
    repo.write('app/taken.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: taken\ndata: {a: c}\n');
    const sha = repo.commit('take a ConfigMap');
    const failed = await waitApp(
      'agree',
      'the failed sync recorded',
      (a) => !!a.status?.history?.find((h) => h.revision === sha),
      20_000,
    );
    const entry = failed.status!.history!.find((h) => h.revision === sha)!;
    assert.strictEqual(entry.result, 'Failed');
    assert.strictEqual(failed.status!.health!.status, 'Healthy');
    assert.strictEqual(entry.health, 'Healthy');
    assert.ok(failed.status!.conditions!.some((c) => c.type === 'SyncError'));
    // the other app lets go of it: self-heal applies it, and the error no longer describes the app
    const r = await t.kubectl(['annotate', 'configmap', 'taken', '-n', 'agree', 'slipway.dev/application-']);
    assert.strictEqual(r.code, 0, r.stderr);
    // (the ConfigMap carries no label of the app yet, so its watches see nothing: a drift they see starts a pass)
    assert.strictEqual((await t.kubectl(['scale', 'deployment', 'web', '-n', 'agree', '--replicas=1'])).code, 0);
    const healed = await syncedAt('agree', sha);
    assert.strictEqual(
      healed.status!.conditions?.find((c) => c.type === 'SyncError'),
      undefined,
    );
    assert.strictEqual((await json(['configmap', 'taken', '-n', 'agree'])).data.a, 'c');
  });

  it('after a rollback the SYNC column and status say the branch tip is not deployed', async () => {
    const repo = makeRepo(webApp());
    await createApp('pinned', repo);
    await syncedAt('pinned', repo.git('rev-parse', 'HEAD'));
    repo.write('app/config.yaml', webApp()['app/config.yaml'].replace('hello', 'hi'));
    const tip = repo.commit('greeting hi');
    await syncedAt('pinned', tip);
    await h.syncer.client.mergePatch(appRef('pinned'), { spec: { operation: { rollback: { id: 1 } } } });
    const app = await waitApp(
      'pinned',
      'pinned to #1',
      (a) => a.status?.pinned?.id === 1 && !a.spec.operation && a.status.sync?.revision !== tip,
      20_000,
    );
    assert.strictEqual(app.status!.sync!.status, 'OutOfSync');
    assert.strictEqual(app.status!.sync!.message, `pinned to #1; branch tip ${tip.slice(0, 7)} not deployed`);
    assert.ok(app.status!.resources!.every((r) => r.status === 'Synced'));
    const table = await t.kubectl(['get', 'app', 'pinned']);
    assert.match(table.stdout.split('\n')[1], /^pinned\s+OutOfSync\s/);
    const pinnedLine = /^pinned: OutOfSync \w+ · \w+.*\(pinned to #1; branch tip \w{7} not deployed\)/m;
    assert.match(describeStatus(app), pinnedLine);
  });

  it('a child Application removed from git (app of apps) is deleted with its workloads', async () => {
    const child = makeRepo(webApp());
    const childApp = `apiVersion: slipway.dev/v1alpha1
kind: Application
metadata:
  name: child
  namespace: default
spec:
  source: {repo: ${child.dir}, branch: main, path: app}
  destination: {namespace: child}
`;
    const parent = makeRepo({ 'apps/child.yaml': childApp, 'apps/keep.yaml': webApp()['app/config.yaml'] });
    await createApp('parent', parent, { automated: true, prune: true }, {}, { path: 'apps' });
    await syncedAt('parent', parent.git('rev-parse', 'HEAD'));
    const running = await syncedAt('child', child.git('rev-parse', 'HEAD'));
    assert.deepStrictEqual(running.metadata.finalizers, ['slipway.dev/resources-finalizer']);
    assert.strictEqual((await t.kubectl(['get', 'deployment', 'web', '-n', 'child'])).code, 0);
    parent.remove('apps/child.yaml');
    await syncedAt('parent', parent.commit('no child'));
    await eventually(
      async () =>
        (await t.kubectl(['get', 'application', 'child'])).code !== 0 &&
        (await t.kubectl(['get', 'deployment', 'web', '-n', 'child'])).code !== 0 &&
        (await t.kubectl(['get', 'service', 'web', '-n', 'child'])).code !== 0,
      20_000,
      'the child Application and its Deployment and Service gone',
    );
  });

  it('an Application whose policy preserves resources on deletion leaves them', async () => {
    const repo = makeRepo(webApp());
    await createApp('kept', repo, { automated: true, preserveResourcesOnDeletion: true });
    const app = await syncedAt('kept', repo.git('rev-parse', 'HEAD'));
    assert.ok(app.metadata.finalizers?.includes('slipway.dev/resources-finalizer'));
    const r = await t.kubectl(['delete', 'application', 'kept', '--wait=true', '--timeout=20s']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual((await t.kubectl(['get', 'deployment', 'web', '-n', 'kept'])).code, 0);
    assert.strictEqual((await t.kubectl(['get', 'configmap', 'settings', '-n', 'kept'])).code, 0);
  });

  it('a generateName manifest is created once per revision under its generated name, and tracked', async () => {
    const job = `apiVersion: batch/v1
kind: Job
metadata:
  generateName: migrate-
spec:
  template:
    metadata:
      annotations: {sim.slipway.dev/run-seconds: "1", sim.slipway.dev/exit-code: "0"}
    spec:
      restartPolicy: Never
      containers: [{name: migrate, image: busybox}]
`;
    const repo = makeRepo({ ...webApp(), 'app/migrate.yaml': job });
    await createApp('gen', repo);
    const first = await syncedAt('gen', repo.git('rev-parse', 'HEAD'));
    const jobs = async () =>
      (await json(['jobs', '-n', 'gen'])).items.map((j: { metadata: { name: string } }) => j.metadata.name);
    const names: string[] = await jobs();
    assert.strictEqual(names.length, 1);
    assert.match(names[0], /^migrate-[a-z0-9]{5}$/);
    const shown = first.status!.resources!.find((r) => r.kind === 'Job')!;
    assert.strictEqual(shown.name, names[0]);
    assert.strictEqual(shown.status, 'Synced');
    // passes of the same revision (a drift elsewhere starts one) create no second Job
    assert.strictEqual((await t.kubectl(['scale', 'deployment', 'web', '-n', 'gen', '--replicas=1'])).code, 0);
    await h.syncer.controller.runner('default', 'gen')!.settled();
    assert.deepStrictEqual(await jobs(), names);
    assert.ok(!h.syncer.logs.some((l) => l.includes('undefined')), h.syncer.logs.join('\n'));
  });
});
