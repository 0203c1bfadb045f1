// The embedded cluster's nodes as kubectl shows them: registration, labels, capacity, leases renewed
// as heartbeats, and a restart of the cluster with fewer nodes.
import * as assert from 'assert';
import * as fs from 'fs';
import { startCluster, RunningCluster } from '../../cluster/embeddedCluster';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

const CLOCK_SPEED = 20;

describe('nodes', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let restarted: RunningCluster | undefined;

  before(async () => {
    t = await startTestCluster({ nodes: 3, clockSpeed: CLOCK_SPEED });
  });
  after(async () => {
    if (restarted) {
      await restarted.stop();
      fs.rmSync(t.dir, { recursive: true, force: true });
    } else await t?.stop();
  });

  const json = (args: string[]) => t.json(args);

  it('kubectl get nodes lists three Ready nodes with the kubelet version and the wide columns', async () => {
    const r = await t.kubectl(['get', 'nodes']);
    assert.strictEqual(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0], /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION$/);
    assert.strictEqual(lines.length, 4, r.stdout);
    for (const name of ['slipway-worker', 'slipway-worker2', 'slipway-worker3']) {
      assert.match(r.stdout, new RegExp(`^${name}\\s+Ready\\s+<none>\\s+\\S+\\s+v1\\.34\\.0$`, 'm'));
    }
    const wide = await t.kubectl(['get', 'nodes', '-o', 'wide']);
    assert.match(
      wide.stdout.split('\n')[0],
      /INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME/,
    );
    const ips = [...wide.stdout.matchAll(/\s(172\.18\.0\.\d+)\s/g)].map((m) => m[1]);
    assert.strictEqual(new Set(ips).size, 3, `three distinct internal IPs in:\n${wide.stdout}`);
    assert.match(wide.stdout, /simulated:\/\/1\.0/);
  });

  it('each node has the standard labels, capacity and allocatable, a pod CIDR and node info', async () => {
    const list = await json(['get', 'nodes']);
    const cidrs = new Set<string>();
    for (const n of list.items) {
      const labels = n.metadata.labels;
      assert.strictEqual(labels['kubernetes.io/hostname'], n.metadata.name);
      assert.strictEqual(labels['kubernetes.io/os'], 'linux');
      assert.ok(labels['kubernetes.io/arch']);
      assert.ok(labels['topology.kubernetes.io/zone']);
      for (const field of ['capacity', 'allocatable']) {
        const res = n.status[field];
        assert.strictEqual(res.pods, '110');
        assert.ok(res.cpu && res.memory && res['ephemeral-storage'], JSON.stringify(res));
      }
      assert.strictEqual(n.status.nodeInfo.kubeletVersion, 'v1.34.0');
      assert.strictEqual(n.status.nodeInfo.containerRuntimeVersion, 'simulated://1.0');
      assert.match(n.spec.podCIDR, /^10\.244\.\d+\.0\/24$/);
      cidrs.add(n.spec.podCIDR);
      const types = n.status.conditions.map((c: any) => `${c.type}=${c.status}`).sort();
      assert.deepStrictEqual(types, ['DiskPressure=False', 'MemoryPressure=False', 'PIDPressure=False', 'Ready=True']);
    }
    assert.strictEqual(cidrs.size, 3, 'each node has its own pod CIDR');
    const zones = await t.kubectl(['get', 'nodes', '-L', 'topology.kubernetes.io/zone']);
    assert.match(zones.stdout.split('\n')[0], /ZONE/);
  });

  it("renews each node's Lease in kube-node-lease and describe node shows it with the kubelet's events", async () => {
    const leases = await json(['get', 'leases', '-n', 'kube-node-lease']);
    const byName = new Map<string, any>(leases.items.map((l: any) => [l.metadata.name, l]));
    for (const name of ['slipway-worker', 'slipway-worker2', 'slipway-worker3']) {
      const l = byName.get(name);
      assert.ok(l, `lease ${name}`);
      assert.strictEqual(l.spec.holderIdentity, name);
      assert.ok(l.spec.leaseDurationSeconds > 0);
      assert.strictEqual(l.metadata.ownerReferences?.[0]?.kind, 'Node');
    }
    const first = byName.get('slipway-worker').spec.renewTime;
    // renewed every 10 s of cluster time
    await eventually(
      async () => (await json(['get', 'lease', 'slipway-worker', '-n', 'kube-node-lease'])).spec.renewTime !== first,
      10_000,
      'a renewed lease',
    );
    const d = await t.kubectl(['describe', 'node', 'slipway-worker2']);
    assert.strictEqual(d.code, 0, d.stderr);
    assert.match(d.stdout, /HolderIdentity:\s+slipway-worker2/);
    assert.match(d.stdout, /Ready\s+True\s+.*KubeletReady\s+kubelet is posting ready status/);
    assert.match(d.stdout, /Starting\s+.*kubelet\s+Starting kubelet\./);
    assert.match(d.stdout, /NodeReady\s+.*Node slipway-worker2 status is now: NodeReady/);
  });

  it('after a restart with fewer nodes the extra node is gone and pods on the others run again', async () => {
    const pod = (name: string, nodeName: string) => ({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default' },
      spec: { nodeName, containers: [{ name: 'app', image: 'nginx:1.27' }] },
    });
    for (const [name, node] of [
      ['survivor', 'slipway-worker'],
      ['stranded', 'slipway-worker3'],
    ]) {
      const created = await t.kubectl(['apply', '-f', '-'], { input: JSON.stringify(pod(name, node)) });
      assert.strictEqual(created.code, 0, created.stderr);
    }
    const before = await eventually(
      async () => {
        const p = await json(['get', 'pod', 'survivor']);
        return p.status.phase === 'Running' && p;
      },
      10_000,
      'survivor running',
    );
    await t.cluster.stop();
    restarted = await startCluster({ stateDir: t.cluster.stateDir, nodes: 2, clockSpeed: CLOCK_SPEED });
    const r = await t.kubectl(['get', 'nodes']);
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stdout, /^slipway-worker\s+Ready/m);
    assert.match(r.stdout, /^slipway-worker2\s+Ready/m);
    assert.doesNotMatch(r.stdout, /slipway-worker3/);
    // pods of a node that is gone go with it
    const stranded = await t.kubectl(['get', 'pod', 'stranded']);
    assert.match(stranded.stderr, /NotFound/);
    // the node came back without the old containers: the kubelet starts them again as a restart
    const after = await eventually(
      async () => {
        const p = await json(['get', 'pod', 'survivor']);
        return p.status.containerStatuses?.[0]?.restartCount === 1 && p.status.containerStatuses[0].state.running && p;
      },
      10_000,
      'survivor restarted',
    );
    assert.strictEqual(after.status.podIP, before.status.podIP, 'the pod keeps its address');
    assert.strictEqual(after.status.containerStatuses[0].lastState.terminated.reason, 'Unknown');
    const line = await t.kubectl(['get', 'pod', 'survivor']);
    assert.match(line.stdout, /^survivor\s+1\/1\s+Running\s+1 \(/m);
  });
});
