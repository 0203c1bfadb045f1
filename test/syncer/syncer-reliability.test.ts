// The syncer when things go wrong: failing syncs retried with back-off in one history entry, rollbacks that
// cannot be carried out, kustomize renders that hang or reach where they must not. Real git, the embedded
// cluster's real API, a local HTTP server standing in for a remote base.
import * as assert from 'assert';
import * as http from 'http';
import { AddressInfo } from 'net';
import { ApplicationController } from '../../syncer/applicationController';
import { ObjectClient } from '../../kubeclient/objectClient';
import { eventually, TestCluster } from '../helpers/testCluster';
import { applications, useSyncer } from './helpers/syncerHarness';
import { makeRepo, webApp } from './helpers/gitRepo';

const BACKOFF = { initialMs: 200, maxMs: 1600 };

describe('syncer reliability (real git, real cluster API)', function () {
  this.timeout(90_000);
  const h = useSyncer({ waveTimeoutMs: 20_000, retryBackoff: BACKOFF, renderTimeoutMs: 30_000 });
  let t: TestCluster;
  let client: ObjectClient;
  let controller: ApplicationController;
  let logs: string[];
  before(() => ({ t, client, controller, logs } = h.syncer));

  const { createApp, waitApp, healthyAt, operate } = applications(() => client);

  const image = async (ns: string) =>
    (await t.json(['get', 'deployment', 'web', '-n', ns])).spec.template.spec.containers[0].image;

  /** A local HTTP server standing in for a remote base: /cm.yaml answers, anything else never does. */
  async function remoteBase(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
    const requests: string[] = [];
    const server = http.createServer((req, res) => {
      requests.push(req.url ?? '');
      if (req.url === '/cm.yaml')
        res.end('apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: fetched\ndata: {a: b}\n');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return { url, requests, close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))) };
  }

  it('retries a failing revision with back-off in one history entry; the last good entry stays and can be rolled back to', async () => {
    // an object another Application owns makes every sync of the second commit fail
    await t.kubectl(['create', 'namespace', 'retry']);
    await t.apply(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: taken\n  namespace: retry\n  annotations:\n    slipway.dev/application: default/someone-else\ndata: {a: b}\n',
    );
    const repo = makeRepo(webApp());
    const good = repo.git('rev-parse', 'HEAD');
    await createApp('retry', repo, {}, { historyLimit: 3 });
    await healthyAt('retry', good);
    repo.write('app/taken.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: taken\ndata: {a: c}\n');
    const bad = repo.commit('take a ConfigMap that is not ours');
    // retried by a timer, with no other event to trigger a pass
    const app = await waitApp(
      'retry',
      'three retries',
      (a) => (a.status?.history?.find((h) => h.revision === bad)?.retries ?? 0) >= 3,
      20_000,
    );
    const history = app.status!.history!;
    assert.deepStrictEqual(
      history.map((h) => [h.id, h.revision, h.result]),
      [
        [1, good, 'Succeeded'],
        [2, bad, 'Failed'],
      ],
    );
    const entry = history[1];
    assert.match(entry.message!, /belongs to Application default\/someone-else/);
    // the next retry is announced, and its delay doubles with each retry up to the maximum
    const op = app.status!.operationState!;
    assert.strictEqual(op.revision, bad);
    assert.strictEqual(
      Date.parse(op.nextRetryAt!) - Date.parse(entry.finishedAt!),
      Math.min(BACKOFF.initialMs * 2 ** entry.retries!, BACKOFF.maxMs),
    );
    assert.match((await t.kubectl(['get', 'app', 'retry', '-o', 'yaml'])).stdout, /retries: \d+/);

    const rolled = await operate('retry', { rollback: { id: 1 } });
    assert.strictEqual(rolled.status!.operationState!.phase, 'Succeeded', rolled.status!.operationState!.message);
    const pinned = await waitApp(
      'retry',
      'pinned to #1',
      (a) => a.status?.pinned?.id === 1 && a.status.health?.status === 'Healthy',
    );
    assert.deepStrictEqual(
      pinned.status!.history!.map((h) => h.trigger),
      ['commit', 'commit', 'rollback'],
    );
    assert.strictEqual(pinned.status!.operationState!.nextRetryAt, undefined, 'no retries while pinned');
  });

  it('autoRollback: a sync that fails with the app Degraded is rolled back at once, not retried', async () => {
    const repo = makeRepo(webApp());
    await createApp('failrb', repo, { autoRollback: true });
    await healthyAt('failrb', repo.git('rev-parse', 'HEAD'));
    // the Deployment's wave must be healthy before the next one: its crash-looping pods fail the sync
    const web = webApp({ image: 'nginx:broken', podAnnotations: { 'sim.slipway.dev/crash-on-start': 'true' } })[
      'app/web.yaml'
    ];
    repo.write(
      'app/web.yaml',
      web.replace(
        '  name: web\nspec:\n  replicas',
        '  name: web\n  annotations:\n    slipway.dev/sync-wave: "-1"\nspec:\n  replicas',
      ),
    );
    repo.write('app/after.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: after\ndata: {a: b}\n');
    const bad = repo.commit('crashing image, then a ConfigMap');
    const app = await waitApp(
      'failrb',
      'rolled back',
      (a) => a.status?.pinned?.id === 1 && a.status.health?.status === 'Healthy',
      60_000,
    );
    const history = app.status!.history!;
    assert.deepStrictEqual(
      history.map((h) => [h.id, h.revision === bad ? 'bad' : 'good', h.result, h.trigger]),
      [
        [1, 'good', 'Succeeded', 'commit'],
        [2, 'bad', 'Failed', 'commit'],
        [3, 'good', 'Succeeded', 'autoRollback'],
      ],
    );
    assert.match(history[1].message!, /wave -1 is Degraded/);
    assert.strictEqual(history[1].retries, undefined, 'rolled back rather than retried');
    assert.ok(app.status!.conditions!.some((c) => c.type === 'AutoRollback' && /rolled back to #1/.test(c.message)));
    assert.strictEqual(await image('failrb'), 'nginx:1.25');
  });

  it('a rollback to a revision removed by a force-push fails, says why, and leaves the app unpinned following its branch', async () => {
    const repo = makeRepo(webApp());
    await createApp('gone', repo);
    await healthyAt('gone', repo.git('rev-parse', 'HEAD'));
    repo.write('app/web.yaml', webApp({ image: 'nginx:1.26' })['app/web.yaml']);
    await healthyAt('gone', repo.commit('nginx 1.26'));
    // rewrite the branch to a new root commit and drop the old commits from the repository
    repo.write('app/web.yaml', webApp({ image: 'nginx:1.27' })['app/web.yaml']);
    repo.git('checkout', '-q', '--orphan', 'rewritten');
    repo.git('add', '-A');
    repo.git('commit', '-q', '-m', 'history rewritten');
    repo.git('branch', '-M', 'rewritten', 'main');
    repo.git('reflog', 'expire', '--expire=now', '--all');
    repo.git('gc', '-q', '--prune=now');
    const tip = repo.git('rev-parse', 'main');
    await healthyAt('gone', tip);

    const app = await operate('gone', { rollback: { id: 1 } });
    const op = app.status!.operationState!;
    assert.strictEqual(op.phase, 'Failed');
    assert.match(
      op.message!,
      /history #1 deployed [0-9a-f]{7}, which is no longer in .* \(removed by a force-push\?\)/,
    );
    assert.strictEqual(app.status!.pinned, undefined);
    assert.strictEqual(app.status!.autoSync, 'On');
    assert.ok(!app.status!.conditions?.some((c) => c.type === 'Pinned'));
    assert.strictEqual(app.status!.history!.length, 3, 'nothing was synced');
    // still following the branch
    repo.write('app/web.yaml', webApp({ image: 'nginx:1.28' })['app/web.yaml']);
    await healthyAt('gone', repo.commit('nginx 1.28'));
    assert.strictEqual(await image('gone'), 'nginx:1.28');
  });

  it('a remote base is refused unless the app allows it, and is not fetched', async () => {
    const server = await remoteBase();
    try {
      const repo = makeRepo({ 'app/kustomization.yaml': `resources:\n  - ${server.url}/cm.yaml\n` });
      await createApp('remote-refused', repo);
      const app = await waitApp(
        'remote-refused',
        'SourceError',
        (a) => !!a.status?.conditions?.some((c) => c.type === 'SourceError'),
      );
      const message = app.status!.conditions!.find((c) => c.type === 'SourceError')!.message;
      assert.ok(
        message.includes(
          `app/kustomization.yaml: resources entry "${server.url}/cm.yaml" is a remote base, which is refused`,
        ),
        message,
      );
      assert.deepStrictEqual(server.requests, []);

      await createApp('remote-allowed', repo, {}, {}, { kustomize: { allowRemoteBases: true } });
      await healthyAt('remote-allowed', repo.git('rev-parse', 'HEAD'));
      assert.strictEqual((await t.json(['get', 'configmap', 'fetched', '-n', 'remote-allowed'])).data.a, 'b');
    } finally {
      await server.close();
    }
  });

  it('a commit made while a render hangs is deployed at once; the hung render is stopped', async () => {
    const server = await remoteBase();
    try {
      const repo = makeRepo(webApp());
      await createApp('hang', repo, {}, {}, { kustomize: { allowRemoteBases: true } });
      await healthyAt('hang', repo.git('rev-parse', 'HEAD'));
      repo.write('app/kustomization.yaml', `resources:\n  - config.yaml\n  - web.yaml\n  - ${server.url}/hang.yaml\n`);
      repo.commit('a remote base that never answers');
      await eventually(() => server.requests.includes('/hang.yaml'), 10_000, 'the render to ask the remote base');
      repo.write('app/kustomization.yaml', 'resources:\n  - config.yaml\n  - web.yaml\n');
      repo.write('app/web.yaml', webApp({ image: 'nginx:1.26' })['app/web.yaml']);
      const started = Date.now();
      const fix = repo.commit('drop the remote base');
      // far sooner than the 30 s render timeout
      await healthyAt('hang', fix, 10_000);
      assert.ok(Date.now() - started < 10_000);
      assert.strictEqual(await image('hang'), 'nginx:1.26');
      assert.ok(
        logs.some((l) =>
          /\[hang\] [0-9a-f]{7} arrived while [0-9a-f]{7} was rendering: that render is stopped/.test(l),
        ),
      );
    } finally {
      await server.close();
    }
  });

  // last: it stops the syncer
  it('stopping the syncer does not wait for a hung render', async () => {
    const server = await remoteBase();
    try {
      const repo = makeRepo(webApp());
      await createApp('stuck', repo, {}, {}, { kustomize: { allowRemoteBases: true } });
      await healthyAt('stuck', repo.git('rev-parse', 'HEAD'));
      repo.write('app/kustomization.yaml', `resources:\n  - config.yaml\n  - web.yaml\n  - ${server.url}/hang.yaml\n`);
      repo.commit('a remote base that never answers');
      await eventually(() => server.requests.includes('/hang.yaml'), 10_000, 'the render to ask the remote base');
      const started = Date.now();
      await controller.stop();
      assert.ok(Date.now() - started < 5000, `stopped after ${Date.now() - started} ms (the render timeout is 30 s)`);
    } finally {
      await server.close();
    }
  });
});
