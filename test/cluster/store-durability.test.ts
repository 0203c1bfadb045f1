import * as assert from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { openStore } from '../../cluster/store';

const WRITER = path.join(__dirname, 'fixtures', 'storeWriter.js');

interface Ack {
  key: string;
  revision: number;
}

/** Runs the writer until it has printed `acks` acknowledgements, then kills it with SIGKILL. */
function runAndKill(dir: string, acks: number, maxLogBytes: number): Promise<Ack[]> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [WRITER, dir, String(maxLogBytes)], { stdio: ['ignore', 'pipe', 'pipe'] });
    const received: Ack[] = [];
    let buffered = '';
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!; // an unterminated line was cut by the kill: not a complete ack
      for (const line of lines) {
        if (line === 'ready') continue;
        const [key, rev] = line.split(' ');
        received.push({ key, revision: Number(rev) });
      }
      if (!killed && received.length >= acks) {
        killed = true;
        child.kill('SIGKILL');
      }
    });
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      if (signal !== 'SIGKILL') reject(new Error(`writer exited with ${code}: ${stderr}`));
      else resolve(received);
    });
  });
}

describe('store durability across kill -9', function () {
  this.timeout(60_000);
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-store-kill-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps every acknowledged write, with its revision, through repeated crashes and compactions', async () => {
    const acknowledged: Ack[] = [];
    // A small log threshold makes snapshots happen every few hundred writes, so kills land
    // before, during and after compactions.
    for (const acks of [300, 450, 700]) {
      const round = await runAndKill(dir, acks, 256 * 1024);
      assert.ok(round.length >= acks, `only ${round.length} acknowledgements before the kill`);
      acknowledged.push(...round);

      const store = await openStore(dir);
      try {
        const missing = acknowledged.filter((a) => store.get(a.key)?.modRevision !== a.revision);
        assert.deepStrictEqual(missing, [], 'acknowledged writes lost or changed after the crash');
        for (const a of acknowledged) {
          assert.strictEqual(store.get(a.key)!.value.metadata.resourceVersion, String(a.revision));
        }
        const highest = Math.max(...acknowledged.map((a) => a.revision));
        assert.ok(store.revision >= highest);
        const next = await store.create(`/durable/after-crash-${acks}`, { kind: 'ConfigMap' });
        assert.ok(
          next.modRevision > highest,
          `revision ${next.modRevision} reused after crash (acked up to ${highest})`,
        );
        acknowledged.push({ key: next.key, revision: next.modRevision });
      } finally {
        await store.close();
      }
    }
    assert.ok(fs.existsSync(path.join(dir, 'snapshot.db')), 'the runs were expected to compact');
  });
});
