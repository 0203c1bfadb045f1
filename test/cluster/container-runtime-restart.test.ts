// kill -9 of a `slipway cluster` running pods on the container engine, then a restart without --runtime: the
// cluster still runs on the engine (the choice is in its state), removes what the killed process left and runs
// the pods again, so the engine holds exactly the pods' containers; stopping the cluster removes them all. The
// same for the local routes that bring the pods' traffic for cluster IPs to the cluster: a killed cluster's are
// removed at its next start, a deleted Service's at once, the rest at stop.
import * as assert from 'assert';
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as path from 'path';
import { Engine } from '../../cluster/runtime/container/engine';
import { clusterId } from '../../cluster/runtime/runtimeChoice';
import { clusterContainers, engineOrSkip, ensureShellImage, SHELL_IMAGE } from '../helpers/containerEngine';
import { eventually, runKubectl, tempDir } from '../helpers/testCluster';

const CLI = path.resolve(__dirname, '../../syncer/cli.js');

function startCli(
  stateDir: string,
  extra: string[],
): Promise<{ child: ChildProcess; out: () => string; kubeconfig: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'cluster', '--state', stateDir, '--nodes', '1', ...extra], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, SLIPWAY_RUNTIME: '' },
    });
    let out = '';
    child.stdout!.on('data', (d) => {
      out += d;
      const m = /export KUBECONFIG=(\S+)/.exec(out);
      if (m) resolve({ child, out: () => out, kubeconfig: m[1] });
    });
    child.stderr!.on('data', (d) => (out += d));
    child.on('exit', (code) => reject(new Error(`slipway cluster exited with ${code}: ${out}`)));
  });
}

/** Whether this machine routes ip to itself (a local route in the local table), as `ip route` shows it. */
function routedHere(ip: string): boolean {
  return execFileSync('ip', ['route', 'show', 'table', 'local', `${ip}/32`], { encoding: 'utf8' }).includes(ip);
}

describe('container runtime across kill -9 of the cluster', function () {
  this.timeout(60_000);
  let engine: Engine;

  before(async function () {
    engine = await engineOrSkip(this);
    await ensureShellImage(engine);
  });

  it("leaves exactly the pods' containers after a restart, and none after a stop", async () => {
    const dir = tempDir('slipway-ctr-kill-');
    const stateDir = path.join(dir, 'state');
    const id = clusterId(stateDir);
    const kubectl = async (kubeconfig: string, args: string[], input?: string) => {
      const r = await runKubectl(kubeconfig, dir, args, { input });
      assert.strictEqual(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const first = await startCli(stateDir, ['--runtime', 'container']);
    const manifest = (name: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name },
        spec: {
          terminationGracePeriodSeconds: 1,
          containers: [{ name: 'main', image: SHELL_IMAGE, imagePullPolicy: 'Never', command: ['sleep', '3600'] }],
        },
      });
    await kubectl(first.kubeconfig, ['apply', '-f', '-'], manifest('one'));
    await kubectl(first.kubeconfig, ['apply', '-f', '-'], manifest('two'));
    const running = async () => (await clusterContainers(engine, id)).filter((c) => c.running);
    await eventually(async () => (await running()).length === 4, 20_000, 'two pods running (sandbox + container each)');
    const before = new Set((await clusterContainers(engine, id)).map((c) => c.id));
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    // what the killed process ran is still on the engine
    assert.strictEqual((await running()).length, 4);

    const second = await startCli(stateDir, []);
    try {
      assert.match(second.out(), new RegExp(`pods run on: ${engine.name}://`));
      await eventually(
        async () => {
          const now = await clusterContainers(engine, id);
          return now.length === 4 && now.every((c) => c.running && !before.has(c.id));
        },
        20_000,
        'the old containers removed and the two pods running again',
      );
      const now = await clusterContainers(engine, id);
      assert.deepStrictEqual(now.map((c) => `${c.pod} ${c.container}`).sort(), [
        'default/one POD',
        'default/one main',
        'default/two POD',
        'default/two main',
      ]);
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
    assert.deepStrictEqual(await clusterContainers(engine, id), [], 'containers left after the cluster stopped');
  });

  it("removes the cluster IPs' routes a killed cluster left at its next start, and its own at stop", async function () {
    const dir = tempDir('slipway-ctr-routes-');
    const stateDir = path.join(dir, 'state');
    const first = await startCli(stateDir, ['--runtime', 'container']);
    if (!/cluster IPs: reachable/.test(first.out())) {
      first.child.kill('SIGKILL');
      // a user's machine may not allow routes (not root, an engine in a VM): the cluster says why
      if (process.env.SLIPWAY_CONTAINER_TESTS === '1') assert.fail(first.out());
      this.skip();
    }
    const kubectl = async (kubeconfig: string, args: string[], input?: string) => {
      const r = await runKubectl(kubeconfig, dir, args, { input });
      assert.strictEqual(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    };
    const service = (name: string) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name }, spec: { ports: [{ port: 80 }] } });
    await kubectl(first.kubeconfig, ['apply', '-f', '-'], service('web'));
    await kubectl(first.kubeconfig, ['apply', '-f', '-'], service('api'));
    const ip = async (name: string) =>
      (await kubectl(first.kubeconfig, ['get', 'svc', name, '-o', 'jsonpath={.spec.clusterIP}'])).trim();
    const [web, api] = [await ip('web'), await ip('api')];
    await eventually(() => routedHere(web) && routedHere(api), 20_000, 'the routes of both cluster IPs');
    first.child.kill('SIGKILL');
    await new Promise((r) => first.child.once('exit', r));
    assert.ok(routedHere(web) && routedHere(api), 'a killed cluster cannot remove its routes');

    const second = await startCli(stateDir, []);
    try {
      await kubectl(second.kubeconfig, ['delete', 'svc', 'web']);
      await eventually(() => !routedHere(web), 20_000, "the deleted Service's route removed");
      await eventually(() => routedHere(api), 20_000, "the remaining Service's route");
    } finally {
      second.child.kill('SIGTERM');
      await new Promise((r) => second.child.once('exit', r));
    }
    assert.ok(!routedHere(api), 'a route left after the cluster stopped');
  });
});
