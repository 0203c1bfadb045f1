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

  it('installs the Application CRD, deploys the folder, and stops cleanly on SIGINT', async () => {
    const repo = makeRepo(webApp());
    const state = tempDir('slipway-up-state-');
    const child = spawn(
      process.execPath,
      [
        CLI,
        'up',
        path.join(repo.dir, 'app'),
        '--kubeconfig',
        t.cluster.kubeconfig,
        '--state',
        state,
        '--dest-namespace',
        'web',
      ],
      { cwd: repo.dir },
    );
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      await eventually(() => /app: Synced [0-9a-f]{7} · Healthy/.test(out), 30_000, 'Synced and Healthy printed');
      assert.match(out, /Using the cluster at https:\/\/127\.0\.0\.1:\d+/);
      assert.match(out, /Installed applications\.slipway\.dev/);
      const app = await t.json(['get', 'app', 'app']);
      assert.strictEqual(app.spec.source.path, 'app');
      assert.strictEqual(app.status.sync.revision, repo.git('rev-parse', 'HEAD'));
      assert.strictEqual((await t.json(['get', 'deployment', 'web', '-n', 'web'])).spec.replicas, 2);
    } finally {
      child.kill('SIGINT');
    }
    assert.strictEqual(await exited, 0, out);
  });
});
