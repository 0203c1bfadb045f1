// The bundles the extension ships (scripts/bundle.js): the extension loads without the kubeconfig library, and the
// slipway CLI runs from dist/ alone, finding the schemas next to it.
import * as assert from 'assert';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { loadExtensionBundle } from '../helpers/extensionBundle';
import { runKubectl, tempDir } from '../helpers/testCluster';
import { BAD_REPLICAS_DEPLOYMENT, WEB_DEPLOYMENT } from '../helpers/manifests';

const ROOT = path.resolve(__dirname, '../../..');
const DIST = path.join(ROOT, 'dist');

describe('the bundles in dist/', function () {
  before(function () {
    this.timeout(60_000);
    execFileSync(process.execPath, [path.join(ROOT, 'scripts/bundle.js')], { cwd: ROOT, stdio: 'pipe' });
  });

  it('loads the extension without parsing the kubeconfig library (kept for when a cluster is reached)', function () {
    const load = loadExtensionBundle(path.join(DIST, 'extension.js'));
    assert.deepStrictEqual(load.exports.sort(), ['activate', 'deactivate']);
    assert.deepStrictEqual(load.loaded, ['extension.js']);
    assert.ok(fs.statSync(path.join(DIST, 'kubeconfig.js')).size > 1_000_000, 'the library is its own file');
  });

  describe('dist/slipway.js', function () {
    let cluster: ChildProcess | undefined;
    const dir = tempDir('slipway-bundle-');

    after(async function () {
      if (cluster && cluster.exitCode === null) {
        const exited = new Promise((r) => cluster!.once('exit', r));
        cluster.kill('SIGTERM');
        await exited;
      }
      fs.rmSync(dir, { recursive: true, force: true });
    });

    it('starts the embedded cluster, which validates with the schemas found in dist/generated', async function () {
      this.timeout(30_000);
      cluster = spawn(process.execPath, [path.join(DIST, 'slipway.js'), 'cluster', '--state', dir, '--port', '0'], {
        cwd: dir,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      await new Promise<void>((resolve, reject) => {
        const onData = (chunk: Buffer): void => {
          output += chunk.toString();
          if (/export KUBECONFIG=/.test(output)) resolve();
        };
        cluster!.stdout!.on('data', onData);
        cluster!.stderr!.on('data', onData);
        cluster!.once('exit', (code) => reject(new Error(`slipway cluster exited with ${code}:\n${output}`)));
      });
      const kubeconfig = path.join(dir, 'kubeconfig');
      const refused = await runKubectl(kubeconfig, dir, ['apply', '-f', '-'], { input: BAD_REPLICAS_DEPLOYMENT });
      assert.notStrictEqual(refused.code, 0);
      assert.match(refused.stderr, /spec\.replicas/);
      const applied = await runKubectl(kubeconfig, dir, ['apply', '-f', '-'], { input: WEB_DEPLOYMENT });
      assert.strictEqual(applied.code, 0, applied.stderr);
    });
  });
});
