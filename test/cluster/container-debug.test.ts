// kubectl debug against pods running as real containers on the machine's engine (Podman in CI): the ephemeral
// container joins the pod's network (it reaches the app over localhost) and, with --target, the target container's
// processes; -it gives it a terminal; its output is in kubectl logs. Nothing is mocked; the images are built here.
import * as assert from 'assert';
import type { ContainerStatus } from 'kubernetes-types/core/v1';
import { spawn } from 'child_process';
import { clusterId } from '../../cluster/runtime/runtimeChoice';
import { clusterContainers, SHELL_IMAGE, useContainerCluster } from '../helpers/containerEngine';
import { eventually } from '../helpers/testCluster';

/** busybox httpd answering on 8080 with "hello from web", as the pod's one container "app" */
const WEB = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web' },
  spec: {
    terminationGracePeriodSeconds: 1,
    containers: [
      {
        name: 'app',
        image: SHELL_IMAGE,
        imagePullPolicy: 'IfNotPresent',
        command: [
          'sh',
          '-c',
          'mkdir -p /www && echo hello from web > /www/index.html && exec httpd -f -p 8080 -h /www',
        ],
      },
    ],
  },
});

describe('kubectl debug on real containers', function () {
  this.timeout(60_000);
  const c = useContainerCluster({ clockSpeed: 1 });
  const image = `--image=${SHELL_IMAGE}`;

  before(async function () {
    this.timeout(60_000);
    await c.t.apply(WEB);
    await c.t.ok(['wait', '--for=condition=Ready', 'pod/web', '--timeout=30s']);
  });

  async function statusOf(name: string): Promise<ContainerStatus | undefined> {
    const pod = await c.t.json(['get', 'pod', 'web']);
    return (pod.status.ephemeralContainerStatuses ?? []).find((s: { name: string }) => s.name === name);
  }

  it("runs in the pod's network and, with --target, sees the target's processes; its output is in logs", async () => {
    // no -i: the container runs on its own; what it printed is read back from its log
    const script = 'wget -qO- http://localhost:8080/; busybox ps -o pid,args';
    await c.t.ok(['debug', 'web', image, '--target=app', '-c', 'probe', '--', 'sh', '-c', script]);
    const done = await eventually(async () => (await statusOf('probe'))?.state?.terminated, 20_000, 'the exit');
    assert.strictEqual(done?.exitCode, 0);
    const logs = await c.t.ok(['logs', 'web', '-c', 'probe']);
    assert.match(logs, /hello from web/);
    // the target's process (httpd), and the debug shell itself, in one process namespace
    assert.match(logs, /httpd -f -p 8080/);
    assert.match(logs, /busybox ps/);
  });

  it('without --target it has its own processes, still on the pod network', async () => {
    const script = 'wget -qO- http://localhost:8080/; busybox ps -o pid,args';
    await c.t.ok(['debug', 'web', image, '-c', 'alone', '--', 'sh', '-c', script]);
    await eventually(async () => (await statusOf('alone'))?.state?.terminated, 20_000, 'the exit');
    const logs = await c.t.ok(['logs', 'web', '-c', 'alone']);
    assert.match(logs, /hello from web/);
    assert.doesNotMatch(logs, /httpd/);
  });

  it('debug -it --target gives an interactive shell on a terminal among the target processes', async () => {
    const t = c.t;
    const cmd = `kubectl --kubeconfig ${t.cluster.kubeconfig} debug -it web ${image} --target=app -c shell -- sh`;
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, HOME: t.dir } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    try {
      // kubectl attaches once the container runs; its hint asks for enter, which shows the prompt
      await eventually(() => out.includes("If you don't see a command prompt"), 20_000, 'the attach');
      child.stdin.write('\n');
      await eventually(() => out.includes('/ # '), 10_000, 'the shell prompt');
      // [h]ttpd: the pattern does not match grep's own command line
      child.stdin.write('echo "on $(tty)"; busybox ps -o args | grep -c "[h]ttpd -f"\n');
      await eventually(() => /on \/dev\/pts\/\d+\s+1\s/.test(out), 10_000, 'the answer').catch((e) => {
        throw new Error(`${e.message}: ${out}`);
      });
      child.stdin.write('exit\n');
      assert.strictEqual(await exited, 0, out);
    } finally {
      child.kill();
    }
    const done = await eventually(async () => (await statusOf('shell'))?.state?.terminated, 20_000, 'the exit');
    assert.strictEqual(done?.exitCode, 0);
    // it is not started again, and the app went on all along
    const app = (await t.json(['get', 'pod', 'web'])).status.containerStatuses[0];
    assert.strictEqual(app.restartCount, 0);
    assert.ok(app.state.running);
  });

  it('debug --copy-to makes a copy sharing one process namespace: its debug container sees the app', async () => {
    // the copy's containers start together: the debug one waits for the app to answer
    const script = 'until wget -qO- http://localhost:8080/; do sleep 0.2; done; busybox ps -o args; exec sleep 3600';
    // kubectl sets shareProcessNamespace only when the flag is given
    const copyArgs = ['--copy-to=web-copy', '--share-processes', '-c', 'dbg'];
    await c.t.ok(['debug', 'web', image, ...copyArgs, '--', 'sh', '-c', script]);
    const copy = await c.t.json(['get', 'pod', 'web-copy']);
    assert.strictEqual(copy.spec.shareProcessNamespace, true);
    const logs = await eventually(
      async () => {
        const r = await c.t.kubectl(['logs', 'web-copy', '-c', 'dbg']);
        return /busybox ps/.test(r.stdout) ? r.stdout : '';
      },
      20_000,
      'the debug container output',
    );
    assert.match(logs, /hello from web/);
    assert.match(logs, /httpd -f -p 8080/);
    await c.t.ok(['delete', 'pod', 'web-copy', '--wait=false']);
  });

  it('deleting the pod removes its containers, debug ones included, running or not', async () => {
    await c.t.ok(['debug', 'web', image, '--target=app', '-c', 'holder', '--', 'sleep', '3600']);
    await eventually(async () => (await statusOf('holder'))?.state?.running, 20_000, 'holder running');
    // a second pod whose debug container still runs when the cluster stops (checked in after)
    await c.t.apply(WEB.replace('"web"', '"web2"'));
    await c.t.ok(['wait', '--for=condition=Ready', 'pod/web2', '--timeout=30s']);
    await c.t.ok(['debug', 'web2', image, '--target=app', '-c', 'holder', '--', 'sleep', '3600']);
    await c.t.ok(['delete', 'pod', 'web', '--wait=true', '--timeout=30s']);
    const id = clusterId(c.t.cluster.stateDir);
    await eventually(
      async () => (await clusterContainers(c.engine, id)).every((x) => x.pod !== 'default/web'),
      20_000,
      'no container of the pod left',
    ).catch(async (e) => {
      throw new Error(`${e.message}: ${JSON.stringify(await clusterContainers(c.engine, id))}`);
    });
    const left = await clusterContainers(c.engine, id);
    assert.ok(
      left.some((x) => x.pod === 'default/web2' && x.container === 'holder' && x.running),
      JSON.stringify(left),
    );
    stateDir = c.t.cluster.stateDir;
  });

  // registered after useContainerCluster's own after, so it runs once the cluster has stopped
  let stateDir: string | undefined;
  after(async () => {
    if (!stateDir) return;
    assert.deepStrictEqual(await clusterContainers(c.engine, clusterId(stateDir)), [], 'containers left after stop');
  });
});
