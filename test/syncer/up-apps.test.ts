// `slipway up --apps DIR`: one Application per folder of DIR, followed as folders come and go in git; the real CLI
// in its own process, against a cluster it did not start.
import * as assert from 'assert';
import { spawn } from 'child_process';
import * as path from 'path';
import { eventually, startTestCluster, tempDir, TestCluster } from '../helpers/testCluster';
import { makeRepo, webApp } from './helpers/gitRepo';

const CLI = path.resolve(__dirname, '../../syncer/cli.js');

describe('slipway up --apps DIR', function () {
  this.timeout(90_000);
  let t: TestCluster;
  before(async () => {
    t = await startTestCluster({ nodes: 1 });
  });
  after(async () => t?.stop());

  it('runs an app per folder: a folder committed later gets one, a removed folder loses its app and resources', async () => {
    const repo = makeRepo({ ...webApp({ folder: 'apps/alpha' }), ...webApp({ folder: 'apps/beta' }) });
    const state = tempDir('slipway-up-apps-state-');
    const args = ['up', '--apps', 'apps', '--kubeconfig', t.cluster.kubeconfig, '--state', state];
    const child = spawn(process.execPath, [CLI, ...args], { cwd: repo.dir });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    const printed = (app: string, sha: string) =>
      eventually(
        () => new RegExp(`^${app}: Synced ${sha.slice(0, 7)} · Healthy`, 'm').test(out),
        30_000,
        `${app} Synced at ${sha.slice(0, 7)} and Healthy printed`,
      );
    const exists = async (...a: string[]) => (await t.kubectl(['get', ...a])).code === 0;
    try {
      const first = repo.git('rev-parse', 'HEAD');
      await Promise.all([printed('alpha', first), printed('beta', first)]);
      assert.match(out, /Application apps: \S+ \(main\) one Application per folder of apps;/);
      const alpha = await t.json(['get', 'app', 'alpha']);
      assert.strictEqual(alpha.spec.source.path, 'apps/alpha');
      assert.strictEqual(alpha.metadata.labels['slipway.dev/app'], 'apps');
      assert.ok(await exists('deployment', 'web', '-n', 'alpha'));

      for (const [file, text] of Object.entries(webApp({ folder: 'apps/gamma' }))) repo.write(file, text);
      await printed('gamma', repo.commit('gamma'));
      assert.ok(await exists('deployment', 'web', '-n', 'gamma'));

      repo.git('rm', '-q', '-r', 'apps/alpha');
      repo.commit('no alpha');
      await eventually(
        async () => !(await exists('app', 'alpha')) && !(await exists('deployment', 'web', '-n', 'alpha')),
        20_000,
        'alpha and its Deployment gone',
      );
      assert.ok(await exists('app', 'beta'));
    } finally {
      child.kill('SIGINT');
    }
    assert.strictEqual(await exited, 0, out);
  });

  it('refuses PATH with --apps, and --dest-namespace with --apps', async () => {
    const run = (a: string[]) =>
      new Promise<{ code: number | null; err: string }>((resolve) => {
        const c = spawn(process.execPath, [CLI, 'up', ...a]);
        let err = '';
        c.stderr.on('data', (d) => (err += d));
        c.on('exit', (code) => resolve({ code, err }));
      });
    const both = await run(['.', '--apps', 'apps']);
    assert.strictEqual(both.code, 2);
    assert.match(both.err, /PATH or --apps DIR, not both/);
    const dest = await run(['--apps', 'apps', '--dest-namespace', 'x']);
    assert.strictEqual(dest.code, 2);
    assert.match(dest.err, /--dest-namespace does not go with --apps/);
  });
});
