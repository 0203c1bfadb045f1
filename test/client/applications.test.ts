// The Applications and History views' models and operations against a real syncer on a real git repository:
// what the rows say as the app syncs, is rolled back (pinned), resumed and reverted in git, and what the diff
// editor is given (desired from git, live without server noise, Secret values masked).
import * as assert from 'assert';
import type { Application } from '../../kube/application';
import { APPLICATION_API_VERSION, APPLICATION_KIND } from '../../kube/application';
import { applicationItem, lastGoodEntry, resourceItem } from '../../client/applications/applicationModel';
import { requestOperation } from '../../client/applications/applicationOperations';
import { compareApp, desiredYaml, liveYaml } from '../../client/applications/manifestDocuments';
import type { ClusterConnection } from '../../client/connection/clusterConnection';
import { connectByKubeconfig } from '../../client/connection/clusterConnection';
import { ConnectionHub } from '../../client/connection/connectionHub';
import { whenObject } from '../../client/connection/informerWait';
import { ApplicationsFeed } from '../../client/applications/applicationsFeed';
import { statusBarModel } from '../../client/statusBarModel';
import { changedFiles } from '../../client/git/gitRead';
import { historyRows } from '../../client/history/historyModel';
import { startTestCluster } from '../helpers/testCluster';
import { makeRepo, TestRepo, webApp } from '../syncer/helpers/gitRepo';
import { applications, useSyncer } from '../syncer/helpers/syncerHarness';

const SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: creds
stringData:
  password: hunter2
`;

/** Resolves with the app once test(app) holds, on the informer's events. */
function whenApp(c: ClusterConnection, name: string, test: (a: Application) => boolean, what: string) {
  return whenObject(
    c.applications(),
    (o) => {
      const a = o as Application;
      return a.metadata.name === name && test(a) ? a : undefined;
    },
    30_000,
    what,
  );
}

const synced = (a: Application) => a.status?.sync?.status === 'Synced' && a.status.health?.status === 'Healthy';

describe('client: Applications and History models against a real syncer', function () {
  this.timeout(60_000);
  let c: ClusterConnection;
  let repo: TestRepo;
  let first: string;
  let second: string;
  let feed: ApplicationsFeed;
  const ref = { namespace: 'default', name: 'guestbook' };

  // registered before useSyncer's hooks, so (mocha running `after` hooks in order) it closes before the cluster stops
  after(() => {
    feed?.dispose();
    c?.close();
  });
  const h = useSyncer();
  const apps = applications(() => h.syncer.client);

  before(async () => {
    c = await connectByKubeconfig(h.syncer.t.cluster.kubeconfig);
    const hub = new ConnectionHub();
    hub.set(c);
    feed = new ApplicationsFeed(hub);
    repo = makeRepo({ ...webApp(), 'app/secret.yaml': SECRET });
    first = repo.git('rev-parse', 'HEAD');
    await apps.createApp(ref.name, repo, {}, { destination: { namespace: 'default' } });
  });

  it('an app row says sync status, short sha and subject, health and auto-sync', async () => {
    const app = await whenApp(c, 'guestbook', synced, 'guestbook Synced and Healthy');
    const item = applicationItem(app);
    assert.strictEqual(
      `${item.label} ${item.description}`,
      `guestbook Synced ${first.slice(0, 7)} first · Healthy · auto-sync on`,
    );
    assert.deepStrictEqual(item.icon, { id: 'pass-filled', color: 'testing.iconPassed' });
    assert.strictEqual(item.contextValue, 'slipwayApp');
    const bar = statusBarModel(feed.current, feed.selected())!;
    assert.strictEqual(bar.text, `$(check) guestbook: Synced ${first.slice(0, 7)} · Healthy`);
    assert.strictEqual(bar.background, undefined);
    assert.strictEqual(bar.command, 'slipway.applications.focus');
    const rows = (app.status?.resources ?? []).map(resourceItem);
    assert.deepStrictEqual(rows.map((r) => r.label).sort(), [
      'ConfigMap/settings',
      'Deployment/web',
      'Secret/creds',
      'Service/web',
    ]);
    const web = rows.find((r) => r.label === 'Deployment/web')!;
    assert.strictEqual(web.description, 'default · Healthy');
    assert.strictEqual(web.icon.id, 'pass-filled');
    assert.match(web.tooltip, /Manifest: app\/web\.yaml, line 1/);
    assert.strictEqual(web.contextValue, 'slipwayResource hasSource');
  });

  it('a resource diff gets its document from git at the live revision and the live object without noise', async () => {
    const app = c.applications().get('default', 'guestbook') as Application;
    const revision = app.status!.sync!.revision!;
    const resources = app.status!.resources!;
    const service = resources.find((r) => r.kind === 'Service')!;
    const desired = await desiredYaml(repo.dir, revision, service);
    assert.match(desired, /^apiVersion: v1\nkind: Service\nmetadata:\n {2}name: web\n/);
    assert.doesNotMatch(desired, /Deployment/);
    const live = await liveYaml(c, service);
    assert.match(live, /kind: Service/);
    assert.match(live, /clusterIP: /);
    assert.doesNotMatch(live, /managedFields|resourceVersion|uid:|^status:/m);

    const secret = resources.find((r) => r.kind === 'Secret')!;
    const secretDesired = await desiredYaml(repo.dir, revision, secret);
    const secretLive = await liveYaml(c, secret);
    assert.match(secretDesired, /password: "\*\*\*"/);
    assert.match(secretLive, /password: "\*\*\*"/);
    assert.doesNotMatch(secretDesired + secretLive, /hunter2|aHVudGVyMg/);
  });

  it('after a commit the History view lists both entries, newest first, the live one marked', async () => {
    repo.write('app/web.yaml', webApp({ image: 'nginx:1.26' })['app/web.yaml']);
    second = repo.commit('web: nginx 1.26');
    const app = await whenApp(c, 'guestbook', (a) => synced(a) && a.status?.sync?.revision === second, 'the commit');
    const rows = historyRows(app);
    assert.deepStrictEqual(
      rows.map((r) => r.label),
      [`#2 ${second.slice(0, 7)} web: nginx 1.26`, `#1 ${first.slice(0, 7)} first`],
    );
    assert.match(rows[0].description, /^live · Dev · (just now|\d+ s ago) · commit$/);
    assert.strictEqual(rows[0].contextValue, 'slipwayHistory live');
    assert.strictEqual(rows[1].contextValue, 'slipwayHistory');
    assert.deepStrictEqual(rows[1].icon, { id: 'pass-filled', color: 'testing.iconPassed' });
    assert.strictEqual(lastGoodEntry(app)?.id, 1);
    assert.deepStrictEqual(await changedFiles(repo.dir, second), [{ status: 'M', file: 'app/web.yaml' }]);
  });

  it('rolling back to #1 brings the old image back and shows the app pinned, with how to resume', async () => {
    const bar: string[] = [];
    const watching = feed.onDidChange(() => bar.push(statusBarModel(c, feed.selected(), feed.busy(ref))!.text));
    const started = Date.now();
    const r = await feed.track(ref, requestOperation(c, ref, { rollback: { id: 1 } }, { command: 'rollback 1' }));
    const ms = Date.now() - started;
    assert.strictEqual(r.state.phase, 'Succeeded', r.state.message);
    assert.strictEqual(r.state.operation, 'rollback 1');
    const deploy = await h.syncer.client.get({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      namespace: 'default',
      name: 'web',
    });
    assert.strictEqual(deploy.spec.template.spec.containers[0].image, 'nginx:1.25');
    const pinnedHealthy = (a: Application) => a.status?.pinned?.id === 1 && a.status.health?.status === 'Healthy';
    const app = await whenApp(c, 'guestbook', pinnedHealthy, 'guestbook Healthy at #1');
    const item = applicationItem(app);
    // pinned while the branch has moved on: the app says it is behind the tip (OutOfSync), as `kubectl get app` does
    assert.match(
      item.description,
      /^pinned to #1 · OutOfSync [0-9a-f]{7} .*· Healthy · auto-sync paused \(pinned to #1\)$/,
    );
    assert.deepStrictEqual(item.icon, { id: 'pinned', color: 'charts.orange' });
    assert.match(item.tooltip, /PINNED to history #1 .*\nNew commits are NOT deployed\. .*Resume Auto-Sync/);
    assert.match(item.contextValue, /^slipwayApp pinned/);
    const rows = historyRows(app);
    assert.match(rows[0].label, /^#3 [0-9a-f]{7} first$/);
    assert.match(rows[0].description, /^live · .* · rollback$/);
    assert.strictEqual(rows[2].contextValue, 'slipwayHistory pinned');
    assert.match(r.app.status!.history![2].message ?? '', /rollback to #1/);
    watching.dispose();
    // while the rollback and its rollout ran, the bar spun
    assert.ok(
      bar.some((b) => /^\$\(sync~spin\) guestbook: /.test(b)),
      bar.join(' | '),
    );
    const pinnedBar = statusBarModel(c, app)!;
    assert.strictEqual(pinnedBar.text, '$(pinned) guestbook: pinned #1 · Healthy');
    assert.strictEqual(pinnedBar.background, 'statusBarItem.warningBackground');
    assert.ok(ms < 10_000, `rollback took ${ms} ms`);
  });

  it('Compare with live lists the resources whose live state differs from a revision', async () => {
    const cmp = await compareApp(c, c.applications().get('default', 'guestbook'), repo.dir, second);
    assert.deepStrictEqual(cmp.differing, ['Deployment/default/web']);
    assert.match(cmp.desired, /image: nginx:1\.26/);
    assert.match(cmp.live, /image: nginx:1\.25/);
    assert.doesNotMatch(cmp.live, /managedFields|app\.kubernetes\.io\/instance|hunter2/);
    const same = await compareApp(c, c.applications().get('default', 'guestbook'), repo.dir, first);
    assert.deepStrictEqual(same.differing, []);
  });

  it('resume ends the pin: the branch tip is live again and the row is no longer pinned', async () => {
    const r = await requestOperation(c, ref, { resume: {} }, { command: 'resume' });
    assert.strictEqual(r.state.phase, 'Succeeded');
    const app = await whenApp(c, 'guestbook', (a) => synced(a) && a.status?.sync?.revision === second, 'the tip');
    const item = applicationItem(app);
    assert.doesNotMatch(item.description, /pinned/);
    assert.match(item.description, /auto-sync on$/);
    assert.doesNotMatch(item.contextValue, /pinned/);
  });

  it('Revert in git commits a revert to #1 and deploys it without pinning', async () => {
    const r = await requestOperation(c, ref, { rollback: { id: 1, git: true } }, { command: 'rollback 1 --git' });
    assert.strictEqual(r.state.phase, 'Succeeded', r.state.message);
    const head = repo.git('rev-parse', 'HEAD');
    assert.strictEqual(r.state.revision, head);
    assert.match(repo.git('log', '-1', '--format=%s'), /Revert .*slipway rollback 1/);
    assert.strictEqual(r.app.status?.pinned, undefined);
    assert.match(applicationItem(r.app).description, new RegExp(`^Synced ${head.slice(0, 7)} `));
  });
});

describe('client: an operation nobody carries out', function () {
  this.timeout(30_000);
  it('fails after its timeout (the request taken back), or at once when someone else takes it back', async () => {
    const t = await startTestCluster({ nodes: 0 });
    const c = await connectByKubeconfig(t.cluster.kubeconfig);
    try {
      await t.apply(`apiVersion: ${APPLICATION_API_VERSION}
kind: Application
metadata: {name: lonely, namespace: default}
spec: {source: {repo: /nowhere}}
`);
      const ref = { namespace: 'default', name: 'lonely' };
      await assert.rejects(
        requestOperation(c, ref, { sync: {} }, { command: 'sync', timeoutMs: 1000 }),
        /no syncer answered within 1 s: none seems to be running for default\/lonely; Slipway: Start/,
      );
      const app = await c.objects.get({ apiVersion: APPLICATION_API_VERSION, kind: APPLICATION_KIND, ...ref });
      assert.strictEqual(app.spec.operation, undefined);

      // someone takes the request back (kubectl) before any syncer carried it out: said at once, not at the timeout
      const started = Date.now();
      const asked = requestOperation(c, ref, { refresh: {} }, { command: 'refresh', timeoutMs: 20_000 });
      asked.catch(() => undefined); // awaited below, after the patch
      await whenObject(
        c.applications(),
        (o) => ((o as Application).spec.operation?.refresh ? true : undefined),
        5000,
        'the request',
      );
      await t.ok(['patch', 'app', 'lonely', '--type', 'merge', '-p', '{"spec":{"operation":null}}']);
      await assert.rejects(asked, /the request to refresh lonely was cleared before the syncer carried it out/);
      assert.ok(Date.now() - started < 10_000);
    } finally {
      c.close();
      await t.stop();
    }
  });
});
