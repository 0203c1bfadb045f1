// `slipway up` as a process, as people start and stop it: a single manifest file as the source, and Ctrl-C
// while a sync wave waits on a Deployment that never becomes ready.
import * as assert from 'assert';
import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { eventually } from '../helpers/testCluster';
import { makeRepo, removeScratchDirs, scratchDir, webApp } from './helpers/gitRepo';

const CLI = path.resolve(__dirname, '../../syncer/cli.js');

interface UpProcess {
  child: ChildProcess;
  output(): string;
  exited: Promise<number | null>;
}

function startUp(source: string): UpProcess {
  const dir = scratchDir('slipway-up-');
  const child = spawn('node', [CLI, 'up', source, '--state', path.join(dir, 'state'), '--nodes', '1'], {
    cwd: dir,
    env: { ...process.env, HOME: dir, KUBECONFIG: '' },
  });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, output: () => text, exited };
}

describe('slipway up as a process', function () {
  this.timeout(90_000);
  let up: UpProcess | undefined;
  afterEach(async () => {
    if (up && up.child.exitCode === null) up.child.kill('SIGKILL');
    await up?.exited;
    up = undefined;
  });
  after(() => removeScratchDirs());

  const waitFor = (pattern: RegExp, what: string) =>
    eventually(() => pattern.test(up!.output()), 60_000, what).catch((e) => {
      throw new Error(`${(e as Error).message}; slipway up printed:\n${up!.output()}`);
    });

  it('deploys a path naming one manifest file', async () => {
    const files = webApp({ folder: 'release' });
    const repo = makeRepo({
      'release/kubernetes-manifests.yaml': `${files['release/config.yaml']}---\n${files['release/web.yaml']}`,
      'release/other.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: not-this-one\n',
    });
    up = startUp(path.join(repo.dir, 'release/kubernetes-manifests.yaml'));
    await waitFor(/^kubernetes-manifests: Synced \w+ · Healthy$/m, 'the file deployed');
    assert.match(up.output(), /applied Deployment default\/web/);
    assert.doesNotMatch(up.output(), /not-this-one/);
  });

  it('stops within a second on SIGINT while a wave waits on a Deployment that never becomes ready', async () => {
    const files = webApp({ podAnnotations: { 'sim.slipway.dev/readiness': 'fail' } });
    const repo = makeRepo({
      ...files,
      'app/web.yaml': files['app/web.yaml'].replace(
        'name: web\nspec:',
        'name: web\n  annotations:\n    slipway.dev/sync-wave: "-1"\nspec:',
      ),
    });
    up = startUp(path.join(repo.dir, 'app'));
    await waitFor(/wave -1: waiting until healthy/, 'the wave waiting');
    const signalled = Date.now();
    up.child.kill('SIGINT');
    const code = await up.exited;
    const took = Date.now() - signalled;
    assert.strictEqual(code, 0, up.output());
    assert.ok(took < 1000, `exited ${took} ms after SIGINT`);
    assert.match(up.output(), /sync FAILED \w+ as history #1: stopped: the syncer is shutting down/);
  });
});
