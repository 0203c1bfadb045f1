// Resource hooks (argocd.argoproj.io/hook and slipway.dev/hook) end to end: real git repositories, the embedded
// cluster's Job controller and kubelet running the hook Jobs, the syncer running them in their phases.
import * as assert from 'assert';
import type { Deployment } from 'kubernetes-types/apps/v1';
import type { Job } from 'kubernetes-types/batch/v1';
import { Application } from '../../kube/application';
import { ObjectClient } from '../../kubeclient/objectClient';
import { historyTable } from '../../syncer/commands/history';
import { describeStatus } from '../../syncer/commands/statusText';
import { TestCluster } from '../helpers/testCluster';
import { makeRepo, webApp } from './helpers/gitRepo';
import { applications, NO_RETRY, useSyncer } from './helpers/syncerHarness';

/** A Job as the API server returns it. */
type LiveJob = Job & { metadata: NonNullable<Job['metadata']> & { name: string } };

/** A Job manifest; `fail` makes its pod exit 1 (no retries), so the Job fails. */
function job(
  name: string,
  annotations: Record<string, string>,
  opts: { fail?: boolean; generateName?: boolean } = {},
): string {
  const meta = opts.generateName ? `generateName: ${name}-` : `name: ${name}`;
  const ann = Object.entries(annotations)
    .map(([k, v]) => `    ${k}: "${v}"`)
    .join('\n');
  const podAnn = opts.fail ? `\n      annotations:\n        sim.slipway.dev/exit-code: "1"` : '';
  return `apiVersion: batch/v1
kind: Job
metadata:
  ${meta}
  annotations:
${ann}
spec:
  backoffLimit: 0
  template:
    metadata:
      labels: {hook: ${name}}${podAnn}
    spec:
      restartPolicy: Never
      containers:
        - name: run
          image: busybox:1.36
`;
}

describe('resource hooks (real git, real cluster)', function () {
  this.timeout(90_000);
  const h = useSyncer({ waveTimeoutMs: 20_000, retryBackoff: NO_RETRY });
  let t: TestCluster;
  let client: ObjectClient;
  let logs: string[];
  before(() => ({ t, client, logs } = h.syncer));

  const { createApp, waitApp, healthyAt, manifestErrors, operate } = applications(() => client);
  const jobs = async (ns: string) => (await t.json(['get', 'jobs', '-n', ns])).items as LiveJob[];
  const complete = (j: Job | undefined) =>
    !!j?.status?.conditions?.some((c) => c.type === 'Complete' && c.status === 'True');
  const lastEntry = (a: Application) => a.status!.history![a.status!.history!.length - 1];
  const failedAt = (name: string, sha: string) =>
    waitApp(name, `sync of ${sha.slice(0, 7)} failed`, (a) => {
      const h = a.status?.history?.[a.status.history.length - 1];
      return h?.revision === sha && h.result === 'Failed';
    });
  /** index in the syncer's log of the first line of app `app` matching re (-1 when none) */
  const logIndex = (app: string, re: RegExp) => logs.findIndex((l) => l.startsWith(`[${app}] `) && re.test(l));

  it('a PreSync Job runs to completion before the Deployment is applied, and shows in status and history', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/migrate.yaml': job('migrate', { 'argocd.argoproj.io/hook': 'PreSync' }),
    });
    const sha = repo.git('rev-parse', 'HEAD');
    await createApp('presync', repo);
    const app = await healthyAt('presync', sha);
    const done = logIndex('presync', /PreSync hook Job presync\/migrate Succeeded/);
    const applied = logIndex('presync', /applied Deployment presync\/web/);
    assert.ok(done >= 0 && applied > done, `the hook finished (line ${done}) before the Deployment (line ${applied})`);
    const [migrate] = await jobs('presync');
    assert.strictEqual(migrate.metadata.name, 'migrate');
    assert.ok(complete(migrate));
    // not a resource of the app: not listed, not OutOfSync
    assert.ok(!app.status!.resources!.some((r) => r.kind === 'Job'));
    const hook = app.status!.operationState!.syncResult!.resources[0];
    assert.deepStrictEqual(
      { kind: hook.kind, name: hook.name, hookType: hook.hookType, hookPhase: hook.hookPhase },
      { kind: 'Job', name: 'migrate', hookType: 'PreSync', hookPhase: 'Succeeded' },
    );
    assert.strictEqual(lastEntry(app).hooks![0].hookPhase, 'Succeeded');
    assert.match(describeStatus(app), /PreSync hook Job\/presync\/migrate\s+Succeeded/);
    assert.match(historyTable(app), /HOOKS[\s\S]*Succeeded\s+Healthy\s+1 ok\s+commit/);
  });

  it('a failed PreSync hook applies nothing, runs the SyncFail hooks, and status says why', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/migrate.yaml': job('migrate', { 'slipway.dev/hook': 'PreSync' }, { fail: true }),
      'app/notify.yaml': job('notify', { 'argocd.argoproj.io/hook': 'SyncFail' }),
      'app/after.yaml': job('after', { 'argocd.argoproj.io/hook': 'PostSync' }),
    });
    const sha = repo.git('rev-parse', 'HEAD');
    await createApp('prefail', repo);
    const app = await failedAt('prefail', sha);
    const entry = lastEntry(app);
    assert.match(
      entry.message!,
      /PreSync hook Job prefail\/migrate failed: .*; nothing was applied; 1 SyncFail hook ran/,
    );
    assert.match(app.status!.conditions!.find((c) => c.type === 'SyncError')!.message, /PreSync hook Job/);
    assert.strictEqual((await t.kubectl(['get', 'deployment', 'web', '-n', 'prefail'])).code, 1);
    const byName = new Map((await jobs('prefail')).map((j) => [j.metadata.name, j]));
    assert.deepStrictEqual([...byName.keys()].sort(), ['migrate', 'notify'], 'the PostSync hook never ran');
    assert.ok(complete(byName.get('notify')));
    assert.deepStrictEqual(
      entry.hooks!.map((h) => `${h.hookType} ${h.name} ${h.hookPhase}`),
      ['PreSync migrate Failed', 'SyncFail notify Succeeded'],
    );
    assert.match(historyTable(app), /Failed\s+\S+\s+PreSync failed/);
  });

  it('PostSync hooks run once every resource is Healthy; Sync hooks run inside their wave', async () => {
    // pods that turn ready 2 s (20 s at 10x) after they start
    const slowWeb = webApp({ podAnnotations: { 'sim.slipway.dev/ready-after-seconds': '20' } });
    slowWeb['app/web.yaml'] = slowWeb['app/web.yaml'].replace(
      '        - name: web\n',
      '        - name: web\n          readinessProbe: {httpGet: {path: /, port: 80}, periodSeconds: 1}\n',
    );
    const repo = makeRepo({
      ...slowWeb,
      'app/smoke.yaml': job('smoke', { 'argocd.argoproj.io/hook': 'PostSync' }),
      'app/seed.yaml': job('seed', { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '1' }),
      'app/late.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: late
  annotations:
    argocd.argoproj.io/sync-wave: "2"
data: {a: b}
`,
    });
    const sha = repo.git('rev-parse', 'HEAD');
    await createApp('postsync', repo);
    const app = await waitApp(
      'postsync',
      'the PostSync hook ran',
      (a) => !!lastEntry(a)?.hooks?.some((h) => h.hookType === 'PostSync' && h.hookPhase === 'Succeeded'),
    );
    assert.strictEqual(lastEntry(app).result, 'Succeeded');
    assert.strictEqual(lastEntry(app).revision, sha);
    const seedDone = logIndex('postsync', /Sync hook Job postsync\/seed Succeeded/);
    assert.ok(logIndex('postsync', /applied Deployment postsync\/web/) < seedDone, 'wave 0 before the wave 1 hook');
    assert.ok(seedDone < logIndex('postsync', /applied ConfigMap postsync\/late/), 'the wave 1 hook before wave 2');
    // the PostSync Job was created once the Deployment was Available
    const deploy = await t.json(['get', 'deployment', 'web', '-n', 'postsync']);
    const available = (deploy as Deployment).status!.conditions!.find((c) => c.type === 'Available')!;
    const smoke = (await jobs('postsync')).find((j) => j.metadata.name === 'smoke');
    assert.ok(Date.parse(smoke!.metadata!.creationTimestamp!) >= Date.parse(available.lastTransitionTime!));
    assert.ok(
      logIndex('postsync', /PostSync hook: created Job postsync\/smoke/) >
        logIndex('postsync', /every resource is Healthy/),
    );
    assert.deepStrictEqual(
      lastEntry(app).hooks!.map((h) => `${h.hookType} ${h.name}`),
      ['Sync seed', 'PostSync smoke'],
    );
  });

  it('generateName hooks get a new object each sync; HookSucceeded deletes it; hooks are never pruned', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/keep.yaml': job('keep', { 'argocd.argoproj.io/hook': 'PreSync' }, { generateName: true }),
      'app/tidy.yaml': job(
        'tidy',
        { 'argocd.argoproj.io/hook': 'PostSync', 'argocd.argoproj.io/hook-delete-policy': 'HookSucceeded' },
        { generateName: true },
      ),
    });
    await createApp('gen', repo);
    let app = await waitApp('gen', 'first sync with hooks', (a) => lastEntry(a)?.hooks?.length === 2);
    assert.strictEqual(app.status!.sync!.status, 'Synced');
    const first = (await jobs('gen')).map((j) => j.metadata.name);
    assert.strictEqual(first.length, 1, `only the PreSync Job stays: ${first}`);
    assert.match(first[0], /^keep-[a-z0-9]{5}$/);
    const tidy = lastEntry(app).hooks!.find((h) => h.hookType === 'PostSync')!;
    assert.match(tidy.name, /^tidy-[a-z0-9]{5}$/);
    repo.write('app/config.yaml', webApp()['app/config.yaml'].replace('hello', 'hi'));
    const sha2 = repo.commit('greeting');
    app = await waitApp('gen', 'second sync', (a) => lastEntry(a)?.revision === sha2 && !!lastEntry(a).hooks);
    const second = (await jobs('gen')).map((j) => j.metadata.name).sort();
    assert.strictEqual(second.length, 2, `a new PreSync Job, and the first one not pruned: ${second}`);
    assert.ok(second.includes(first[0]));
    assert.strictEqual(app.status!.sync!.status, 'Synced');
  });

  it('a fixed-name hook is deleted before it is created again (BeforeHookCreation, the default); HookFailed deletes a failed one', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/migrate.yaml': job('migrate', { 'argocd.argoproj.io/hook': 'PreSync' }),
    });
    await createApp('recreate', repo);
    await healthyAt('recreate', repo.git('rev-parse', 'HEAD'));
    const uid1 = (await jobs('recreate'))[0].metadata.uid;
    repo.write('app/config.yaml', webApp()['app/config.yaml'].replace('hello', 'hi'));
    const sha2 = repo.commit('greeting');
    await healthyAt('recreate', sha2);
    const after = await jobs('recreate');
    assert.strictEqual(after.length, 1);
    assert.notStrictEqual(after[0].metadata.uid, uid1, 'a new Job for the second sync');

    // without BeforeHookCreation, the Job of the last sync is in the way: the sync says what to do
    const failing = (policy: string) =>
      job(
        'migrate',
        { 'argocd.argoproj.io/hook': 'PreSync', 'argocd.argoproj.io/hook-delete-policy': policy },
        {
          fail: true,
        },
      );
    repo.write('app/migrate.yaml', failing('HookFailed'));
    repo.write('app/config.yaml', webApp()['app/config.yaml'].replace('hello', 'hey'));
    const sha3 = repo.commit('migration that fails');
    let app = await failedAt('recreate', sha3);
    assert.match(lastEntry(app).message!, /Job recreate\/migrate already exists .*add BeforeHookCreation/);

    repo.write('app/migrate.yaml', failing('HookFailed, BeforeHookCreation'));
    const sha4 = repo.commit('migration that fails, replacing the last one');
    app = await failedAt('recreate', sha4);
    assert.match(lastEntry(app).message!, /PreSync hook Job recreate\/migrate failed/);
    assert.deepStrictEqual(
      (await jobs('recreate')).filter((j) => !j.metadata.deletionTimestamp),
      [],
      'the failed hook was deleted (HookFailed)',
    );
  });

  it('Skip: the resource is not applied and the app is Synced without it', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/skipped.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: skipped
  annotations:
    argocd.argoproj.io/hook: Skip
data: {a: b}
`,
    });
    await createApp('skip', repo);
    const app = await healthyAt('skip', repo.git('rev-parse', 'HEAD'));
    assert.strictEqual((await t.kubectl(['get', 'configmap', 'skipped', '-n', 'skip'])).code, 1);
    assert.ok(!app.status!.resources!.some((r) => r.name === 'skipped'));
  });

  it('an unknown hook type or delete policy is a manifest error naming the annotation', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/migrate.yaml': job('migrate', {
        'argocd.argoproj.io/hook': 'Presync',
        'slipway.dev/hook-delete-policy': 'OnSuccess',
      }),
    });
    await createApp('badhook', repo);
    const errors = await manifestErrors('badhook');
    assert.deepStrictEqual(
      errors.map((e) => `${e.file}:${e.line} ${e.field}`),
      [
        'app/migrate.yaml:6 metadata.annotations[argocd.argoproj.io/hook]',
        'app/migrate.yaml:7 metadata.annotations[slipway.dev/hook-delete-policy]',
      ],
    );
    assert.match(errors[0].message, /"Presync".*PreSync, Sync, PostSync, SyncFail, Skip/);
  });

  it('`slipway sync` runs the hooks again on a revision already deployed', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/check.yaml': job('check', { 'argocd.argoproj.io/hook': 'PostSync' }, { generateName: true }),
    });
    const sha = repo.git('rev-parse', 'HEAD');
    await createApp('again', repo);
    await waitApp('again', 'first PostSync', (a) => lastEntry(a)?.hooks?.length === 1);
    await operate('again', { sync: {} });
    const app = await waitApp('again', 'second sync recorded', (a) => a.status!.history!.length === 2);
    assert.strictEqual(lastEntry(app).revision, sha);
    assert.strictEqual((await jobs('again')).length, 2);
  });

  it('a failed Sync hook stops the sync at its wave: later waves are not applied, SyncFail hooks run', async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/check.yaml': job(
        'check',
        { 'argocd.argoproj.io/hook': 'Sync', 'argocd.argoproj.io/sync-wave': '1' },
        { fail: true },
      ),
      'app/cleanup.yaml': job('cleanup', { 'argocd.argoproj.io/hook': 'SyncFail' }, { generateName: true }),
      'app/late.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: late
  annotations:
    argocd.argoproj.io/sync-wave: "2"
data: {a: b}
`,
    });
    const sha = repo.git('rev-parse', 'HEAD');
    await createApp('syncfail', repo);
    const app = await failedAt('syncfail', sha);
    assert.match(lastEntry(app).message!, /^Sync hook Job syncfail\/check failed: .*; 1 SyncFail hook ran$/);
    assert.ok(await t.kubectl(['get', 'deployment', 'web', '-n', 'syncfail']).then((r) => r.code === 0), 'wave 0');
    assert.strictEqual((await t.kubectl(['get', 'configmap', 'late', '-n', 'syncfail'])).code, 1, 'wave 2');
    assert.deepStrictEqual(
      lastEntry(app).hooks!.map((h) => `${h.hookType} ${h.hookPhase}`),
      ['Sync Failed', 'SyncFail Succeeded'],
    );
  });
});
