// `slipway up --kubeconfig`: the same syncer against a cluster it did not start, as with a real cluster. The cluster
// here lacks the Application CRD, so up installs it first.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as path from 'path';
import { eventually, startTestCluster, tempDir, TestCluster } from '../helpers/testCluster';
import { makeRepo, webApp } from './helpers/gitRepo';

const CLI = path.resolve(__dirname, '../../syncer/cli.js');

describe('slipway up --kubeconfig (a cluster it did not start)', function () {
  this.timeout(60_000);
  let t: TestCluster;
  before(async () => {
    t = await startTestCluster({ nodes: 1 });
    await eventually(
      async () => (await t.kubectl(['get', 'crd', 'applications.slipway.dev'])).code === 0,
      10_000,
      'CRD registered',
    );
    const r = await t.kubectl(['delete', 'crd', 'applications.slipway.dev']);
    assert.strictEqual(r.code, 0, r.stderr);
  });
  after(async () => t?.stop());

  /** `slipway up DIR --kubeconfig ... ARGS` in the repository; its output so far, and its exit */
  function up(repoDir: string, dir: string, args: string[]) {
    const state = tempDir('slipway-up-state-');
    const child = spawn(
      process.execPath,
      [CLI, 'up', path.join(repoDir, dir), '--kubeconfig', t.cluster.kubeconfig, '--state', state, ...args],
      { cwd: repoDir },
    );
    const run = { child, out: '', exited: new Promise<number | null>((r) => child.on('exit', (code) => r(code))) };
    child.stdout.on('data', (d) => (run.out += d));
    child.stderr.on('data', (d) => (run.out += d));
    return run;
  }

  it('installs the Application CRD, deploys the folder, and stops cleanly on SIGINT', async () => {
    const repo = makeRepo(webApp());
    const run = up(repo.dir, 'app', ['--dest-namespace', 'web']);
    try {
      await eventually(() => /app: Synced [0-9a-f]{7} · Healthy/.test(run.out), 30_000, 'Synced and Healthy printed');
      assert.match(run.out, /Using the cluster at https:\/\/127\.0\.0\.1:\d+/);
      assert.match(run.out, /Installed applications\.slipway\.dev/);
      const app = await t.json(['get', 'app', 'app']);
      assert.strictEqual(app.spec.source.path, 'app');
      assert.strictEqual(app.status.sync.revision, repo.git('rev-parse', 'HEAD'));
      assert.strictEqual((await t.json(['get', 'deployment', 'web', '-n', 'web'])).spec.replicas, 2);
    } finally {
      run.child.kill('SIGINT');
    }
    assert.strictEqual(await run.exited, 0, run.out);
  });

  it('--recurse sets directory.recurse: the folders under PATH are deployed too', async () => {
    const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
    const repo = makeRepo({ 'deploy/own.yaml': cm('own'), 'deploy/nested/more.yaml': cm('more') });
    const run = up(repo.dir, 'deploy', ['--recurse', '--app', 'deep', '--dest-namespace', 'deep']);
    try {
      await eventually(() => /deep: Synced [0-9a-f]{7} · Healthy/.test(run.out), 30_000, 'Synced and Healthy printed');
      const app = await t.json(['get', 'app', 'deep']);
      assert.deepStrictEqual(app.spec.source.directory, { recurse: true });
      const names = (await t.json(['get', 'configmaps', '-n', 'deep', '-l', 'slipway.dev/app=deep'])).items.map(
        (o: { metadata: { name: string } }) => o.metadata.name,
      );
      assert.deepStrictEqual(names.sort(), ['more', 'own']);
    } finally {
      run.child.kill('SIGINT');
    }
    assert.strictEqual(await run.exited, 0, run.out);
  });
});
