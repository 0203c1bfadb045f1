// Pods on the machine's container engine (Podman in CI, through its Docker Engine API): real processes, their
// real output in kubectl logs, real exit codes and crash loops, the engine's pull errors, a shared localhost per
// pod, and nothing of the cluster left on the engine once it stops. Nothing is mocked; the images are built
// here from busybox-static.
import * as assert from 'assert';
import { Engine } from '../../cluster/runtime/container/engine';
import { clusterId } from '../../cluster/runtime/runtimeChoice';
import { clusterContainers, engineOrSkip, ensureShellImage, SHELL_IMAGE } from '../helpers/containerEngine';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

function pod(name: string, containers: object[], extra: object = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name },
    spec: { terminationGracePeriodSeconds: 2, ...extra, containers },
  });
}

function shell(name: string, script: string): object {
  return { name, image: SHELL_IMAGE, imagePullPolicy: 'IfNotPresent', command: ['sh', '-c', script] };
}

describe('container runtime (real containers on the engine)', function () {
  this.timeout(60_000);
  let engine: Engine;
  let t: TestCluster;

  before(async function () {
    this.timeout(120_000);
    engine = await engineOrSkip(this);
    await ensureShellImage(engine);
    // one node; cluster time runs 10x so crash back-off (10s) takes a second
    t = await startTestCluster({ runtime: 'container', nodes: 1, clockSpeed: 10 });
  });

  after(async () => {
    if (!t) return;
    const id = clusterId(t.cluster.stateDir);
    await t.stop();
    assert.deepStrictEqual(await clusterContainers(engine, id), [], 'containers left on the engine after stop');
  });

  it("reports the engine and its host's CPUs and memory on the Node, runs a Deployment whose output kubectl logs shows, also -f", async () => {
    const node = await t.json(['get', 'node']);
    assert.match(node.items[0].status.nodeInfo.containerRuntimeVersion, new RegExp(`^${engine.name}://`));
    // the node's capacity is the engine host's, as the engine reports it
    const host = (await engine.docker.info()) as { NCPU: number; MemTotal: number };
    assert.strictEqual(node.items[0].status.capacity.cpu, String(host.NCPU));
    assert.strictEqual(node.items[0].status.capacity.memory, `${Math.floor(host.MemTotal / 1024)}Ki`);
    assert.strictEqual(node.items[0].status.allocatable.cpu, String(host.NCPU));
    await t.ok([
      'create',
      'deployment',
      'talker',
      `--image=${SHELL_IMAGE}`,
      '--',
      'sh',
      '-c',
      'echo "hello from $(cat /etc/hostname)"; i=0; while true; do i=$((i+1)); echo "tick $i"; sleep 0.2; done',
    ]);
    await t.ok([
      'patch',
      'deployment',
      'talker',
      '--type=json',
      '-p',
      '[{"op":"add","path":"/spec/template/spec/containers/0/imagePullPolicy","value":"IfNotPresent"}]',
    ]);
    await eventually(
      async () => (await t.kubectl(['logs', 'deploy/talker'])).stdout.includes('tick 2'),
      20_000,
      "the Deployment pod's output in kubectl logs",
    );
    const p = (await t.json(['get', 'pods', '-l', 'app=talker'])).items.find(
      (x: { status: { phase: string } }) => x.status.phase === 'Running',
    );
    const logs = await t.ok(['logs', p.metadata.name]);
    // Podman lets the containers share the sandbox's hostname, the pod's name; Docker does not
    if (engine.name === 'podman') assert.match(logs, new RegExp(`hello from ${p.metadata.name}`));
    else assert.match(logs, /hello from /);
    // the pod IP is the engine's address of the pod's sandbox
    const ids = (await clusterContainers(engine, clusterId(t.cluster.stateDir))).filter(
      (c) => c.pod === `default/${p.metadata.name}` && c.container === 'POD',
    );
    assert.strictEqual(ids.length, 1);
    const info = await engine.docker.getContainer(ids[0].id).inspect();
    const ips = Object.values(info.NetworkSettings.Networks).map((n) => n.IPAddress);
    assert.ok(ips.includes(p.status.podIP), `podIP ${p.status.podIP} not among the sandbox's ${ips}`);
    const follow = t.kubectlStream(['logs', '-f', p.metadata.name, '--tail=1']);
    try {
      const line = await eventually(() => /tick (\d+)/.exec(follow.output()), 10_000, 'logs -f output');
      const first = Number(line![1]);
      await eventually(() => follow.output().includes(`tick ${first + 3}`), 10_000, 'new lines through logs -f');
    } finally {
      follow.stop();
    }
    await t.ok(['delete', 'deployment', 'talker', '--wait=false']);
  });

  it('takes a crashing container to CrashLoopBackOff with its real exit code and --previous output', async () => {
    await t.apply(pod('crasher', [shell('main', 'echo "crashing now, attempt at $(date +%s%N)"; exit 3')]));
    const status = await eventually(
      async () => {
        const s = (await t.json(['get', 'pod', 'crasher'])).status.containerStatuses?.[0];
        return s?.state?.waiting?.reason === 'CrashLoopBackOff' && s.restartCount >= 1 ? s : undefined;
      },
      20_000,
      'CrashLoopBackOff',
    );
    assert.strictEqual(status.lastState.terminated.exitCode, 3);
    assert.strictEqual(status.lastState.terminated.reason, 'Error');
    const previous = await t.ok(['logs', 'crasher', '--previous']);
    assert.match(previous, /crashing now/);
    // dead runs leave the engine: at most the last exited one is there besides the sandbox
    const mine = (await clusterContainers(engine, clusterId(t.cluster.stateDir))).filter(
      (c) => c.pod === 'default/crasher' && c.container === 'main',
    );
    assert.ok(mine.length <= 1, `${mine.length} containers of crasher's main on the engine`);
    await t.ok(['delete', 'pod', 'crasher', '--wait=false']);
  });

  it("reports a missing image as ErrImagePull then ImagePullBackOff with the engine's reason", async () => {
    await t.apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'no-image' },
        spec: { containers: [{ name: 'main', image: 'localhost:1/slipway/does-not-exist:1' }] },
      }),
    );
    await eventually(
      async () => {
        const s = (await t.json(['get', 'pod', 'no-image'])).status.containerStatuses?.[0];
        return s?.state?.waiting?.reason === 'ImagePullBackOff';
      },
      20_000,
      'ImagePullBackOff',
    );
    const events = await t.ok(['get', 'events', '--field-selector', 'involvedObject.name=no-image']);
    // the engine could not reach the registry: its own words are in the event
    assert.match(events, /Failed to pull image "localhost:1\/slipway\/does-not-exist:1": .*(connect|refused|dial)/i);
    await t.ok(['delete', 'pod', 'no-image', '--wait=false']);
  });

  it('lets the containers of a pod talk over localhost', async () => {
    await t.apply(
      pod('pair', [
        shell(
          'server',
          'mkdir -p /tmp/www && echo "hi from the server" > /tmp/www/index.html && httpd -f -p 8080 -h /tmp/www',
        ),
        shell('client', 'until wget -qO- http://localhost:8080/; do sleep 0.2; done; sleep 3600'),
      ]),
    );
    await eventually(
      async () => (await t.kubectl(['logs', 'pair', '-c', 'client'])).stdout.includes('hi from the server'),
      20_000,
      'the client container reading the server container over localhost',
    );
    await t.ok(['delete', 'pod', 'pair', '--wait=false']);
  });

  it("removes a deleted pod's containers from the engine", async () => {
    await t.apply(pod('short', [shell('main', 'sleep 3600')]));
    const id = clusterId(t.cluster.stateDir);
    // Ready: the kubelet has the container running (the engine lists it running a moment earlier)
    await t.ok(['wait', '--for=condition=Ready', 'pod/short', '--timeout=50s']);
    assert.ok((await clusterContainers(engine, id)).some((c) => c.pod === 'default/short' && c.running));
    await t.ok(['delete', 'pod', 'short']);
    await eventually(
      async () => !(await clusterContainers(engine, id)).some((c) => c.pod === 'default/short'),
      10_000,
      "the pod's containers gone from the engine",
    );
  });

  it('gives env and volumes from a ConfigMap and a Secret; a missing key: CreateContainerConfigError', async () => {
    await t.ok([
      'create',
      'configmap',
      'settings',
      '--from-literal=GREETING=hello-from-configmap',
      '--from-literal=mode=fast',
    ]);
    await t.ok(['create', 'secret', 'generic', 'creds', '--from-literal=password=s3cret-value']);
    const script =
      'echo "env: $GREETING $PREFIX_mode $PASSWORD $MY_POD"; ' +
      'echo "file: $(cat /etc/settings/mode) $(cat /etc/creds/password)"; sleep 3600';
    await t.apply(
      pod(
        'configured',
        [
          {
            ...shell('main', script),
            envFrom: [
              { configMapRef: { name: 'settings' } },
              { configMapRef: { name: 'settings' }, prefix: 'PREFIX_' },
            ],
            env: [
              { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password' } } },
              { name: 'MY_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
            ],
            volumeMounts: [
              { name: 'settings', mountPath: '/etc/settings' },
              { name: 'creds', mountPath: '/etc/creds' },
            ],
          },
        ],
        {
          volumes: [
            { name: 'settings', configMap: { name: 'settings' } },
            { name: 'creds', secret: { secretName: 'creds' } },
          ],
        },
      ),
    );
    await eventually(async () => (await t.kubectl(['logs', 'configured'])).stdout.includes('file:'), 20_000, 'output');
    const logs = await t.ok(['logs', 'configured']);
    assert.match(logs, /env: hello-from-configmap fast s3cret-value configured/);
    assert.match(logs, /file: fast s3cret-value/);

    await t.apply(
      pod('missing-key', [
        {
          ...shell('main', 'sleep 3600'),
          env: [{ name: 'X', valueFrom: { configMapKeyRef: { name: 'settings', key: 'absent' } } }],
        },
      ]),
    );
    const waiting = await eventually(
      async () => {
        const w = (await t.json(['get', 'pod', 'missing-key'])).status.containerStatuses?.[0]?.state?.waiting;
        return w?.reason === 'CreateContainerConfigError' ? w : undefined;
      },
      20_000,
      'CreateContainerConfigError',
    );
    assert.strictEqual(waiting.message, "couldn't find key absent in ConfigMap default/settings");
    await t.ok(['delete', 'pod', 'configured', 'missing-key', '--wait=false']);
  });

  it("keeps a PersistentVolumeClaim's data across the deletion and re-creation of its pod", async () => {
    await t.apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data' },
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '10Mi' } } },
      }),
    );
    const writer = (name: string) =>
      pod(
        name,
        [
          {
            ...shell('main', `echo "written by ${name}" >> /data/log; cat /data/log; sleep 3600`),
            volumeMounts: [{ name: 'data', mountPath: '/data' }],
          },
        ],
        { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] },
      );
    await t.apply(writer('first'));
    await eventually(
      async () => (await t.kubectl(['logs', 'first'])).stdout.includes('written by first'),
      20_000,
      'first',
    );
    await t.ok(['delete', 'pod', 'first']);
    await t.apply(writer('second'));
    await eventually(
      async () => (await t.kubectl(['logs', 'second'])).stdout.includes('written by second'),
      20_000,
      'second',
    );
    assert.match(await t.ok(['logs', 'second']), /written by first\s+written by second/);
    await t.ok(['delete', 'pod', 'second', '--wait=false']);
  });

  it('stops containers with SIGTERM, then SIGKILL after the grace period, and reports an OOM kill', async () => {
    // the shells wait in `wait`, which a trapped signal interrupts at once (a foreground sleep would delay the trap)
    const loop = 'echo started; while true; do sleep 1 & wait $!; done';
    await t.apply(
      pod(
        'stopping',
        [
          shell('polite', `trap "echo got SIGTERM; exit 0" TERM; ${loop}`),
          shell('stubborn', `trap "echo ignoring SIGTERM" TERM; ${loop}`),
          {
            ...shell('hungry', 'exec dd if=/dev/zero of=/dev/null bs=128M count=1'),
            resources: { limits: { memory: '32Mi' } },
          },
        ],
        { restartPolicy: 'Never' },
      ),
    );
    const status = async () => (await t.json(['get', 'pod', 'stopping'])).status;
    const logs = (c: string) => t.ok(['logs', 'stopping', '-c', c]);
    // the deadline ends the pod once both shells have set their traps and the OOM kill is reported, however long
    // the engine took to start them
    await eventually(
      async () =>
        (await status()).containerStatuses?.find((c: { name: string }) => c.name === 'hungry')?.state.terminated,
      20_000,
      'the OOM-killed container reported',
    );
    await eventually(
      async () => /started/.test(await logs('polite')) && /started/.test(await logs('stubborn')),
      20_000,
      'both shells started',
    );
    await t.ok(['patch', 'pod', 'stopping', '-p', '{"spec":{"activeDeadlineSeconds":1}}']);
    const statuses = await eventually(
      async () => {
        const s = await status();
        const all = s.containerStatuses ?? [];
        return s.phase === 'Failed' && all.every((c: { state: object }) => 'terminated' in c.state) ? all : undefined;
      },
      20_000,
      'the pod past its deadline with every container stopped',
    );
    const byName = Object.fromEntries(statuses.map((c: { name: string }) => [c.name, c]));
    assert.deepStrictEqual(
      [byName.polite.state.terminated.exitCode, byName.polite.state.terminated.reason],
      [0, 'Completed'],
    );
    assert.deepStrictEqual(
      [byName.stubborn.state.terminated.exitCode, byName.stubborn.state.terminated.reason],
      [137, 'Error'],
    );
    assert.deepStrictEqual(
      [byName.hungry.state.terminated.exitCode, byName.hungry.state.terminated.reason],
      [137, 'OOMKilled'],
    );
    assert.match(await logs('polite'), /started\s+got SIGTERM/);
    assert.match(await logs('stubborn'), /ignoring SIGTERM/);
    await t.ok(['delete', 'pod', 'stopping', '--wait=false']);
  });

  it('runs probes: httpGet readiness against the pod IP, exec liveness in the container restarting it', async () => {
    await t.apply(
      pod('probed', [
        {
          ...shell(
            'main',
            'mkdir -p /tmp/www; echo ok > /tmp/www/index.html; touch /tmp/healthy; ' +
              '(sleep 3; rm /tmp/healthy) & exec httpd -f -p 8080 -h /tmp/www',
          ),
          // cluster time runs 10x: a period of 10s is a second
          readinessProbe: { httpGet: { path: '/', port: 8080 }, periodSeconds: 10 },
          livenessProbe: { exec: { command: ['cat', '/tmp/healthy'] }, periodSeconds: 10, failureThreshold: 1 },
        },
      ]),
    );
    await eventually(
      async () => {
        const s = (await t.json(['get', 'pod', 'probed'])).status;
        return s.containerStatuses?.[0]?.ready === true;
      },
      20_000,
      'Ready through the httpGet probe',
    );
    await eventually(
      async () => (await t.json(['get', 'pod', 'probed'])).status.containerStatuses?.[0]?.restartCount >= 1,
      20_000,
      'a restart after the liveness probe failed',
    );
    const events = await t.ok(['get', 'events', '--field-selector', 'involvedObject.name=probed']);
    assert.match(events, /Liveness probe failed: cat: can't open '\/tmp\/healthy': No such file or directory/);
    await t.ok(['delete', 'pod', 'probed', '--wait=false']);
  });
});
