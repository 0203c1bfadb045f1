// exec, attach and port-forward while pods are simulated: the real kubectl gets a clear refusal that says the pods
// are simulated and how to run real containers, never made-up output; and RBAC asks for create on pods/exec, as
// kube-apiserver does. Runs without a container engine.
import * as assert from 'assert';
import { startTestCluster, TestCluster } from '../helpers/testCluster';

const POD = JSON.stringify({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web' },
  spec: { containers: [{ name: 'main', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
});

describe('pod streams with the simulated runtime', function () {
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

  for (const [what, args] of [
    ['exec', ['exec', 'web', '--', 'echo', 'hello']],
    ['exec -i', ['exec', '-i', 'web', '--', 'cat']],
    ['attach', ['attach', 'web']],
  ] as const) {
    it(`${what} is refused with what to do, and prints nothing from the pod`, async () => {
      const r = await t.kubectl([...args], { input: 'typed\n' });
      assert.notStrictEqual(r.code, 0);
      assert.strictEqual(r.stdout, '');
      assert.match(r.stderr, /pod "web" runs on the simulated runtime: no process runs/);
      assert.match(r.stderr, /--runtime container/);
    });
  }

  it('port-forward is refused with what to do', async () => {
    // kubectl opens the stream to the pod before it listens: the refusal ends it at once
    const r = await t.kubectl(['port-forward', 'pod/web', ':80'], { timeoutMs: 10_000 });
    assert.notStrictEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /Forwarding from/);
    assert.match(r.stderr, /pod "web" runs on the simulated runtime/);
    assert.match(r.stderr, /--runtime container/);
  });

  it('asks for create on pods/exec: a user without it is forbidden, one with edit gets through', async () => {
    // kubectl reads the pod first
    await t.ok(['create', 'role', 'pod-reader', '--verb=get', '--resource=pods']);
    await t.ok(['create', 'rolebinding', 'jane-reads', '--role=pod-reader', '--user=jane']);
    const denied = await t.kubectl(['exec', '--as=jane', 'web', '--', 'true']);
    assert.notStrictEqual(denied.code, 0);
    assert.match(denied.stderr, /User "jane" cannot create resource "pods\/exec"/);
    await t.ok(['create', 'rolebinding', 'jane-edit', '--clusterrole=edit', '--user=jane']);
    const allowed = await t.kubectl(['exec', '--as=jane', 'web', '--', 'true']);
    assert.match(allowed.stderr, /simulated runtime/);
  });

  it('names an unknown container, as kube-apiserver does', async () => {
    const r = await t.kubectl(['exec', 'web', '-c', 'nope', '--', 'true']);
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /container nope is not valid for pod web/);
  });
});
