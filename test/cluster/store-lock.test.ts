// One store per directory, even when processes race to take over a stale LOCK, and a LOCK naming this very
// process's pid (PID 1 again after a container restart) does not block it.
import * as assert from 'assert';
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { openStore } from '../../cluster/store';
import { tempDir } from '../helpers/testCluster';

const LOCK_MODULE = path.resolve(__dirname, '../../cluster/store/dirLock.js');
const ROUNDS = 10;
const RACERS = 4;

// waits for "go" on stdin, tries to lock, says "won" or "lost <why>", and holds the lock until stdin closes
const RACER = `
const { lockDir } = require(${JSON.stringify(LOCK_MODULE)});
process.stdin.once('data', () => {
  lockDir(process.argv[1]).then(
    () => process.stdout.write('won\\n'),
    (e) => process.stdout.write('lost ' + e.message + '\\n'),
  );
});
process.stdin.on('end', () => process.exit(0));
process.stdout.write('ready\\n');
`;

function firstLine(child: ChildProcessWithoutNullStreams, after = ''): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (d: Buffer) => {
      out += d;
      const lines = out.split('\n').filter((l) => l && l !== after);
      if (lines.length > 0) {
        child.stdout.off('data', onData);
        resolve(lines[0]);
      }
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => reject(new Error(`racer exited with ${code}: ${out}`)));
  });
}

/** A pid no process has now. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '']).pid!;
}

describe('store directory lock', function () {
  this.timeout(60_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir('slipway-lock-');
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it(`lets exactly one of ${RACERS} processes take over a stale LOCK, ${ROUNDS} rounds`, async () => {
    const stale = [
      () => String(deadPid()), // the format of earlier versions: the pid alone
      () => JSON.stringify({ pid: deadPid(), token: 'dead' }),
      // a live pid that is another process now: its start time differs from the one recorded
      () => JSON.stringify({ pid: process.pid, token: 'reused', start: '1' }),
    ];
    for (let round = 0; round < ROUNDS; round++) {
      const store = path.join(dir, `round-${round}`);
      fs.mkdirSync(store);
      fs.writeFileSync(path.join(store, 'LOCK'), stale[round % stale.length]());
      const racers = Array.from({ length: RACERS }, () => spawn(process.execPath, ['-e', RACER, store]));
      try {
        await Promise.all(racers.map((r) => firstLine(r)));
        const results = racers.map((r) => firstLine(r, 'ready'));
        for (const r of racers) r.stdin.write('go\n');
        const lines = await Promise.all(results);
        const won = lines.filter((l) => l === 'won');
        assert.strictEqual(won.length, 1, `round ${round}: ${lines.join(' | ')}`);
        for (const l of lines.filter((x) => x !== 'won'))
          assert.match(l, /^lost store .* is (in use|being locked) by process \d+$/);
      } finally {
        for (const r of racers) r.stdin.end();
        await Promise.all(
          racers.map((r) => (r.exitCode === null ? new Promise((res) => r.once('exit', res)) : undefined)),
        );
      }
    }
  });

  it('removes files that attempts cut short by kill -9 left behind, once they are a minute old', async () => {
    const old = ['LOCK.0123abcd.tmp', 'LOCK.takeover-0123abcd-0'].map((n) => path.join(dir, n));
    const recent = path.join(dir, 'LOCK.4567cdef.tmp');
    for (const f of [...old, recent]) fs.writeFileSync(f, JSON.stringify({ pid: 999999, token: 'gone' }));
    const longAgo = new Date(Date.now() - 120_000);
    for (const f of old) fs.utimesSync(f, longAgo, longAgo);
    const store = await openStore(dir);
    for (let i = 0; i < 50 && old.some((f) => fs.existsSync(f)); i++) await new Promise((r) => setTimeout(r, 20));
    assert.deepStrictEqual(
      old.filter((f) => fs.existsSync(f)),
      [],
      'old leftovers removed',
    );
    assert.ok(fs.existsSync(recent), 'a recent file may belong to a live attempt and stays');
    await store.close();
  });

  it("is not blocked by a LOCK holding this process's own pid, yet refuses a second open in this process", async () => {
    for (const lock of [String(process.pid), JSON.stringify({ pid: process.pid, token: 'before-restart' })]) {
      fs.writeFileSync(path.join(dir, 'LOCK'), lock);
      const store = await openStore(dir);
      await assert.rejects(openStore(dir), new RegExp(`in use by process ${process.pid}`));
      await store.close();
      assert.ok(!fs.existsSync(path.join(dir, 'LOCK')), 'released on close');
    }
  });
});
