// `slipway up` as a process, as people start and stop it: a single manifest file as the source, Ctrl-C while a
// sync wave waits on a Deployment that never becomes ready, and the addresses of the app's Ingresses.
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
  // a free ingress port, never the default 8080 other programs may hold
  const args = ['up', source, '--state', path.join(dir, 'state'), '--nodes', '1', '--ingress-port', '0'];
  const child = spawn('node', [CLI, ...args], {
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

  it("prints where Ingresses answer and the URLs of the app's Ingress", async () => {
    const repo = makeRepo({
      ...webApp(),
      'app/ingress.yaml': `apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web}
spec:
  rules:
    - host: shop.localhost
      http:
        paths: [{path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
    - host: shop.test
      http:
        paths: [{path: /cart, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}]
    - http:
        paths: [{path: /api, pathType: Exact, backend: {service: {name: web, port: {number: 80}}}}]
`,
    });
    up = startUp(path.join(repo.dir, 'app'));
    await waitFor(/Ingresses answer on: http:\/\/127\.0\.0\.1:\d+$/m, 'the ingress address');
    const port = /Ingresses answer on: http:\/\/127\.0\.0\.1:(\d+)$/m.exec(up.output())![1];
    await waitFor(/^Open the app at:$/m, 'the URLs of the Ingress');
    const urls = up.output().split('Open the app at:\n')[1].split('\n').slice(0, 3);
    assert.deepStrictEqual(urls, [
      `  http://shop.localhost:${port}/`,
      `  http://127.0.0.1:${port}/cart (Host: shop.test)`,
      `  http://127.0.0.1:${port}/api`,
    ]);
  });
});
