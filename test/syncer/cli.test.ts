// The `slipway` commands as people run them: a real `slipway up` process following a real git repository on the
// embedded cluster, the other commands as separate processes with --state, and the real kubectl to look and to meddle.
import * as assert from 'assert';
import { ChildProcess, execFile, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { eventually, startTestCluster, tempDir, TestCluster } from '../helpers/testCluster';
import { commitFiles, git, newRepo, removeScratchDirs, webApp } from './helpers/gitRepo';

const CLI = path.resolve(__dirname, '../../syncer/cli.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string): Promise<Result> {
  return new Promise((resolve) => {
    execFile(
      'node',
      [CLI, ...args],
      { cwd, env: { ...process.env, HOME: cwd, KUBECONFIG: '' }, timeout: 60_000 },
      (err, stdout, stderr) => {
        resolve({
          code: err ? (typeof (err as any).code === 'number' ? (err as any).code : -1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        });
      },
    );
  });
}

// the app `slipway up` deploys from the folder shop/: a ConfigMap, a Deployment and its Service, and a Secret
const DB_SECRET = `apiVersion: v1
kind: Secret
metadata:
  name: db
stringData:
  password: hunter2
`;
const shop = (image: string): Record<string, string> => ({
  ...webApp({ image, folder: 'shop' }),
  'shop/db.yaml': DB_SECRET,
});

describe('slipway commands against `slipway up`', function () {
  this.timeout(120_000);
  let dir: string;
  let repo: string;
  let state: string;
  let up: ChildProcess;
  let upOutput = '';
  let upExit: Promise<number | null>;
  const shas: string[] = [];

  /** a slipway command run as a process, with --state unless told otherwise */
  function slipway(args: string[], opts: { state?: boolean } = {}): Promise<Result> {
    return run(opts.state === false ? args : [...args, '--state', state], dir);
  }

  function kubectl(...args: string[]): string {
    return execFileSync(
      'kubectl',
      ['--kubeconfig', path.join(state, 'kubeconfig'), '--cache-dir', path.join(dir, 'kube-cache'), ...args],
      { encoding: 'utf8' },
    );
  }

  const app = (): any => JSON.parse(kubectl('get', 'application', 'shop', '-o', 'json'));
  const image = () => kubectl('get', 'deployment', 'web', '-o', 'jsonpath={.spec.template.spec.containers[0].image}');
  /** the Deployment runs `img` on all its replicas (old pods gone) */
  const rolledOut = (img: string) => () => {
    const d = JSON.parse(kubectl('get', 'deployment', 'web', '-o', 'json'));
    return (
      d.spec.template.spec.containers[0].image === img &&
      d.status?.updatedReplicas === 2 &&
      d.status?.replicas === 2 &&
      d.status?.availableReplicas === 2
    );
  };

  before(async () => {
    dir = tempDir('slipway-cli-');
    repo = newRepo();
    state = path.join(dir, 'state');
    shas.push(commitFiles(repo, shop('nginx:1.26'), 'first'));
    // self-heal would undo the kubectl edits the diff tests make
    up = spawn('node', [CLI, 'up', path.join(repo, 'shop'), '--state', state, '--nodes', '1', '--no-self-heal'], {
      cwd: dir,
      env: { ...process.env, HOME: dir },
    });
    up.stdout!.on('data', (d) => (upOutput += d));
    up.stderr!.on('data', (d) => (upOutput += d));
    upExit = new Promise((resolve) => up.on('exit', (code) => resolve(code)));
    await eventually(
      () => /^shop: Synced \w+ · Healthy$/m.test(upOutput),
      60_000,
      `slipway up to report Synced and Healthy; it printed:\n${upOutput}`,
    );
  });

  after(() => {
    if (up && up.exitCode === null) up.kill('SIGKILL');
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    removeScratchDirs();
  });

  it('every command explains itself with --help', async () => {
    const top = await slipway(['--help'], { state: false });
    assert.strictEqual(top.code, 0);
    const commands = ['status', 'diff', 'sync', 'history', 'rollback', 'resume', 'refresh', 'logs', 'install'];
    for (const c of [...commands, 'up', 'cluster'])
      assert.match(top.stdout, new RegExp(`^  ${c} `, 'm'), `slipway --help lists ${c}`);
    const helps = await Promise.all(commands.map((c) => slipway([c, '--help'], { state: false })));
    helps.forEach((h, i) => {
      assert.strictEqual(h.code, 0, commands[i]);
      assert.match(h.stdout, new RegExp(`^Usage: slipway ${commands[i]}`), commands[i]);
      assert.match(h.stdout, /--kubeconfig FILE/, commands[i]);
    });
    assert.match(helps[commands.indexOf('rollback')].stdout, /slipway resume/);
    assert.match(helps[commands.indexOf('logs')].stdout, /deploy\//);
    const wrong = await slipway(['history', '--bogus']);
    assert.strictEqual(wrong.code, 2);
    assert.match(wrong.stderr, /--bogus[\s\S]*slipway history --help/);
  });

  it('status shows sync, health, resources and history; --output json gives the status', async () => {
    const [text, json] = await Promise.all([slipway(['status']), slipway(['status', '--output', 'json'])]);
    assert.strictEqual(text.code, 0, text.stderr);
    assert.match(text.stdout, new RegExp(`^shop: Synced ${shas[0].slice(0, 7)} · Healthy`, 'm'));
    assert.match(text.stdout, /^  Deployment\/default\/web +Synced +Healthy +2 of 2 replicas available$/m);
    assert.match(text.stdout, /^  Secret\/default\/db +Synced/m);
    assert.match(
      text.stdout,
      new RegExp(`^\\*  +1 +${shas[0].slice(0, 7)} .* Succeeded +Healthy +commit +first +Dev <dev@example.com>$`, 'm'),
    );
    assert.strictEqual(json.code, 0, json.stderr);
    const st = JSON.parse(json.stdout);
    assert.deepStrictEqual([st.sync.status, st.sync.revision, st.health.status], ['Synced', shas[0], 'Healthy']);
  });

  it('history lists each deployed commit and marks the live one', async () => {
    shas.push(commitFiles(repo, shop('nginx:1.27'), 'nginx 1.27'));
    await eventually(rolledOut('nginx:1.27'), 60_000, 'the second commit to roll out');
    await eventually(() => app().status?.history?.[1]?.health === 'Healthy', 30_000, 'history #2 to be Healthy');
    const text = await slipway(['history']);
    assert.strictEqual(text.code, 0, text.stderr);
    const rows = text.stdout.split('\n').filter((l) => /^[ *P]{2} +\d+ /.test(l));
    assert.strictEqual(rows.length, 2, text.stdout);
    assert.match(
      rows[0],
      new RegExp(
        `^   +1 +${shas[0].slice(0, 7)} +\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d +Succeeded +Healthy +commit +first +Dev`,
      ),
    );
    assert.match(
      rows[1],
      new RegExp(`^\\*  +2 +${shas[1].slice(0, 7)} .* Succeeded +Healthy +commit +nginx 1\\.27 +Dev`),
    );
    assert.match(text.stdout.split('\n')[0], /ID +REVISION +STARTED +RESULT +HEALTH +TRIGGER +SUBJECT +AUTHOR/);
    const json = JSON.parse((await slipway(['history', '-o', 'json'])).stdout);
    assert.deepStrictEqual(
      json.map((h: any) => [h.id, h.revision, h.live, h.pinned]),
      [
        [1, shas[0], false, false],
        [2, shas[1], true, false],
      ],
    );
  });

  it('diff: exit 0 when in sync, 1 with the changed field after a kubectl edit, Secret values masked', async () => {
    const clean = await slipway(['diff']);
    assert.strictEqual(clean.code, 0, clean.stdout + clean.stderr);
    assert.match(clean.stdout, /live matches/);
    kubectl('patch', 'configmap', 'settings', '-p', '{"data":{"greeting":"edited"}}');
    kubectl('patch', 'secret', 'db', '-p', JSON.stringify({ stringData: { password: 'swordfish' } }));
    const changed = await slipway(['diff']);
    assert.strictEqual(changed.code, 1, changed.stderr);
    const lines = changed.stdout.split('\n');
    assert.ok(lines.includes('-  greeting: edited') && lines.includes('+  greeting: hello'), changed.stdout);
    assert.ok(
      lines.includes('-  password: "*** (before)"') && lines.includes('+  password: "*** (after)"'),
      changed.stdout,
    );
    assert.doesNotMatch(changed.stdout, /hunter2|swordfish|aHVudGVyMg|c3dvcmRmaXNo/);
    assert.doesNotMatch(changed.stdout, /Deployment/);
    const json = await slipway(['diff', '-o', 'json']);
    assert.strictEqual(json.code, 1);
    const d = JSON.parse(json.stdout);
    assert.deepStrictEqual(d.changes.map((c: any) => `${c.action} ${c.kind}/${c.name}`).sort(), [
      'update ConfigMap/settings',
      'update Secret/db',
    ]);
    assert.strictEqual(d.revision, shas[1]);
  });

  it('sync applies the tip again and reports the outcome', async () => {
    const r = await slipway(['sync']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`^sync: Succeeded — ${shas[1].slice(0, 7)} as history #\\d+ \\(nginx 1\\.27\\)`, 'm'),
    );
    assert.strictEqual(kubectl('get', 'configmap', 'settings', '-o', 'jsonpath={.data.greeting}'), 'hello');
    const clean = await slipway(['diff']);
    assert.strictEqual(clean.code, 0, clean.stdout);
  });

  it('rollback ID pins the app to that entry: the old image is live and the pause is said loudly', async () => {
    const r = await slipway(['rollback', '1']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /^rollback 1: Succeeded/m);
    assert.match(r.stdout, /AUTOMATED SYNC IS PAUSED/);
    assert.match(r.stdout, /`slipway resume`/);
    assert.strictEqual(image(), 'nginx:1.26');
    await eventually(rolledOut('nginx:1.26'), 60_000, 'the rollback to roll out');
    const st = app().status;
    assert.deepStrictEqual([st.pinned.id, st.pinned.revision], [1, shas[0]]);
    const status = await slipway(['status']);
    assert.match(status.stdout.split('\n')[0], /^!! Automated sync is PAUSED/);
    const history = await slipway(['history']);
    assert.match(history.stdout, /^ P +1 /m);
  });

  it('resume ends the pin and the branch tip is live again', async () => {
    const r = await slipway(['resume']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /^resume: Succeeded/m);
    await eventually(rolledOut('nginx:1.27'), 60_000, 'the tip to roll out again');
    assert.strictEqual(app().status.pinned, undefined);
  });

  it('rollback ID --git commits a revert and deploys it, without pinning', async () => {
    const r = await slipway(['rollback', '1', '--git']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /^rollback 1 --git: Succeeded/m);
    assert.doesNotMatch(r.stdout, /PAUSED/);
    const [sha, subject] = git(repo, 'log', '-1', '--format=%H%x00%s').split('\0');
    assert.notStrictEqual(sha, shas[1]);
    assert.match(subject, /Revert .*slipway rollback 1/);
    assert.strictEqual(git(repo, 'show', `${sha}:shop/web.yaml`), shop('nginx:1.26')['shop/web.yaml'].trim());
    await eventually(rolledOut('nginx:1.26'), 60_000, 'the revert to roll out');
    const st = app().status;
    assert.strictEqual(st.pinned, undefined);
    assert.strictEqual(st.sync.revision, sha);
  });

  it('refresh compares again and reports', async () => {
    const r = await slipway(['refresh']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /^refresh: Succeeded/m);
  });

  it('logs deploy/NAME shows every pod of the Deployment, each line prefixed', async () => {
    const pods = kubectl('get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].metadata.name}')
      .split(' ')
      .filter(Boolean);
    assert.strictEqual(pods.length, 2, pods.join(' '));
    const r = await slipway(['logs', 'deploy/web']);
    assert.strictEqual(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    for (const p of pods)
      assert.ok(
        lines.some((l) => l.startsWith(`[pod/${p}] [simulated runtime]`)),
        `${p} in:\n${r.stdout}`,
      );
    assert.ok(
      lines.every((l) => /^\[pod\/web-[\w-]+\] /.test(l)),
      r.stdout,
    );
    const one = await slipway(['logs', pods[0], '--tail', '1']);
    assert.strictEqual(one.code, 0, one.stderr);
    assert.strictEqual(one.stdout.trim().split('\n').length, 1, one.stdout);
    assert.match(one.stdout, /^\[simulated runtime\]/);
  });

  it('logs -f follows every pod until Ctrl-C', async () => {
    const child = spawn('node', [CLI, 'logs', 'deploy/web', '-f', '--state', state], {
      cwd: dir,
      env: { ...process.env, HOME: dir },
    });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    await eventually(
      () => new Set([...out.matchAll(/^\[pod\/(web-[\w-]+)\] /gm)].map((m) => m[1])).size === 2,
      20_000,
      `lines of both pods, got:\n${out}`,
    );
    child.kill('SIGINT');
    assert.strictEqual(await exited, 0, out);
  });

  it('install applies the CustomResourceDefinition again without harm and says how to create an Application', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await slipway(['install']);
      assert.strictEqual(r.code, 0, r.stderr);
      assert.match(
        r.stdout,
        /^customresourcedefinition\.apiextensions\.k8s\.io\/applications\.slipway\.dev (created|configured|unchanged)/,
      );
      assert.match(r.stdout, /slipway up PATH/);
    }
    // the Application is still there and served
    assert.strictEqual((await slipway(['status'])).code, 0);
  });

  it('errors say what to do, with exit codes: unknown app, history ID or revision, no cluster, a bad argument', async () => {
    const [noApp, noId, badId, noCluster, badType, noWorkload, noRevision] = await Promise.all([
      slipway(['status', '--app', 'nope']),
      slipway(['rollback', '42']),
      slipway(['rollback', 'latest']),
      slipway(['history', '--state', path.join(dir, 'nowhere')], { state: false }),
      slipway(['logs', 'svc/web']),
      slipway(['logs', 'deploy/nope']),
      slipway(['sync', '--revision', 'deadbeef']),
    ]);
    assert.strictEqual(noApp.code, 2);
    assert.match(noApp.stderr, /no Application "nope" in namespace default/);
    assert.strictEqual(noId.code, 1);
    assert.match(noId.stderr, /no history entry #42/);
    assert.match(noId.stderr, new RegExp(`#1 ${shas[0].slice(0, 7)} first`));
    assert.strictEqual(badId.code, 2);
    assert.match(badId.stderr, /history ID/);
    assert.strictEqual(noCluster.code, 2);
    assert.match(noCluster.stderr, /no cluster in .*nowhere.*slipway up --state/);
    assert.strictEqual(badType.code, 2);
    assert.match(badType.stderr, /deploy\//);
    assert.strictEqual(noWorkload.code, 1);
    assert.match(noWorkload.stderr, /no Deployment nope in namespace default/);
    // the syncer refuses it: the command reports that and exits 1
    assert.strictEqual(noRevision.code, 1, noRevision.stdout + noRevision.stderr);
    assert.match(noRevision.stdout, /^sync: Failed: unknown revision deadbeef/m);
  });

  it('diff of a commit with invalid manifests lists file:line errors and exits 2', async () => {
    commitFiles(
      repo,
      {
        'shop/broken.yaml':
          'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: broken\ndata:\n  count: 1\n  list: [a]\n',
      },
      'broken',
    );
    const r = await slipway(['diff']);
    assert.strictEqual(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /invalid manifest/);
    assert.match(r.stderr, /^  shop\/broken\.yaml:6 data\[count\]: .*string/m);
    assert.match(r.stderr, /^  shop\/broken\.yaml:7 data\[list\]: .*string/m);
  });

  it('slipway up killed -9 and started again deploys at once: it takes over the lease the killed run left', async () => {
    up.kill('SIGKILL');
    await upExit;
    // (a test before may have left an invalid file behind)
    const broken: Record<string, null> = fs.existsSync(path.join(repo, 'shop/broken.yaml'))
      ? { 'shop/broken.yaml': null }
      : {};
    shas.push(commitFiles(repo, { ...shop('nginx:1.27'), ...broken }, 'nginx 1.27 while slipway up was down'));
    upOutput = '';
    const started = Date.now();
    up = spawn('node', [CLI, 'up', path.join(repo, 'shop'), '--state', state, '--nodes', '1', '--no-self-heal'], {
      cwd: dir,
      env: { ...process.env, HOME: dir },
    });
    up.stdout!.on('data', (d) => (upOutput += d));
    up.stderr!.on('data', (d) => (upOutput += d));
    upExit = new Promise((resolve) => up.on('exit', (code) => resolve(code)));
    const short = shas[shas.length - 1].slice(0, 7);
    await eventually(
      () => new RegExp(`^shop: Synced ${short} · Healthy$`, 'm').test(upOutput),
      30_000,
      `${short} deployed`,
    ).catch((e) => {
      throw new Error(`${e.message}; slipway up printed:\n${upOutput}`);
    });
    // the lease is 15 s: waiting it out would have taken longer than this
    assert.ok(Date.now() - started < 12_000, `deployed after ${Date.now() - started} ms`);
    assert.doesNotMatch(upOutput, /standing by/);
  });

  it('slipway up stops on SIGINT with exit code 0', async () => {
    up.kill('SIGINT');
    assert.strictEqual(await upExit, 0, upOutput);
    const gone = await slipway(['status']);
    assert.strictEqual(gone.code, 2);
    assert.match(gone.stderr, /cannot reach the cluster[\s\S]*`slipway up`/);
  });
});

describe('slipway commands against a cluster without a syncer', function () {
  this.timeout(60_000);
  let t: TestCluster;
  const CRD = 'customresourcedefinition.apiextensions.k8s.io/applications.slipway.dev';

  before(async () => {
    t = await startTestCluster({ nodes: 0 });
    // as a cluster Slipway has never seen: no Application CRD
    const r = await t.kubectl(['delete', 'crd', 'applications.slipway.dev']);
    assert.strictEqual(r.code, 0, r.stderr);
  });
  after(async () => {
    await t?.stop();
  });

  const slipway = (...args: string[]) => run([...args, '--kubeconfig', t.cluster.kubeconfig], t.dir);

  it('install creates the CustomResourceDefinition (owned by slipway-cli), and a second install changes nothing', async () => {
    const before = await slipway('status');
    assert.strictEqual(before.code, 2);
    assert.match(before.stderr, /does not serve applications\.slipway\.dev: install it with `slipway install`/);
    const first = await slipway('install');
    assert.strictEqual(first.code, 0, first.stderr);
    assert.match(first.stdout, new RegExp(`^${CRD} created`));
    const crd = await t.json(['get', 'crd', 'applications.slipway.dev', '--show-managed-fields']);
    assert.ok(
      crd.metadata.managedFields.some((f: any) => f.manager === 'slipway-cli' && f.operation === 'Apply'),
      JSON.stringify(crd.metadata.managedFields),
    );
    assert.ok(crd.status.conditions.some((c: any) => c.type === 'Established' && c.status === 'True'));
    const second = await slipway('install');
    assert.strictEqual(second.code, 0, second.stderr);
    assert.match(second.stdout, new RegExp(`^${CRD} unchanged`));
    const none = await slipway('status');
    assert.strictEqual(none.code, 2);
    assert.match(none.stderr, /no Application in the cluster .*slipway up PATH/);
  });

  it('an operation nobody carries out ends with "no syncer" after --timeout, and the request is taken back', async () => {
    await t.apply(
      `{"apiVersion":"slipway.dev/v1alpha1","kind":"Application","metadata":{"name":"lonely","namespace":"default"},"spec":{"source":{"repo":"${t.dir}"}}}`,
    );
    const r = await slipway('sync', '--timeout', '1s');
    assert.strictEqual(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /no syncer answered within 1 s.*default\/lonely.*`slipway up` runs one/);
    const app = await t.json(['get', 'application', 'lonely']);
    assert.strictEqual(app.spec.operation, undefined);
  });
});
