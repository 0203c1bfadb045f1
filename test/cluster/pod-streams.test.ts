// kubectl exec, cp, attach, run -i --rm and port-forward against pods running as real containers on the machine's
// engine (Podman in CI): the real kubectl speaks its WebSocket protocols to the API server, which reaches the
// containers through the kubelet and the engine's exec and attach. Nothing is mocked; the images are built here.
import * as k8s from '@kubernetes/client-node';
import * as assert from 'assert';
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as path from 'path';
import { PassThrough } from 'stream';
import { Engine } from '../../cluster/runtime/container/engine';
import { clusterId } from '../../cluster/runtime/runtimeChoice';
import { clusterContainers, engineOrSkip, ensureShellImage, SHELL_IMAGE } from '../helpers/containerEngine';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

function pod(name: string, script: string, extra: object = {}, restartPolicy = 'Always'): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: {
      terminationGracePeriodSeconds: 1,
      restartPolicy,
      containers: [
        { name: 'main', image: SHELL_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script], ...extra },
      ],
    },
  });
}

describe('pod streams on real containers: exec, cp, attach, run -i, port-forward', function () {
  this.timeout(60_000);
  let engine: Engine;
  let t: TestCluster;

  before(async function () {
    this.timeout(120_000);
    engine = await engineOrSkip(this);
    await ensureShellImage(engine);
    t = await startTestCluster({ runtime: 'container', nodes: 1 });
    await t.apply(pod('shell', 'sleep 3600'));
    await t.ok(['wait', '--for=condition=Ready', 'pod/shell', '--timeout=30s']);
  });

  after(async () => {
    if (!t) return;
    const id = clusterId(t.cluster.stateDir);
    await t.stop();
    assert.deepStrictEqual(await clusterContainers(engine, id), [], 'containers left on the engine after stop');
  });

  it("exec runs the command in the container: its stdout, stderr and exit code come back as kubectl's", async () => {
    const r = await t.kubectl([
      'exec',
      'shell',
      '--',
      'sh',
      '-c',
      'echo "out in $(cat /etc/hostname)"; echo oops >&2; exit 3',
    ]);
    assert.strictEqual(r.code, 3, r.stderr);
    assert.match(r.stdout, /^out in /);
    assert.match(r.stderr, /oops/);
    assert.strictEqual((await t.kubectl(['exec', 'shell', '--', 'true'])).code, 0);
  });

  it('exec -i feeds stdin to the process, which sees its end', async () => {
    const text = 'first line\nsecond line\n';
    const r = await t.kubectl(['exec', '-i', 'shell', '--', 'cat'], { input: text });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.strictEqual(r.stdout, text);
  });

  it("exec -it gives the process a terminal of the user's terminal's size", async () => {
    const kubeconfig = t.cluster.kubeconfig;
    // the size kubectl sends may land just after the process starts (stty fails on a 0x0 terminal): it waits
    const wait = 'until s=$(stty size 2>/dev/null); [ -n "$s" ] && [ "$s" != "0 0" ]; do sleep 0.05; done';
    const inside = `tty; ${wait}; echo "size $s"`;
    const cmd = `stty rows 33 cols 91; kubectl --kubeconfig ${kubeconfig} exec -it shell -- sh -c '${inside}'`;
    // script runs kubectl on a pseudo-terminal, as a user's shell would
    const out = await new Promise<string>((resolve, reject) =>
      execFile(
        'script',
        ['-qec', cmd, '/dev/null'],
        { env: { ...process.env, HOME: t.dir }, timeout: 20_000 },
        (err, so) => (err ? reject(new Error(`${err.message}\n${so}`)) : resolve(String(so))),
      ),
    );
    assert.match(out, /\/dev\/pts\/\d+/);
    assert.match(out, /size 33 91/);
  });

  it('cp copies a file into the container and back out', async () => {
    const local = path.join(t.dir, 'in.txt');
    fs.writeFileSync(local, 'copied through tar\n'.repeat(1000));
    await t.ok(['cp', local, 'shell:/tmp/in.txt']);
    assert.strictEqual(await t.ok(['exec', 'shell', '--', 'head', '-n', '1', '/tmp/in.txt']), 'copied through tar\n');
    const back = path.join(t.dir, 'back.txt');
    await t.ok(['cp', 'shell:/tmp/in.txt', back]);
    assert.strictEqual(fs.readFileSync(back, 'utf8'), fs.readFileSync(local, 'utf8'));
  });

  it('exec and cp also work over SPDY, as kubectl before 1.30 speaks them', async () => {
    const env = { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'false' };
    const r = await t.kubectl(['exec', 'shell', '--', 'sh', '-c', 'echo spdy out; echo spdy err >&2; exit 4'], { env });
    assert.strictEqual(r.code, 4, r.stderr);
    assert.strictEqual(r.stdout, 'spdy out\n');
    assert.match(r.stderr, /spdy err/);
    const piped = await t.kubectl(['exec', '-i', 'shell', '--', 'cat'], { input: 'through spdy\n', env });
    assert.strictEqual(piped.stdout, 'through spdy\n', piped.stderr);
    const local = path.join(t.dir, 'spdy.txt');
    fs.writeFileSync(local, 'copied over spdy\n');
    assert.strictEqual((await t.kubectl(['cp', local, 'shell:/tmp/spdy.txt'], { env })).code, 0);
    assert.strictEqual(await t.ok(['exec', 'shell', '--', 'cat', '/tmp/spdy.txt']), 'copied over spdy\n');
  });

  it('attach -i connects to the running process: its stdin in, its output out', async () => {
    await t.apply(
      pod('echoer', 'while read l; do echo "echo:$l"; done; echo bye', { stdin: true, stdinOnce: true }, 'Never'),
    );
    await t.ok(['wait', '--for=condition=Ready', 'pod/echoer', '--timeout=30s']);
    const r = await t.kubectl(['attach', '-i', 'echoer'], { input: 'one\ntwo\n' });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /echo:one\necho:two\nbye/);
    await t.ok(['delete', 'pod', 'echoer', '--wait=false']);
  });

  it('run -i --rm runs a pod attached to stdin, then deletes it', async () => {
    const r = await t.kubectl(
      [
        'run',
        'once',
        '-i',
        '--rm',
        '--restart=Never',
        `--image=${SHELL_IMAGE}`,
        '--image-pull-policy=IfNotPresent',
        '--',
        'sh',
        '-c',
        'read x; echo "got $x"',
      ],
      { input: 'hello\n' },
    );
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /got hello/);
    await eventually(async () => (await t.kubectl(['get', 'pod', 'once'])).code !== 0, 20_000, 'pod once deleted');
  });

  it('run -it --rm gives an interactive shell on a terminal, then deletes the pod', async () => {
    const image = `--image=${SHELL_IMAGE}`;
    const cmd = `kubectl --kubeconfig ${t.cluster.kubeconfig} run tty -it --rm --restart=Never ${image} -- sh`;
    const child = spawn('script', ['-qec', cmd, '/dev/null'], { env: { ...process.env, HOME: t.dir } });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
    try {
      // typed as a user would: once the shell prompts, a command; once it answered, exit
      await eventually(() => out.includes('/ # '), 20_000, 'the shell prompt');
      child.stdin.write('echo "on $(tty) it is $((6*7))"\n');
      await eventually(() => /on \/dev\/pts\/\d+ it is 42/.test(out), 10_000, 'the answer');
      child.stdin.write('exit\n');
      assert.strictEqual(await exited, 0, out);
      assert.match(out, /pod "tty" deleted/);
    } finally {
      child.kill();
    }
  });

  /** a pod whose busybox httpd answers on 8080 with its name */
  async function ensureWebPod(): Promise<void> {
    if ((await t.kubectl(['get', 'pod', 'web'])).code === 0) return;
    const serve =
      'mkdir -p /www && echo "served by $(cat /etc/hostname)" > /www/index.html && httpd -f -p 8080 -h /www';
    await t.apply(pod('web', serve));
    await t.ok(['wait', '--for=condition=Ready', 'pod/web', '--timeout=30s']);
  }

  // kubectl 1.31+ tunnels SPDY in WebSocket; with KUBECTL_PORT_FORWARD_WEBSOCKETS=false (and before 1.31) it
  // upgrades the connection to SPDY itself
  for (const websockets of ['true', 'false']) {
    it(`port-forward pod/... carries HTTP requests to the pod (KUBECTL_PORT_FORWARD_WEBSOCKETS=${websockets})`, async () => {
      await ensureWebPod();
      const pf = t.kubectlStream(['port-forward', 'pod/web', ':8080', '-v=6'], {
        KUBECTL_PORT_FORWARD_WEBSOCKETS: websockets,
      });
      try {
        const m = await eventually(
          () => /Forwarding from 127\.0\.0\.1:(\d+) -> 8080/.exec(pf.output()),
          10_000,
          'forwarding',
        );
        // one connection after another, each its own pair of streams
        for (let i = 0; i < 3; i++) assert.match(await get(Number(m![1]), '/index.html'), /^served by web/);
        // the upgrade kubectl logs is the one asked for: a WebSocket GET or a SPDY POST
        const method = websockets === 'true' ? 'GET' : 'POST';
        assert.match(pf.output(), new RegExp(`${method} https://\\S+/pods/web/portforward 101 Switching Protocols`));
      } finally {
        pf.stop();
      }
    });
  }

  it('port-forward over the WebSocket channel protocol, as @kubernetes/client-node speaks it', async () => {
    await ensureWebPod();
    const kc = new k8s.KubeConfig();
    kc.loadFromFile(t.cluster.kubeconfig);
    const output = new PassThrough();
    const input = new PassThrough();
    let received = '';
    output.on('data', (d) => (received += d));
    const ws = await new k8s.PortForward(kc).portForward('default', 'web', [8080], output, null, input);
    try {
      input.write('GET /index.html HTTP/1.0\r\n\r\n');
      await eventually(() => /served by web/.test(received), 10_000, 'the answer through the forward');
      assert.match(received, /^HTTP\/1\.[01] 200/);
    } finally {
      (ws as { close(): void }).close();
    }
  });

  it('port-forward to a port nothing listens on reports the refusal', async () => {
    const pf = t.kubectlStream(['port-forward', 'pod/shell', ':9999']);
    try {
      const m = await eventually(
        () => /Forwarding from 127\.0\.0\.1:(\d+) -> 9999/.exec(pf.output()),
        10_000,
        'forwarding',
      );
      await get(Number(m![1]), '/').catch(() => undefined);
      await eventually(() => /connection refused/.test(pf.output()), 10_000, 'the refusal in kubectl output');
      assert.match(pf.output(), /error forwarding port 9999 to pod default\/shell/);
    } finally {
      pf.stop();
    }
  });
});

function get(port: number, urlPath: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path: urlPath, agent: false }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve(body));
    });
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('no answer through the forwarded port')));
  });
}
