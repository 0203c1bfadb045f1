// Container log files are rotated as the kubelet rotates them (containerLogMaxSize, containerLogMaxFiles): a
// simulated container writing fast past a small limit leaves at most N files, none past the limit by more than one
// line; kubectl logs reads the current file (--tail and --limit-bytes from its newest lines), and -f goes on across
// rotations without losing or repeating a line. Runs without a container engine.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { containerLogDir, parseLogLine } from '../../cluster/logs/podLogFiles';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

const MAX_SIZE = 4096;
const MAX_FILES = 3;

/** a pod whose one container writes 100 lines a second for `seconds`, then exits */
function writer(name: string, seconds: number): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      annotations: { 'sim.slipway.dev/log-lines-per-second': '100', 'sim.slipway.dev/run-seconds': String(seconds) },
    },
    spec: { restartPolicy: 'Never', containers: [{ name: 'app', image: 'busybox:1.36' }] },
  });
}

/** the numbers of the simulated "log line N" lines in text, in order */
function lineNumbers(text: string): number[] {
  return [...text.matchAll(/app log line (\d+) /g)].map((m) => Number(m[1]));
}

function assertConsecutive(numbers: number[], what: string): void {
  numbers.forEach((n, i) => {
    if (i > 0) assert.strictEqual(n, numbers[i - 1] + 1, `${what}: line ${n} follows line ${numbers[i - 1]}`);
  });
}

describe('container log rotation', function () {
  this.timeout(30_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({
      runtime: 'simulated',
      nodes: 1,
      containerLogMaxSize: MAX_SIZE,
      containerLogMaxFiles: MAX_FILES,
    });
  });

  after(async () => {
    await t?.stop();
  });

  async function logFolder(pod: string): Promise<string> {
    const p = await t.json(['get', 'pod', pod]);
    const ref = { namespace: 'default', name: pod, uid: p.metadata.uid };
    return containerLogDir(path.join(t.cluster.stateDir, 'logs'), ref, 'app');
  }

  async function finished(pod: string): Promise<void> {
    await eventually(
      async () => (await t.json(['get', 'pod', pod])).status.phase === 'Succeeded',
      20_000,
      `${pod} finished`,
    );
  }

  it('keeps at most N files, each within the limit plus one line; logs --tail shows the newest lines', async () => {
    await t.apply(writer('busy', 3));
    await finished('busy');
    const dir = await logFolder('busy');
    const files = fs.readdirSync(dir).sort();
    // the current file and the newest rotated ones: about 300 lines of ~120 bytes went through 4 KiB files
    assert.ok(files.includes('0.log'), files.join());
    assert.ok(files.length > 1 && files.length <= MAX_FILES, files.join());
    const ordered = [...files.filter((f) => f !== '0.log'), '0.log'];
    const texts = ordered.map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
    for (const [i, text] of texts.entries()) {
      const longest = Math.max(...text.split('\n').map((l) => Buffer.byteLength(l) + 1));
      assert.ok(Buffer.byteLength(text) <= MAX_SIZE + longest, `${ordered[i]}: ${Buffer.byteLength(text)} bytes`);
      assert.ok(text.endsWith('\n'), `${ordered[i]} ends with a whole line`);
    }
    // oldest to newest, the files hold one run of lines; the first ones were removed with the oldest files
    const kept = lineNumbers(texts.join(''));
    assertConsecutive(kept, 'the kept files');
    assert.ok(kept[0] > 1, `line ${kept[0]} is the oldest kept`);

    const current = texts[texts.length - 1].trimEnd().split('\n');
    const tail = await t.ok(['logs', 'busy', '--tail=3']);
    assert.deepStrictEqual(
      tail.trimEnd().split('\n'),
      current.slice(-3).map((l) => parseLogLine(l)!.text),
    );
    assert.match(tail, /exiting with code 0/);
    assert.ok(lineNumbers(tail).includes(kept[kept.length - 1]), 'the newest numbered line is in the tail');
    // limit-bytes counts from the start of the current file
    const limited = await t.ok(['logs', 'busy', '--limit-bytes=40']);
    assert.strictEqual(limited, parseLogLine(current[0])!.text.slice(0, 40));
  });

  it('logs -f goes on across rotations, with every line once and in order', async () => {
    await t.apply(writer('followed', 3));
    await t.ok(['wait', '--for=condition=Ready', 'pod/followed', '--timeout=20s']);
    const follow = t.kubectlStream(['logs', '-f', 'followed']);
    // the follow ends when the container stops
    assert.strictEqual(await follow.exited, 0);
    const seen = lineNumbers(follow.output());
    assertConsecutive(seen, 'what -f printed');
    const dir = await logFolder('followed');
    const rotated = fs.readdirSync(dir).filter((f) => f !== '0.log');
    assert.ok(rotated.length > 0, 'the file was rotated while followed');
    // it began before the last rotation and went on into the current file
    const current = lineNumbers(fs.readFileSync(path.join(dir, '0.log'), 'utf8'));
    assert.ok(seen[0] < current[0], `followed from line ${seen[0]}; the current file starts at ${current[0]}`);
    assert.ok(seen[seen.length - 1] >= current[0], `followed up to line ${seen[seen.length - 1]}`);
  });
});
