// A damaged byte in the middle of the newest log segment stops start-up (cutting there would drop the
// acknowledged writes after it); `slipway cluster --repair-store` cuts it on request, keeping a copy. A torn
// tail (nothing valid after the damage) is still cut silently.
import * as assert from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { startCluster, type RunningCluster } from '../../cluster/embeddedCluster';
import type { FileStore } from '../../cluster/store';
import { runKubectl, tempDir } from '../helpers/testCluster';

const CLI = path.resolve(__dirname, '../../syncer/cli.js');
const COUNT = 40;

function run(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({
        code: err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0,
        out: String(stdout) + String(stderr),
      });
    });
  });
}

describe('store damage in the newest log segment', function () {
  this.timeout(60_000);
  let dir: string;
  let state: string;
  let cluster: RunningCluster | undefined;

  const kubectl = async (args: string[], input?: string) => {
    const r = await runKubectl(cluster!.kubeconfig, dir, args, { input });
    assert.strictEqual(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  const configMapNames = async () =>
    JSON.parse(await kubectl(['get', 'configmaps', '-l', 'batch=damage', '-o', 'json'])).items.map(
      (c: any) => c.metadata.name,
    );
  const newestSegment = () => {
    const store = path.join(state, 'store');
    const logs = fs
      .readdirSync(store)
      .filter((f) => /^wal-\d+\.log$/.test(f))
      .sort();
    return path.join(store, logs[logs.length - 1]);
  };
  const stop = async () => {
    await cluster?.stop();
    cluster = undefined;
  };

  before(async () => {
    dir = tempDir('slipway-damage-');
    state = path.join(dir, 'state');
    cluster = await startCluster({ stateDir: state, nodes: 0 });
    const items = Array.from({ length: COUNT }, (_, i) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: `cm-${String(i).padStart(3, '0')}`, namespace: 'default', labels: { batch: 'damage' } },
      data: { value: `value ${i} `.repeat(20) },
    }));
    for (const item of items) await kubectl(['create', '-f', '-'], JSON.stringify(item));
    await stop();
  });
  after(async () => {
    await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('refuses to start on a flipped byte mid-segment, naming the file, the byte and the repair', async () => {
    const file = newestSegment();
    const bytes = fs.readFileSync(file);
    // inside a ConfigMap about a third of the way in: records before it and many after it
    const at = bytes.indexOf('cm-013');
    assert.ok(at > 0);
    bytes[at + 3] ^= 0x01;
    fs.writeFileSync(file, bytes);
    await assert.rejects(startCluster({ stateDir: state, nodes: 0 }), (err: Error) => {
      assert.match(
        err.message,
        new RegExp(`${path.basename(file)}: damaged record at byte \\d+ \\(valid records follow from byte \\d+\\)`),
      );
      assert.match(err.message, /slipway cluster --state DIR --repair-store/);
      return true;
    });
  });

  it('repairs on request, keeping a copy and every record before the damage', async () => {
    const file = newestSegment();
    const before = fs.statSync(file).size;
    const r = await run([CLI, 'cluster', '--state', state, '--repair-store']);
    assert.strictEqual(r.code, 0, r.out);
    const m =
      /Cutting .*wal-\d+\.log at byte (\d+): (\d+) readable record\(s\) after the damage will be lost \(revisions \d+-\d+\)/.exec(
        r.out,
      );
    assert.ok(m, r.out);
    assert.ok(Number(m[2]) >= COUNT - 14, `${m[2]} records counted after the damage`);
    assert.strictEqual(fs.statSync(file).size, Number(m[1]));
    const copy = /Kept a copy of what was cut: (\S+)/.exec(r.out)![1];
    assert.strictEqual(fs.statSync(copy).size, before);

    cluster = await startCluster({ stateDir: state, nodes: 0 });
    const names = await configMapNames();
    assert.deepStrictEqual(
      names,
      Array.from({ length: 13 }, (_, i) => `cm-${String(i).padStart(3, '0')}`),
    );
    await kubectl(['create', 'configmap', 'after-repair']);
    await stop();
  });

  it('still cuts a torn tail silently', async () => {
    cluster = await startCluster({ stateDir: state, nodes: 0 });
    await kubectl(['create', 'configmap', 'torn', '--from-literal=v=1']);
    await stop();
    const file = newestSegment();
    fs.truncateSync(file, fs.statSync(file).size - 5);
    cluster = await startCluster({ stateDir: state, nodes: 0 });
    assert.ok((cluster.store as FileStore).recovery.droppedTailBytes > 0, 'the torn record was cut');
    assert.strictEqual((await configMapNames()).length, 13, 'every earlier record is kept');
  });
});
