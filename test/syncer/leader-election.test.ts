// Two syncers against one cluster: they elect a leader with a Lease, only the leader reconciles, and when the
// leader is killed (-9, no chance to release the lease) the other takes over once the lease runs out.
import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { Application } from '../../kube/application';
import { ApplicationController } from '../../syncer/applicationController';
import { ObjectClient } from '../../kubeclient/objectClient';
import { eventually, tempDir, TestCluster } from '../helpers/testCluster';
import { makeRepo, webApp } from './helpers/gitRepo';
import { applications, ClusterHarness, startCluster } from './helpers/syncerHarness';

const LEASE = { leaseDurationMs: 2000, renewMs: 400, retryMs: 200 };

interface Syncer {
  child: ChildProcess;
  output(): string;
  exited: Promise<void>;
}

describe('syncer leader election (two syncers, one cluster)', function () {
  this.timeout(90_000);
  let cluster: ClusterHarness;
  let t: TestCluster;
  let client: ObjectClient;
  const syncers: Syncer[] = [];
  const { createApp, get: getApp, waitApp, healthyAt } = applications(() => client);

  before(async () => {
    cluster = await startCluster();
    ({ t, client } = cluster);
  });
  after(async () => {
    for (const s of syncers) s.child.kill('SIGKILL');
    await Promise.all(syncers.map((s) => s.exited));
    await cluster?.stop();
  });

  function startSyncer(identity: string): Syncer {
    const script = path.join(__dirname, 'helpers', 'syncerProcess.js');
    const config = { kubeconfig: t.cluster.kubeconfig, stateDir: tempDir('slipway-syncer-state-'), identity, ...LEASE };
    const child = spawn(process.execPath, [script], {
      env: { ...process.env, SLIPWAY_TEST_SYNCER: JSON.stringify(config) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout!.on('data', (d) => (out += d));
    child.stderr!.on('data', (d) => (out += d));
    const s = { child, output: () => out, exited: new Promise<void>((r) => child.on('exit', () => r())) };
    syncers.push(s);
    return s;
  }

  function assertOneEntryPerCommit(app: Application, count: number): void {
    const revisions = app.status!.history!.map((h) => h.revision);
    assert.strictEqual(new Set(revisions).size, revisions.length, `duplicate history entries: ${revisions.join(', ')}`);
    assert.deepStrictEqual(
      app.status!.history!.map((h) => h.id),
      Array.from({ length: count }, (_, i) => i + 1),
    );
  }

  it('only the leader reconciles; killing it lets the other take over within the lease duration', async () => {
    const a = startSyncer('syncer-a');
    await eventually(() => a.output().includes('started leader=true'), 20_000, 'syncer-a to lead');
    const b = startSyncer('syncer-b');
    await eventually(() => b.output().includes('started leader=false'), 20_000, 'syncer-b to stand by');

    const repo = makeRepo(webApp());
    await createApp('elected', repo);
    await healthyAt('elected', repo.git('rev-parse', 'HEAD'));
    repo.write('app/web.yaml', webApp({ image: 'nginx:1.26' })['app/web.yaml']);
    assertOneEntryPerCommit(await healthyAt('elected', repo.commit('nginx 1.26')), 2);
    assert.match(a.output(), /\[elected\] sync /);
    assert.doesNotMatch(b.output(), /\[elected\]/, 'the standby syncer did nothing with the app');

    // kill -9: the lease is not released, so syncer-b must wait for it to run out
    const killedAt = Date.now();
    a.child.kill('SIGKILL');
    await a.exited;
    await eventually(() => b.output().includes('syncer-b is the leader'), 10_000, 'syncer-b to take over');
    const tookOver = Date.now() - killedAt;
    assert.ok(tookOver <= LEASE.leaseDurationMs + 1000, `took over after ${tookOver} ms`);
    const lease = await t.json(['get', 'lease', 'slipway-syncer', '-n', 'default']);
    assert.strictEqual(lease.spec.holderIdentity, 'syncer-b');
    assert.strictEqual(lease.spec.leaseTransitions, 1);

    repo.write('app/web.yaml', webApp({ image: 'nginx:1.27' })['app/web.yaml']);
    assertOneEntryPerCommit(await healthyAt('elected', repo.commit('nginx 1.27')), 3);
    assert.match(b.output(), /\[elected\] sync [0-9a-f]{7} \(commit\): nginx 1\.27/);
  });

  it('a syncer that stops releases the lease, so the next one leads at once', async () => {
    const c = new ApplicationController({
      client,
      stateDir: tempDir('slipway-syncer-state-'),
      leaderElection: { ...LEASE, identity: 'syncer-c', leaseDurationMs: 60_000 },
    });
    // syncer-b still holds the lease from the test before: stop it cleanly
    const b = syncers.find((s) => s.output().includes('syncer-b is the leader'))!;
    b.child.kill('SIGTERM');
    await b.exited;
    await c.start();
    assert.ok(c.isLeader, 'syncer-c leads without waiting for the lease to run out');
    await c.stop();
  });

  it('status writes use optimistic concurrency: even two syncers that both reconcile write one entry per commit', async () => {
    // no election here, so both reconcile the same app at the same time; neither may overwrite the other's status
    const logs: string[] = [];
    const two = ['x', 'y'].map(
      (id) =>
        new ApplicationController({
          client,
          stateDir: tempDir('slipway-syncer-state-'),
          leaderElection: false,
          log: (app, line) => logs.push(`${id} [${app}] ${line}`),
        }),
    );
    try {
      await Promise.all(two.map((c) => c.start()));
      const repo = makeRepo(webApp());
      await createApp('contended', repo);
      const waitAt = (sha: string) =>
        waitApp(
          'contended',
          `synced at ${sha.slice(0, 7)}`,
          (a) => a.status?.sync?.revision === sha && a.status?.history?.at(-1)?.revision === sha,
        );
      await waitAt(repo.git('rev-parse', 'HEAD'));
      for (let i = 0; i < 4; i++) {
        repo.write(
          'app/config.yaml',
          `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  round: "${i}"\n`,
        );
        await waitAt(repo.commit(`round ${i}`));
      }
      // both had their say before the history is read
      await Promise.all(two.map((c) => c.runner('default', 'contended')!.settled()));
      assertOneEntryPerCommit(await getApp('contended'), 5);
      assert.ok(
        logs.some((l) => /changed by another writer meanwhile; not overwriting it/.test(l)),
        'a conflict was met and resolved',
      );
    } finally {
      await Promise.all(two.map((c) => c.stop()));
    }
  });
});
