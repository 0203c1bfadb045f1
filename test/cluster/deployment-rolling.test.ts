// The rollout algorithm itself, observed through a watch on ReplicaSets while the real scheduler and
// kubelet run the pods: RollingUpdate must take exactly the steps Kubernetes' controller takes, and
// Recreate must never run old and new pods side by side.
import * as assert from 'assert';
import { ApiClient } from '../../kubeclient/apiClient';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

describe('Deployment rollout steps (real kubectl, scheduler and kubelet)', function () {
  this.timeout(120_000);
  let t: TestCluster;
  let client: ApiClient;

  before(async () => {
    // a slow clock keeps the pods of one step within a cluster second of each other
    t = await startTestCluster({ nodes: 3, clockSpeed: 2 });
    client = ApiClient.forCluster({ server: t.cluster.url, token: t.cluster.token, ca: t.cluster.caCert });
  });
  after(async () => {
    client?.close();
    await t?.stop();
  });

  async function k(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await t.kubectl(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  function watch(path: string, onEvent: (type: string, obj: any) => void): { stop(): void } {
    return client.watch(
      path,
      {},
      (type, obj) => onEvent(type, obj),
      () => undefined,
    );
  }

  it('rolls 10 replicas with maxSurge=3, maxUnavailable=2 through the (old, new) steps of the Kubernetes algorithm', async () => {
    // Kubernetes' rolling update (pkg/controller/deployment/rolling.go), replicas=10:
    //   maxSurge=3 → at most 13 pods; maxUnavailable=2 → at least minAvailable = 8 available.
    // Each sync first tries to scale the new ReplicaSet up (to min(13 - all pods, 10 - new)); only if that
    // changed nothing does it scale old ReplicaSets down, by at most
    //   maxScaledDown = all pods - minAvailable - (new replicas not yet available)
    // and, for healthy old pods, only by (available pods - minAvailable).
    // Start: old=10 (all available), new=0.
    //   1. The new ReplicaSet is created with min(13 - 10, 10 - 0) = 3          → (10, 3)
    //      Same sync, scale down: all=13, new unavailable=3, maxScaledDown = 13 - 8 - 3 = 2;
    //      available = 10, 10 - 8 = 2 → old 10 → 8                                → (8, 3)
    //   2. Next sync scales up: 13 - 11 = 2, 10 - 3 = 7 → +2                     → (8, 5)
    //   3. Next sync: no room to grow (13 pods); maxScaledDown = 13 - 8 - 5 = 0: wait for availability.
    //   4. The 5 new pods become available: new unavailable = 0, maxScaledDown = 13 - 8 = 5;
    //      available = 8 + 5 = 13, 13 - 8 = 5 → old 8 → 3                        → (3, 5)
    //   5. Scale up: 13 - 8 = 5, 10 - 5 = 5 → +5                                 → (3, 10)
    //   6. maxScaledDown = 13 - 8 - 5 = 0: wait.
    //   7. The 5 newer pods become available: maxScaledDown = 13 - 8 = 5, available = 3 + 10 = 13,
    //      13 - 8 = 5 ≥ 3 → old 3 → 0                                             → (0, 10)
    // Pods of one step are started within a fraction of a (cluster) second and are available only after
    // minReadySeconds, so each batch turns available at once, as the steps above assume.
    const expected = [
      [10, 0],
      [10, 3],
      [8, 3],
      [8, 5],
      [3, 5],
      [3, 10],
      [0, 10],
    ];

    const manifest = (image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: roll}
spec:
  replicas: 10
  minReadySeconds: 3
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 3, maxUnavailable: 2}}
  selector: {matchLabels: {app: roll}}
  template:
    metadata:
      labels: {app: roll}
      annotations: {sim.slipway.dev/ready-after-seconds: "1"}
    spec:
      containers:
      - name: app
        image: ${image}
        readinessProbe: {exec: {command: ["true"]}, periodSeconds: 1}
`;
    await k(['apply', '-f', '-'], { input: manifest('nginx:1.25') });
    await k(['rollout', 'status', 'deployment/roll', '--timeout=60s'], { timeoutMs: 70_000 });
    const rsBefore = JSON.parse(await k(['get', 'rs', '-l', 'app=roll', '-o', 'json'])).items;
    assert.strictEqual(rsBefore.length, 1);
    const oldName = rsBefore[0].metadata.name;

    const sizes = new Map<string, number>();
    const seen: number[][] = [];
    const record = () => {
      let old = 0;
      let nu = 0;
      for (const [name, n] of sizes) {
        if (name === oldName) old = n;
        else nu += n;
      }
      const last = seen[seen.length - 1];
      if (!last || last[0] !== old || last[1] !== nu) seen.push([old, nu]);
    };
    const w = watch('/apis/apps/v1/namespaces/default/replicasets', (type, rs) => {
      if (rs?.metadata?.labels?.app !== 'roll') return;
      if (type === 'DELETED') sizes.delete(rs.metadata.name);
      else sizes.set(rs.metadata.name, rs.spec.replicas);
      record();
    });
    try {
      await eventually(() => seen.length > 0, 5000, 'the watch to start');
      await k(['apply', '-f', '-'], { input: manifest('nginx:1.26') });
      await k(['rollout', 'status', 'deployment/roll', '--timeout=90s'], { timeoutMs: 100_000 });
      await eventually(() => seen.length >= expected.length && seen[seen.length - 1][0] === 0, 5000, 'the last step');
    } finally {
      w.stop();
    }
    assert.deepStrictEqual(seen, expected);
    const d = JSON.parse(await k(['get', 'deployment', 'roll', '-o', 'json']));
    assert.strictEqual(d.status.updatedReplicas, 10);
    assert.strictEqual(d.status.availableReplicas, 10);
  });

  it('replaces a template whose pods never became ready by removing the unhealthy old replicas first', async () => {
    // replicas=10, maxSurge=3, maxUnavailable=0 → at most 13 pods, minAvailable = 10. No old pod is ever
    // available, so the healthy scale-down (available - minAvailable = 0 - 10 < 0) never removes one; only
    // cleanupUnhealthyReplicas does, within maxScaledDown = all - 10 - (new unavailable).
    //   create new with min(13 - 10, 10) = 3                                    → (10, 3)
    //   maxScaledDown = 13 - 10 - 3 = 0: wait. 3 new available: 13 - 10 - 0 = 3,
    //   3 unhealthy old removed                                                  → (7, 3)
    //   scale up min(13 - 10, 10 - 3) = 3                                       → (7, 6)
    //   wait; 6 available: maxScaledDown = 13 - 10 - 0 = 3                      → (4, 6)
    //   scale up 3                                                               → (4, 9)
    //   wait; 9 available: 3 more unhealthy old removed                          → (1, 9)
    //   scale up min(13 - 10, 10 - 9) = 1                                        → (1, 10)
    //   wait (maxScaledDown = 11 - 10 - 1 = 0); 10 available: 11 - 10 - 0 = 1     → (0, 10)
    const expected = [
      [10, 0],
      [10, 3],
      [7, 3],
      [7, 6],
      [4, 6],
      [4, 9],
      [1, 9],
      [1, 10],
      [0, 10],
    ];
    const manifest = (image: string, readiness: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: heal}
spec:
  replicas: 10
  minReadySeconds: 3
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 3, maxUnavailable: 0}}
  selector: {matchLabels: {app: heal}}
  template:
    metadata:
      labels: {app: heal}
      annotations: {sim.slipway.dev/readiness: "${readiness}"}
    spec:
      containers:
      - name: app
        image: ${image}
        readinessProbe: {exec: {command: ["true"]}, periodSeconds: 1}
`;
    await k(['apply', '-f', '-'], { input: manifest('nginx:1.25', 'fail') });
    const oldRs = await eventually(
      async () => {
        const items = JSON.parse(await k(['get', 'rs', '-l', 'app=heal', '-o', 'json'])).items;
        return items.length === 1 && items[0].status.replicas === 10 ? items[0] : undefined;
      },
      30_000,
      'ten unready old pods',
    );
    assert.strictEqual(oldRs.status.availableReplicas ?? 0, 0);
    const sizes = new Map<string, number>();
    const seen: number[][] = [];
    const w = watch('/apis/apps/v1/namespaces/default/replicasets', (type, rs) => {
      if (rs?.metadata?.labels?.app !== 'heal') return;
      if (type === 'DELETED') sizes.delete(rs.metadata.name);
      else sizes.set(rs.metadata.name, rs.spec.replicas);
      let nu = 0;
      for (const [name, n] of sizes) if (name !== oldRs.metadata.name) nu += n;
      const p = [sizes.get(oldRs.metadata.name) ?? 0, nu];
      const last = seen[seen.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) seen.push(p);
    });
    try {
      await eventually(() => seen.length > 0, 5000, 'the watch to start');
      await k(['apply', '-f', '-'], { input: manifest('nginx:1.26', 'pass-after:1') });
      await k(['rollout', 'status', 'deployment/heal', '--timeout=90s'], { timeoutMs: 100_000 });
      await eventually(() => seen[seen.length - 1]?.[0] === 0, 5000, 'the last step');
    } finally {
      w.stop();
    }
    assert.deepStrictEqual(seen, expected);
  });

  it('scales proportionally in the middle of a rollout', async () => {
    // A rollout of 10 replicas (maxSurge=3, maxUnavailable=2) whose new pods never turn ready stops at
    // (old, new) = (8, 5), as in the test above: 13 pods, and no room to scale old pods down.
    // kubectl scale --replicas=20 is a scaling event (the ReplicaSets' desired-replicas annotation says 10),
    // so the controller shares the change (pkg/controller/deployment/sync.go, scale):
    //   allowed = 20 + maxSurge 3 = 23, now 13 → 10 to add. Larger ReplicaSet first (old, 8).
    //   old: round(8 × 23 / 13) - 8 = round(14.15) - 8 = 6 → 14 (written first)  → (14, 5)
    //   new: round(5 × 23 / 13) - 5 = round(8.85) - 5 = 4 → 9; 10 added, none left → (14, 9)
    //   Then the rollout: 23 pods is the maximum; maxScaledDown = 23 - (20 - 2) - 9 unavailable < 0: stays.
    // kubectl scale --replicas=5: allowed = 5 + 3 = 8, now 23 → -15. Larger first (old, 14).
    //   old: round(14 × 8 / 23) - 14 = 5 - 14 = -9 → 5                          → (5, 9)
    //   new: round(9 × 8 / 23) - 9 = 3 - 9 = -6, all that is left of -15 → 3     → (5, 3)
    //   Then the rollout: 8 pods, so no scale-up; minAvailable = 5 - 2 = 3, new unavailable = 3,
    //   maxScaledDown = 8 - 3 - 3 = 2; the 5 old pods are all available, 5 - 3 = 2 → old 3 → (3, 3)
    //   Next sync scales up: min(8 - 6, 5 - 3) = 2 → new 5                      → (3, 5)
    //   maxScaledDown = 8 - 3 - 5 = 0: stays.
    const manifest = (image: string, stuck: boolean) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: prop}
spec:
  replicas: 10
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 3, maxUnavailable: 2}}
  selector: {matchLabels: {app: prop}}
  template:
    metadata:
      labels: {app: prop}${stuck ? '\n      annotations: {sim.slipway.dev/readiness: fail}' : ''}
    spec:
      containers:
      - name: app
        image: ${image}${stuck ? '\n        readinessProbe: {exec: {command: ["true"]}, periodSeconds: 1}' : ''}
`;
    await k(['apply', '-f', '-'], { input: manifest('nginx:1.25', false) });
    await k(['rollout', 'status', 'deployment/prop', '--timeout=60s'], { timeoutMs: 70_000 });
    const oldName = JSON.parse(await k(['get', 'rs', '-l', 'app=prop', '-o', 'json'])).items[0].metadata.name;
    const sizes = new Map<string, number>();
    let seen: number[][] = [];
    const pair = () => {
      let nu = 0;
      for (const [name, n] of sizes) if (name !== oldName) nu += n;
      return [sizes.get(oldName) ?? 0, nu];
    };
    const w = watch('/apis/apps/v1/namespaces/default/replicasets', (type, rs) => {
      if (rs?.metadata?.labels?.app !== 'prop') return;
      if (type === 'DELETED') sizes.delete(rs.metadata.name);
      else sizes.set(rs.metadata.name, rs.spec.replicas);
      const p = pair();
      const last = seen[seen.length - 1];
      if (!last || last[0] !== p[0] || last[1] !== p[1]) seen.push(p);
    });
    const settled = (want: number[]) =>
      eventually(
        async () => {
          const p = pair();
          if (p[0] !== want[0] || p[1] !== want[1]) return false;
          // still there a moment later: the controller is done
          await new Promise((r) => setTimeout(r, 1500));
          const q = pair();
          return q[0] === want[0] && q[1] === want[1];
        },
        30_000,
        `(old, new) = (${want})`,
      );
    try {
      await k(['apply', '-f', '-'], { input: manifest('nginx:1.26', true) });
      await settled([8, 5]);
      seen = [[8, 5]];
      await k(['scale', 'deployment/prop', '--replicas=20']);
      await settled([14, 9]);
      assert.deepStrictEqual(seen, [
        [8, 5],
        [14, 5],
        [14, 9],
      ]);
      seen = [[14, 9]];
      await k(['scale', 'deployment/prop', '--replicas=5']);
      await settled([3, 5]);
      assert.deepStrictEqual(seen, [
        [14, 9],
        [5, 9],
        [5, 3],
        [3, 3],
        [3, 5],
      ]);
    } finally {
      w.stop();
    }
    const rs = JSON.parse(await k(['get', 'rs', '-l', 'app=prop', '-o', 'json'])).items;
    for (const x of rs) {
      assert.strictEqual(x.metadata.annotations['deployment.kubernetes.io/desired-replicas'], '5');
      assert.strictEqual(x.metadata.annotations['deployment.kubernetes.io/max-replicas'], '8');
    }
  });

  it('Recreate removes every old pod before the first new one is created', async () => {
    const manifest = (image: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: recreate}
spec:
  replicas: 3
  strategy: {type: Recreate}
  selector: {matchLabels: {app: recreate}}
  template:
    metadata: {labels: {app: recreate}}
    spec:
      terminationGracePeriodSeconds: 5
      containers: [{name: app, image: ${image}}]
`;
    await k(['apply', '-f', '-'], { input: manifest('nginx:1.25') });
    await k(['rollout', 'status', 'deployment/recreate', '--timeout=60s'], { timeoutMs: 70_000 });
    const oldRs = JSON.parse(await k(['get', 'rs', '-l', 'app=recreate', '-o', 'json'])).items[0];
    const oldHash = oldRs.metadata.labels['pod-template-hash'];
    const pods = new Map<string, any>();
    const overlaps: string[] = [];
    const w = watch('/api/v1/namespaces/default/pods', (type, pod) => {
      if (pod?.metadata?.labels?.app !== 'recreate') return;
      if (type === 'DELETED') {
        pods.delete(pod.metadata.name);
        return;
      }
      if (type === 'ADDED' && pod.metadata.labels['pod-template-hash'] !== oldHash) {
        const running = [...pods.values()].filter(
          (p) =>
            p.metadata.labels['pod-template-hash'] === oldHash && !['Succeeded', 'Failed'].includes(p.status?.phase),
        );
        if (running.length)
          overlaps.push(
            `${pod.metadata.name} created while ${running.map((p) => p.metadata.name).join(', ')} still ran`,
          );
      }
      pods.set(pod.metadata.name, pod);
    });
    try {
      await eventually(() => pods.size === 3, 5000, 'the watch to start');
      await k(['apply', '-f', '-'], { input: manifest('nginx:1.26') });
      await k(['rollout', 'status', 'deployment/recreate', '--timeout=60s'], { timeoutMs: 70_000 });
    } finally {
      w.stop();
    }
    assert.deepStrictEqual(overlaps, []);
    const events = await k([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=recreate,involvedObject.kind=Deployment',
    ]);
    assert.match(events, new RegExp(`Scaled down replica set ${oldRs.metadata.name} from 3 to 0`));
  });
});
