// `slipway up samples/guestbook` on the container engine, as `npm start` runs it: the sample's pods run as real
// containers and the URL `slipway up` prints answers through the ingress listener. This machine cannot pull the
// sample's public images, so locally built stand-ins are tagged under their names (guestbookImages.ts): the pods
// must find them with the sample's imagePullPolicy (IfNotPresent, from their tags) instead of pulling.
import * as assert from 'assert';
import { ChildProcess, execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { promisify } from 'util';
import { engineOrSkip } from '../helpers/containerEngine';
import { GuestbookStandIns, tagGuestbookStandIns } from '../helpers/guestbookImages';
import { eventually, SAMPLE_DIR } from '../helpers/testCluster';
import { makeRepo, removeScratchDirs, scratchDir } from './helpers/gitRepo';

const CLI = path.resolve(__dirname, '../../syncer/cli.js');

function get(url: string, host: string): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  return new Promise((resolve, reject) =>
    http
      .get({ hostname: '127.0.0.1', port: u.port, path: u.pathname, headers: { host } }, (res) => {
        let body = '';
        res.on('data', (d) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      })
      .on('error', reject),
  );
}

describe('slipway up samples/guestbook on the container engine', function () {
  this.timeout(180_000);
  let standIns: GuestbookStandIns | undefined;
  let up: ChildProcess | undefined;
  let output = '';
  let state = '';

  before(async function () {
    this.timeout(120_000);
    const engine = await engineOrSkip(this);
    standIns = await tagGuestbookStandIns(engine);
    if (!standIns) {
      console.log('    skipped: the engine already has images of the sample, which the stand-ins would hide');
      this.skip();
    }
  });
  after(async () => {
    if (up && up.exitCode === null) {
      const exited = new Promise((resolve) => up!.once('exit', resolve));
      up.kill('SIGINT');
      await exited;
    }
    await standIns?.untag();
    removeScratchDirs();
  });

  it('runs the sample for real and answers at the URL it prints', async () => {
    const files: Record<string, string> = {};
    for (const f of fs.readdirSync(SAMPLE_DIR))
      files[`guestbook/${f}`] = fs.readFileSync(path.join(SAMPLE_DIR, f), 'utf8');
    const repo = makeRepo(files);
    state = path.join(scratchDir('slipway-guestbook-'), 'state');
    const args = ['up', path.join(repo.dir, 'guestbook'), '--state', state, '--nodes', '1', '--runtime', 'container'];
    // a free ingress port, never the default 8080 other programs may hold
    up = spawn(process.execPath, [CLI, ...args, '--ingress-port', '0'], { env: { ...process.env, KUBECONFIG: '' } });
    up.stdout!.on('data', (d) => (output += d));
    up.stderr!.on('data', (d) => (output += d));
    const said = (pattern: RegExp, what: string) =>
      eventually(() => pattern.exec(output) ?? undefined, 150_000, what).catch((e) => {
        throw new Error(`${(e as Error).message}; slipway up printed:\n${output}`);
      });
    await said(/pods run on: podman:\/\/|pods run on: docker:\/\//, 'the container runtime named at start');
    const url = (await said(/http:\/\/guestbook\.localhost:\d+\/\S*/, 'the Ingress URL'))![0];
    await said(/^guestbook: Synced \w+ · Healthy$/m, 'the app Healthy');

    const page = await get(url, 'guestbook.localhost');
    assert.strictEqual(page.status, 200, page.body);
    assert.ok(page.body.includes(standIns!.marker(standIns!.images.find((i) => /frontend/.test(i))!)), page.body);

    // the images were found on the engine, not pulled
    const kubeconfig = path.join(state, 'kubeconfig');
    const events = await promisify(execFile)('kubectl', [
      '--kubeconfig',
      kubeconfig,
      'get',
      'events',
      '-n',
      'guestbook',
    ]);
    for (const image of standIns!.images)
      assert.ok(events.stdout.includes(`Container image "${image}" already present on machine`), events.stdout);
    assert.doesNotMatch(events.stdout, /Pulling image/);
  });
});
