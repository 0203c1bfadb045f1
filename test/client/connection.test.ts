// "Slipway: Start" without an editor: `slipway up` as a child process for a workspace folder, reused by a second
// window, stopped with the first; and the lost connection the second window then reports.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Application } from '../../kube/application';
import type { ClusterConnection } from '../../client/connection/clusterConnection';
import { ConnectionHub } from '../../client/connection/connectionHub';
import { ConnectionManager, kubeconfigContexts } from '../../client/connection/connectionManager';
import { whenObject } from '../../client/connection/informerWait';
import { statusBarModel } from '../../client/statusBarModel';
import { answeringKubeconfig } from '../../client/connection/workspaceCluster';
import { git, makeRepo, removeScratchDirs, scratchDir, webApp } from '../syncer/helpers/gitRepo';

export const CLI = path.resolve(__dirname, '../../syncer/cli.js');
const UP_ARGS = ['--nodes', '1', '--app', 'web'];

/** Resolves once the connection's Application `name` is Synced and Healthy. */
export function whenSyncedHealthy(c: ClusterConnection, name: string, timeoutMs = 30_000): Promise<Application> {
  return whenObject(
    c.applications(),
    (o) => {
      const app = o as Application;
      const st = app.status;
      return app.metadata.name === name && st?.sync?.status === 'Synced' && st.health?.status === 'Healthy'
        ? app
        : undefined;
    },
    timeoutMs,
    `${name} Synced and Healthy`,
  );
}

describe('client: connecting to the workspace cluster', function () {
  this.timeout(90_000);
  const first = new ConnectionHub();
  const second = new ConnectionHub();
  const log: string[] = [];
  const window1 = new ConnectionManager(first, (l) => log.push(l));
  const window2 = new ConnectionManager(second);
  let folder: string;

  before(() => {
    folder = makeRepo(webApp({ folder: '.' })).dir;
  });
  after(async () => {
    await window2.disconnect();
    await window1.disconnect();
    removeScratchDirs();
  });

  it('Start runs `slipway up` for the folder and connects once its cluster answers; the app syncs', async () => {
    const started = Date.now();
    const c = await window1.start({ cli: CLI, folder, upArgs: UP_ARGS });
    assert.strictEqual(window1.workspaceCluster?.reused, false);
    assert.strictEqual(first.current, c);
    assert.match(c.label, /^embedded \(slipway-repo-/);
    const app = await whenSyncedHealthy(c, 'web');
    assert.strictEqual(app.spec.source.repo, fs.realpathSync(folder));
    assert.ok(
      log.some((l) => l.includes('Slipway cluster ready')),
      log.join('\n'),
    );
    assert.ok(Date.now() - started < 30_000);
    // the state folder in the work tree stays out of git (a revert refuses untracked files)
    assert.strictEqual(git(folder, 'status', '--porcelain'), '');
  });

  it('a second window reuses the running cluster instead of starting another', async () => {
    const pid = window1.workspaceCluster!.process!.pid;
    const c = await window2.start({ cli: CLI, folder, upArgs: UP_ARGS });
    assert.strictEqual(window2.workspaceCluster?.reused, true);
    assert.strictEqual(window2.workspaceCluster?.process, undefined);
    assert.strictEqual(window2.workspaceCluster?.kubeconfig, window1.workspaceCluster!.kubeconfig);
    await c.applications().waitForSync();
    assert.strictEqual(c.applications().list().length, 1);
    assert.strictEqual(window1.workspaceCluster!.process!.pid, pid);
  });

  it('stopping the first window stops its cluster; the second window reports the connection lost', async () => {
    const proc = window1.workspaceCluster!.process!;
    const c2 = second.current!;
    assert.strictEqual(c2.health.state, 'connected');
    const lost = new Promise<void>((resolve) => c2.health.onDidChange((s) => s === 'lost' && resolve()));
    await window1.disconnect();
    assert.ok(proc.exitCode !== null || proc.signalCode !== null, 'the slipway up process exited');
    assert.strictEqual(first.current, undefined);
    await lost;
    assert.match(c2.health.reason ?? '', /cannot reach the cluster/);
    const bar = statusBarModel(c2, undefined)!;
    assert.strictEqual(bar.text, '$(debug-disconnect) Slipway: connection lost');
    assert.strictEqual(bar.command, 'slipway.start');
    assert.strictEqual(await answeringKubeconfig(path.join(folder, '.slipway')), undefined);
  });

  it('when the cluster runs again (on another port), the second window reconnects by itself', async () => {
    const lostConnection = second.current!;
    const reconnected = new Promise<ClusterConnection>((resolve) => second.onDidChange((c) => c && resolve(c)));
    await window1.start({ cli: CLI, folder, upArgs: UP_ARGS });
    const c = await reconnected;
    assert.notStrictEqual(c, lostConnection);
    assert.notStrictEqual(c.api.server, lostConnection.api.server);
    await whenSyncedHealthy(c, 'web');
    assert.strictEqual(c.health.state, 'connected');
    assert.strictEqual(window2.workspaceCluster?.reused, true);
    await window1.disconnect();
  });

  it('a folder outside git fails to start with what to do', async () => {
    const plain = scratchDir('slipway-plain-');
    await assert.rejects(
      window1.start({ cli: CLI, folder: plain }),
      /not inside a git repository; Slipway deploys what is committed: run `git init/,
    );
    assert.strictEqual(first.current, undefined);
  });

  it('lists the contexts of a kubeconfig for the quick pick', async () => {
    const file = path.join(scratchDir('slipway-kc-'), 'config');
    fs.writeFileSync(
      file,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c1, cluster: {server: "https://127.0.0.1:1"}}]',
        'users: [{name: u, user: {token: t}}]',
        'contexts: [{name: dev, context: {cluster: c1, user: u}}, {name: prod, context: {cluster: c1, user: u, namespace: web}}]',
        'current-context: prod',
      ].join('\n'),
    );
    const k = await kubeconfigContexts(file);
    assert.deepStrictEqual(
      k.contexts.map((c) => [c.name, c.namespace]),
      [
        ['dev', undefined],
        ['prod', 'web'],
      ],
    );
    assert.strictEqual(k.current, 'prod');
  });
});
