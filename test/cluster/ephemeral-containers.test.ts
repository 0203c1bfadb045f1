// kubectl debug's ephemeral containers on the simulated runtime: the pods/ephemeralcontainers subresource with
// kube-apiserver's validation as kubectl shows it, the kubelet starting an added container once (status running,
// never restarted), and what kubectl debug -it says when the pod's containers are simulated. Runs without an engine.
import * as assert from 'assert';
import type { ContainerStatus } from 'kubernetes-types/core/v1';
import * as fs from 'fs';
import * as path from 'path';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

const POD = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web' },
  spec: {
    terminationGracePeriodSeconds: 1,
    containers: [{ name: 'app', image: 'nginx:1.27' }],
  },
});

const NOT_ALLOWED = 'cannot be set for an Ephemeral Container';

describe('ephemeral containers (kubectl debug) on the simulated runtime', function () {
  this.timeout(30_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ runtime: 'simulated', nodes: 1 });
    await t.apply(POD);
    await t.ok(['wait', '--for=condition=Ready', 'pod/web', '--timeout=20s']);
  });

  after(async () => {
    await t?.stop();
  });

  async function ephemeralStatus(name: string): Promise<ContainerStatus | undefined> {
    const pod = await t.json(['get', 'pod', 'web']);
    return (pod.status.ephemeralContainerStatuses ?? []).find((s: { name: string }) => s.name === name);
  }

  it('kubectl debug adds a container the kubelet starts in the running pod', async () => {
    await t.ok(['debug', 'web', '--image=busybox:1.36', '--target=app', '-c', 'dbg', '--', 'sh']);
    const pod = await t.json(['get', 'pod', 'web']);
    const added = pod.spec.ephemeralContainers.find((c: { name: string }) => c.name === 'dbg');
    assert.strictEqual(added.targetContainerName, 'app');
    assert.deepStrictEqual(added.command, ['sh']);
    const running = await eventually(async () => (await ephemeralStatus('dbg'))?.state?.running, 10_000, 'running');
    assert.ok(running?.startedAt);
    const status = await ephemeralStatus('dbg');
    assert.strictEqual(status?.restartCount, 0);
    assert.strictEqual(status?.ready, false);
    // the pod's own readiness and containers are untouched
    assert.strictEqual(pod.status.containerStatuses.length, 1);
    assert.strictEqual(
      pod.status.conditions.find((c: { type: string }) => c.type === 'Ready').status,
      'True',
      'an ephemeral container does not make the pod unready',
    );
    const events = await t.ok(['get', 'events', '--field-selector', 'involvedObject.name=web']);
    assert.match(events, /Started container dbg/);
  });

  it('an ephemeral container that exits stays terminated: the kubelet never restarts it', async () => {
    // the simulated container "brief" exits with 3 after half a second
    const annotations = { 'sim.slipway.dev/brief.run-seconds': '0.5', 'sim.slipway.dev/brief.exit-code': '3' };
    await t.apply(JSON.stringify({ ...JSON.parse(POD), metadata: { name: 'short', annotations } }));
    await t.ok(['wait', '--for=condition=Ready', 'pod/short', '--timeout=20s']);
    await t.ok(['debug', 'short', '--image=busybox:1.36', '-c', 'brief']);
    const statusOf = async (name: string) =>
      ((await t.json(['get', 'pod', 'short'])).status.ephemeralContainerStatuses ?? []).find(
        (s: { name: string }) => s.name === name,
      );
    const ended = await eventually(async () => (await statusOf('brief'))?.state?.terminated, 10_000, 'exit');
    assert.strictEqual(ended.exitCode, 3);
    // a later container started means the kubelet has gone over the pod again since
    await t.ok(['debug', 'short', '--image=busybox:1.36', '-c', 'later']);
    await eventually(async () => (await statusOf('later'))?.state?.running, 10_000, 'the later one running');
    const brief = await statusOf('brief');
    assert.strictEqual(brief.state.terminated?.exitCode, 3, JSON.stringify(brief));
    assert.strictEqual(brief.restartCount, 0);
    assert.strictEqual((await t.json(['get', 'pod', 'short'])).status.phase, 'Running');
  });

  it('refuses a target that is not one of the pod containers, naming the field', async () => {
    const r = await t.kubectl(['debug', 'web', '--image=busybox:1.36', '--target=nosuch', '-c', 'lost']);
    assert.notStrictEqual(r.code, 0);
    assert.match(
      r.stderr,
      /The Pod "web" is invalid: spec\.ephemeralContainers\[\d+\]\.targetContainerName: Not found: "nosuch"/,
    );
  });

  it('refuses a name another container of the pod has', async () => {
    const r = await t.kubectl(['debug', 'web', '--image=busybox:1.36', '-c', 'app']);
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /spec\.ephemeralContainers\[\d+\]\.name: Duplicate value: "app"/);
  });

  it('refuses ports, resources and probes, as kube-apiserver does', async () => {
    const custom = path.join(t.dir, 'custom.json');
    fs.writeFileSync(
      custom,
      JSON.stringify({
        ports: [{ containerPort: 8080 }],
        resources: { limits: { memory: '64Mi' } },
        readinessProbe: { tcpSocket: { port: 8080 } },
      }),
    );
    const r = await t.kubectl(['debug', 'web', '--image=busybox:1.36', '-c', 'custom', `--custom=${custom}`]);
    assert.notStrictEqual(r.code, 0);
    for (const field of ['ports', 'resources', 'readinessProbe'])
      assert.match(r.stderr, new RegExp(`ephemeralContainers\\[\\d+\\]\\.${field}: Forbidden: ${NOT_ALLOWED}`));
    // kubectl keeps lifecycle out of --custom; other clients reach the subresource with it
    const hooked = { name: 'hooked', image: 'busybox:1.36', lifecycle: { preStop: { exec: { command: ['true'] } } } };
    const at = '/api/v1/namespaces/default/pods/web/ephemeralcontainers';
    const pod = (await t.request('GET', at)).body;
    const r2 = await t.request('PUT', at, {
      ...pod,
      spec: { ...pod.spec, ephemeralContainers: [...pod.spec.ephemeralContainers, hooked] },
    });
    assert.strictEqual(r2.status, 422);
    assert.match(r2.body.message, new RegExp(`ephemeralContainers\\[\\d+\\]\\.lifecycle: Forbidden: ${NOT_ALLOWED}`));
    const names = (await t.json(['get', 'pod', 'web'])).spec.ephemeralContainers.map((c: { name: string }) => c.name);
    assert.ok(!names.includes('custom') && !names.includes('hooked'), names.join());
  });

  it('an added container cannot be changed or removed, and a pod update leaves them as they are', async () => {
    const at = '/api/v1/namespaces/default/pods/web/ephemeralcontainers';
    const smp = { 'Content-Type': 'application/strategic-merge-patch+json' };
    const changed = await t.request(
      'PATCH',
      at,
      { spec: { ephemeralContainers: [{ name: 'dbg', args: ['-x'] }] } },
      smp,
    );
    assert.strictEqual(changed.status, 422);
    assert.match(changed.body.message, /existing ephemeral containers "dbg" may not be changed/);
    const pod = (await t.request('GET', at)).body;
    assert.strictEqual(pod.kind, 'Pod');
    const removed = await t.request('PUT', at, { ...pod, spec: { ...pod.spec, ephemeralContainers: [] } });
    assert.strictEqual(removed.status, 422);
    assert.match(removed.body.message, /existing ephemeral containers "dbg" may not be removed/);
    // a plain update of the pod does not write them: they stay
    const put = await t.request('PUT', '/api/v1/namespaces/default/pods/web', {
      ...pod,
      spec: { ...pod.spec, ephemeralContainers: [] },
    });
    assert.strictEqual(put.status, 200, put.text);
    assert.deepStrictEqual(
      put.body.spec.ephemeralContainers.map((c: { name: string }) => c.name),
      pod.spec.ephemeralContainers.map((c: { name: string }) => c.name),
    );
  });

  it('ephemeral containers cannot be set when a pod is created', async () => {
    const r = await t.kubectl(['apply', '-f', '-'], {
      input: JSON.stringify({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'born-with-one' },
        spec: { containers: [{ name: 'a', image: 'busybox' }], ephemeralContainers: [{ name: 'e', image: 'busybox' }] },
      }),
    });
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /spec\.ephemeralContainers: Forbidden: cannot be set on create/);
  });

  it('asks RBAC for patch on pods/ephemeralcontainers, which edit does not grant (as in Kubernetes)', async () => {
    await t.ok(['create', 'rolebinding', 'dev-edit', '--clusterrole=edit', '--user=dev']);
    const denied = await t.kubectl(['debug', '--as=dev', 'web', '--image=busybox:1.36', '-c', 'by-dev']);
    assert.notStrictEqual(denied.code, 0);
    assert.match(denied.stderr, /User "dev" cannot patch resource "pods\/ephemeralcontainers"/);
    await t.ok(['create', 'role', 'debugger', '--verb=patch', '--resource=pods/ephemeralcontainers']);
    await t.ok(['create', 'rolebinding', 'dev-debugs', '--role=debugger', '--user=dev']);
    await t.ok(['debug', '--as=dev', 'web', '--image=busybox:1.36', '-c', 'by-dev']);
  });

  it('discovery lists pods/ephemeralcontainers (get, patch, update)', async () => {
    const list = (await t.request('GET', '/api/v1')).body;
    const sub = list.resources.find((r: { name: string }) => r.name === 'pods/ephemeralcontainers');
    assert.deepStrictEqual(sub && { kind: sub.kind, verbs: sub.verbs }, {
      kind: 'Pod',
      verbs: ['get', 'patch', 'update'],
    });
  });

  it('debug -i starts the container, then says the pod is simulated and shows its log instead', async () => {
    const r = await t.kubectl(['debug', '-i', 'web', '--image=busybox:1.36', '-c', 'shell', '--', 'sh'], {
      input: 'echo hi\n',
      timeoutMs: 20_000,
    });
    // kubectl falls back to the container's log when the attach is refused
    assert.match(
      r.stderr,
      /couldn't attach to pod\/web, falling back to streaming logs: pod "web" runs on the simulated/,
    );
    assert.match(r.stderr, /--runtime container/);
    assert.match(r.stdout, /\[simulated runtime\] container "shell" of pod default\/web started/);
    assert.ok((await ephemeralStatus('shell'))?.state?.running);
  });

  it('debug --copy-to makes a copy of the pod with the debug container, which runs', async () => {
    await t.ok(['debug', 'web', '--image=busybox:1.36', '--copy-to=web-copy', '-c', 'dbg', '--', 'sleep', '1d']);
    const copy = await t.json(['get', 'pod', 'web-copy']);
    assert.deepStrictEqual(
      copy.spec.containers.map((c: { name: string }) => c.name),
      ['app', 'dbg'],
    );
    await t.ok(['wait', '--for=condition=Ready', 'pod/web-copy', '--timeout=20s']);
  });

  it('debug node/NAME runs a pod on that node with the host namespaces and its root at /host', async () => {
    const node = (await t.ok(['get', 'nodes', '-o', 'jsonpath={.items[0].metadata.name}'])).trim();
    const out = await t.ok(['debug', `node/${node}`, '--image=busybox:1.36', '--', 'true']);
    const name = /Creating debugging pod (\S+) with container/.exec(out)?.[1];
    assert.ok(name, out);
    const pod = await t.json(['get', 'pod', name]);
    assert.strictEqual(pod.spec.nodeName, node);
    assert.strictEqual(pod.spec.hostNetwork, true);
    assert.strictEqual(pod.spec.volumes[0].hostPath.path, '/');
    await eventually(async () => (await t.json(['get', 'pod', name])).status.phase === 'Succeeded', 10_000, 'done');
  });
});
