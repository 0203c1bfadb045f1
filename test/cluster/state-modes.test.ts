// A state folder made earlier with open modes (an older version, by hand, another umask) is made private at start:
// every folder 0700 and every file 0600, whatever the umask; a token others could read is replaced, with a warning,
// and the kubeconfig carries the new one.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { startCluster, type RunningCluster } from '../../cluster/embeddedCluster';
import { eventually, runKubectl, tempDir } from '../helpers/testCluster';

/** Every folder and file under dir (symlinks excluded), with its permission bits. */
function modes(dir: string): { file: string; dir: boolean; mode: number }[] {
  const out = [{ file: dir, dir: true, mode: fs.statSync(dir).mode & 0o777 }];
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    const st = fs.lstatSync(file);
    if (st.isDirectory()) out.push(...modes(file));
    else if (st.isFile()) out.push({ file, dir: false, mode: st.mode & 0o777 });
  }
  return out;
}

function openUp(dir: string): void {
  for (const m of modes(dir)) fs.chmodSync(m.file, m.dir ? 0o755 : 0o644);
}

describe('state folder modes', function () {
  this.timeout(60_000);
  let dir: string;
  let cluster: RunningCluster | undefined;
  const kubectl = async (args: string[], input?: string) => {
    const r = await runKubectl(cluster!.kubeconfig, dir, args, { input });
    assert.strictEqual(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };

  before(() => {
    dir = tempDir('slipway-modes-');
  });
  after(async () => {
    await cluster?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('makes every existing and new folder 0700 and file 0600, and replaces a readable token', async () => {
    const state = path.join(dir, 'state');
    cluster = await startCluster({ stateDir: state, nodes: 1 });
    await kubectl(['create', 'secret', 'generic', 'pin', '--from-literal=pin=98765432']);
    await kubectl(['run', 'logger', '--image=busybox', '--restart=Never']);
    const holds = (folder: string) =>
      fs.existsSync(path.join(state, folder)) && fs.readdirSync(path.join(state, folder)).length > 0;
    await eventually(() => holds('logs'), 20_000, 'pod logs');
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data' } };
    await kubectl(
      ['apply', '-f', '-'],
      JSON.stringify({
        ...claim,
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
      }),
    );
    await eventually(() => holds('volumes'), 20_000, 'a volume');
    const oldToken = cluster.token;
    await cluster.stop();
    cluster = undefined;

    openUp(state);
    assert.ok(modes(state).some((m) => m.file.includes(`${path.sep}store${path.sep}wal-`) && m.mode === 0o644));
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.message);
    process.on('warning', onWarning);
    const umask = process.umask(0); // nothing may rely on the umask to keep data private
    try {
      cluster = await startCluster({ stateDir: state, nodes: 1 });
      await kubectl(['create', 'secret', 'generic', 'second', '--from-literal=k=v']);
      await kubectl(['run', 'second', '--image=busybox', '--restart=Never']);
      await eventually(
        () => fs.readdirSync(path.join(state, 'logs')).some((n) => n.startsWith('default_second_')),
        20_000,
        'new pod logs',
      );
      await new Promise((r) => setImmediate(r));
    } finally {
      process.umask(umask);
      process.off('warning', onWarning);
    }

    // what a volume's folder holds is the pods' own (its folder, 0700, keeps it private)
    const volumeContent = new RegExp(`${path.sep}volumes${path.sep}[^${path.sep}]+${path.sep}`);
    const wrong = modes(state)
      .filter((m) => !volumeContent.test(m.file) && m.mode !== (m.dir ? 0o700 : 0o600))
      .map((m) => `${m.file} 0${m.mode.toString(8)}`);
    assert.deepStrictEqual(wrong, []);
    assert.notStrictEqual(cluster.token, oldToken, 'the token others could read is not used again');
    assert.match(
      warnings.join('\n'),
      /token was replaced with a new token because it was readable by other users \(mode 0644\)/,
    );
    assert.match(fs.readFileSync(cluster.kubeconfig, 'utf8'), new RegExp(`token: ${cluster.token}`));
    assert.match(await kubectl(['get', 'secret', 'pin', '-o', 'name']), /secret\/pin/);
  });
});
