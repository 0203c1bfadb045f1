// A full disk under the store: writes are refused with a Status, /readyz says why, one log line tells of the
// episode, and once space is freed writes succeed again without a restart, with every acknowledged write kept.
// The store's folder is a small tmpfs mounted by the test (it needs root, as the test machines run).
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { startCluster, type RunningCluster } from '../../cluster/embeddedCluster';
import { openStore, StoreError } from '../../cluster/store';
import { eventually, runKubectl, tempDir } from '../helpers/testCluster';

function get(url: string, ca: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    https
      .get(url, { ca }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject);
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
    return out
      .split('\n')
      .filter((n) => n.startsWith('configmap/big-'))
      .sort();
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
    // lazily if something still holds it, so a failed test never leaves the mount behind
    if (mounted) execFileSync('umount', ['-l', store]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses writes while full, says so in /readyz and once in the log, and recovers when space is freed', async () => {
    cluster = await startCluster({ stateDir: state, nodes: 0 });
    const { url, caCert } = cluster;
    for (const name of ['big-1', 'big-2'])
      assert.strictEqual((await kubectl(['create', '-f', '-'], bigConfigMap(name))).code, 0);

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

  it('drops a snapshot that did not fit, warns once, and keeps appending', async () => {
    await cluster?.stop();
    cluster = undefined;
    const dir2 = path.join(store, 'compaction');
    const blob = 'x'.repeat(16 * 1024);
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    const compactionFailed = () => warnings.filter((w) => /compaction failed/.test(w));
    process.on('warning', onWarning);
    let small = await openStore(dir2, { maxLogBytes: 600 * 1024 });
    const filler = path.join(store, 'filler-2');
    try {
      for (let i = 0; i < 30; i++) await small.create(`/cm/big-${i}`, { data: { blob } }); // about 500 KiB of log
      // room for the records that take the log past its limit, not for a snapshot of everything
      fill(filler);
      fs.truncateSync(filler, fs.statSync(filler).size - 350 * 1024);
      // while the snapshot is being written it holds the space: a write may be refused then, none acknowledged is lost
      let acknowledged = 0;
      for (let i = 0; i < 100 && compactionFailed().length === 0; i++) {
        const ok = await small.create(`/cm/small-${i}`, { data: { v: blob.slice(0, 2048) } }).then(
          () => true,
          (e) => {
            if (!(e instanceof StoreError && e.code === 'Unavailable')) throw e;
            return false;
          },
        );
        if (ok) acknowledged++;
        await new Promise((r) => setImmediate(r));
      }
      await eventually(() => compactionFailed().length > 0, 5_000, 'the compaction to fail');
      for (let j = 0; j < 5; j++) await small.create(`/cm/after-${j}`, { data: { v: 'small' } });
      assert.strictEqual(compactionFailed().length, 1, warnings.join('\n'));
      assert.match(compactionFailed()[0], /compaction failed \(retried every 10 s\): ENOSPC/);
      assert.ok(!fs.existsSync(path.join(dir2, 'snapshot.db.tmp')), 'the partial snapshot does not keep the space');
      const count = small.list('/cm/').items.length;
      assert.strictEqual(count, 30 + acknowledged + 5);
      await small.close();
      fs.rmSync(filler);
      small = await openStore(dir2);
      assert.strictEqual(small.list('/cm/').items.length, count);
    } finally {
      process.off('warning', onWarning);
      await small.close();
    }
  });
});
