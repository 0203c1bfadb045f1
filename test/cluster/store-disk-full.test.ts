// A full disk under the store: writes are refused with a Status, /readyz says why, one log line tells of the
// episode, and once space is freed writes succeed again without a restart, with every acknowledged write kept.
// The store's folder is a small tmpfs mounted by the test (it needs root, as the test machines run).
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { startCluster, type RunningCluster } from '../../cluster/embeddedCluster';
import { runKubectl, tempDir } from '../helpers/testCluster';

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https.get(url, { ca }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    }).on('error', reject);
  });
}

/** Fills the file system holding dir with one file, to its last byte. */
function fill(file: string): void {
  const fd = fs.openSync(file, 'w');
  const chunk = Buffer.alloc(64 * 1024, 1);
  try {
    for (;;) fs.writeSync(fd, chunk);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOSPC') throw e;
  } finally {
    fs.closeSync(fd);
  }
}

describe('store on a full disk', function () {
  this.timeout(60_000);
  let dir: string;
  let state: string;
  let store: string;
  let mounted = false;
  let cluster: RunningCluster | undefined;

  const kubectl = async (args: string[], input?: string) => {
    const r = await runKubectl(cluster!.kubeconfig, dir, args, { input });
    return { code: r.code, out: r.stdout + r.stderr };
  };
  // larger than a page, so it cannot slip into the space the log's last page still has
  const bigConfigMap = (name: string) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name, namespace: 'default' },
      data: { blob: name.padEnd(16 * 1024, '.') },
    });
  const names = async () => {
    const out = (await kubectl(['get', 'configmaps', '-o', 'name'])).out;
    return out.split('\n').filter((n) => n.startsWith('configmap/big-')).sort();
  };

  before(function () {
    dir = tempDir('slipway-diskfull-');
    state = path.join(dir, 'state');
    store = path.join(state, 'store');
    fs.mkdirSync(store, { recursive: true });
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', store], { stdio: 'pipe' });
      mounted = true;
    } catch (e) {
      console.log(`    (skipped: a tmpfs cannot be mounted here: ${String((e as Error).message).split('\n')[0]})`);
      this.skip();
    }
  });
  after(async () => {
    await cluster?.stop();
    if (mounted) execFileSync('umount', [store]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses writes while full, says so in /readyz and once in the log, and recovers when space is freed', async () => {
    cluster = await startCluster({ stateDir: state, nodes: 0 });
    const { url, caCert } = cluster;
    for (const name of ['big-1', 'big-2']) assert.strictEqual((await kubectl(['create', '-f', '-'], bigConfigMap(name))).code, 0);

    const filler = path.join(store, 'filler');
    fill(filler);
    const logged: string[] = [];
    const consoleError = console.error;
    console.error = (...args: unknown[]) => logged.push(args.map(String).join(' '));
    try {
      for (const name of ['big-x1', 'big-x2', 'big-x3']) {
        const r = await kubectl(['create', '-f', '-'], bigConfigMap(name));
        assert.strictEqual(r.code, 1);
        assert.match(r.out, /Internal error occurred: the write could not be stored: ENOSPC: no space left on device/);
      }
      const ready = await get(`${url}/readyz`, caCert);
      assert.strictEqual(ready.status, 500);
      assert.match(ready.body, /\[-\]etcd failed: writes to .*store fail: ENOSPC: no space left on device/);
      assert.match(ready.body, /\[\+\]ping ok/);
      assert.match(ready.body, /readyz check failed/);
      assert.strictEqual((await get(`${url}/readyz/etcd`, caCert)).status, 500, 'the failing check alone');
      assert.strictEqual((await get(`${url}/livez`, caCert)).status, 200, 'the server is alive, only not ready');

      fs.rmSync(filler);
      const r = await kubectl(['create', '-f', '-'], bigConfigMap('big-3'));
      assert.strictEqual(r.code, 0, r.out);
      assert.deepStrictEqual(await get(`${url}/readyz`, caCert), { status: 200, body: 'ok' });
    } finally {
      console.error = consoleError;
    }
    const failing = logged.filter((l) => /writes fail/.test(l));
    assert.strictEqual(failing.length, 1, logged.join('\n'));
    assert.ok(!logged.some((l) => /\n\s+at /.test(l)), `no stack traces: ${logged.join('\n')}`);
    assert.ok(logged.some((l) => /writes succeed again/.test(l)));
    assert.deepStrictEqual(await names(), ['configmap/big-1', 'configmap/big-2', 'configmap/big-3']);

    // what was cut after the refused writes leaves a log that opens, with every acknowledged write
    await cluster.stop();
    cluster = await startCluster({ stateDir: state, nodes: 0 });
    assert.deepStrictEqual(await names(), ['configmap/big-1', 'configmap/big-2', 'configmap/big-3']);
  });
});
