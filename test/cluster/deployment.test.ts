// Deployments driven by the real kubectl against the embedded cluster, with the real scheduler and
// kubelet running the pods: rollout status, history, undo, scale, pause and resume, restart, delete,
// and a rollout that misses its progress deadline.
import * as assert from 'assert';
import { eventually, SAMPLE_DIR, startTestCluster, TestCluster } from '../helpers/testCluster';

const REVISION = 'deployment.kubernetes.io/revision';

describe('Deployments (real kubectl, scheduler and kubelet)', function () {
  this.timeout(120_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 3, clockSpeed: 10 });
  });
  after(async () => {
    await t?.stop();
  });

  async function k(args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
    const r = await t.kubectl(args, opts);
    if (r.code !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
    return r.stdout;
  }

  async function json(args: string[]): Promise<any> {
    return JSON.parse(await k([...args, '-o', 'json']));
  }

  async function rolledOut(name: string, ns = 'default'): Promise<string> {
    const out = await k(['-n', ns, 'rollout', 'status', `deployment/${name}`, '--timeout=60s'], { timeoutMs: 70_000 });
    assert.match(out, new RegExp(`deployment "${name}" successfully rolled out`));
    return out;
  }

  /** revision numbers in `kubectl rollout history` */
  async function revisions(name: string): Promise<number[]> {
    const out = await k(['rollout', 'history', `deployment/${name}`]);
    return out
      .split('\n')
      .map((l) => /^(\d+)\s/.exec(l)?.[1])
      .filter(Boolean)
      .map(Number);
  }

  /** pods of a selector that are not being deleted */
  async function livePods(selector: string, ns = 'default'): Promise<any[]> {
    const list = await json(['-n', ns, 'get', 'pods', '-l', selector]);
    return list.items.filter((p: any) => !p.metadata.deletionTimestamp);
  }

  it('applies the guestbook sample and `rollout status` completes', async () => {
    await k(['apply', '-f', SAMPLE_DIR]);
    await rolledOut('frontend', 'guestbook');
    await rolledOut('redis', 'guestbook');
    const d = await json(['-n', 'guestbook', 'get', 'deployment', 'frontend']);
    assert.strictEqual(d.metadata.annotations[REVISION], '1');
    assert.strictEqual(d.status.observedGeneration, d.metadata.generation);
    assert.strictEqual(d.status.replicas, 3);
    assert.strictEqual(d.status.updatedReplicas, 3);
    assert.strictEqual(d.status.readyReplicas, 3);
    assert.strictEqual(d.status.availableReplicas, 3);
    const cond = (type: string) => d.status.conditions.find((c: any) => c.type === type);
    assert.strictEqual(cond('Available').reason, 'MinimumReplicasAvailable');
    assert.strictEqual(cond('Progressing').reason, 'NewReplicaSetAvailable');
    const rsList = await json(['-n', 'guestbook', 'get', 'rs', '-l', 'app.kubernetes.io/name=frontend']);
    assert.strictEqual(rsList.items.length, 1);
    const rs = rsList.items[0];
    const hash = rs.metadata.labels['pod-template-hash'];
    assert.match(hash, /^[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.strictEqual(rs.metadata.name, `frontend-${hash}`);
    assert.strictEqual(rs.spec.selector.matchLabels['pod-template-hash'], hash);
    assert.deepStrictEqual(
      rs.metadata.ownerReferences.map((r: any) => [r.kind, r.name, r.uid, r.controller, r.blockOwnerDeletion]),
      [['Deployment', 'frontend', d.metadata.uid, true, true]],
    );
    const pods = await livePods('app.kubernetes.io/name=frontend', 'guestbook');
    assert.strictEqual(pods.length, 3);
    for (const p of pods) {
      assert.ok(p.metadata.name.startsWith(`frontend-${hash}-`), p.metadata.name);
      assert.strictEqual(p.status.phase, 'Running');
      assert.strictEqual(p.metadata.ownerReferences[0].uid, rs.metadata.uid);
    }
    const describe = await k(['-n', 'guestbook', 'describe', 'deployment', 'frontend']);
    assert.match(describe, new RegExp(`NewReplicaSet:\\s+frontend-${hash} \\(3/3 replicas created\\)`));
    assert.match(describe, new RegExp(`ScalingReplicaSet .*Scaled up replica set frontend-${hash} from 0 to 3`));
  });

  it('keeps a revision per template: two image changes give three revisions, undo --to-revision=1 brings revision 1 back as 4', async () => {
    await k(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3']);
    await rolledOut('web');
    await k(['set', 'image', 'deployment/web', 'nginx=nginx:1.26']);
    await rolledOut('web');
    await k(['annotate', 'deployment/web', 'kubernetes.io/change-cause=image 1.27']);
    await k(['set', 'image', 'deployment/web', 'nginx=nginx:1.27']);
    await rolledOut('web');
    assert.deepStrictEqual(await revisions('web'), [1, 2, 3]);
    const history = await k(['rollout', 'history', 'deployment/web']);
    assert.match(history, /^3\s+image 1\.27$/m);
    const rev1 = (await json(['get', 'rs', '-l', 'app=web'])).items.find(
      (rs: any) => rs.metadata.annotations[REVISION] === '1',
    );
    assert.strictEqual(rev1.spec.template.spec.containers[0].image, 'nginx:1.25');

    const undo = await k(['rollout', 'undo', 'deployment/web', '--to-revision=1']);
    assert.match(undo, /rolled back/);
    await rolledOut('web');
    assert.deepStrictEqual(await revisions('web'), [2, 3, 4]);
    const d = await json(['get', 'deployment', 'web']);
    assert.strictEqual(d.metadata.annotations[REVISION], '4');
    assert.strictEqual(d.spec.template.spec.containers[0].image, 'nginx:1.25');
    // the rollback reused revision 1's ReplicaSet rather than making a new one
    const rsList = (await json(['get', 'rs', '-l', 'app=web'])).items;
    assert.strictEqual(rsList.length, 3);
    const rev4 = rsList.find((rs: any) => rs.metadata.annotations[REVISION] === '4');
    assert.strictEqual(rev4.metadata.uid, rev1.metadata.uid);
    assert.strictEqual(rev4.metadata.annotations['deployment.kubernetes.io/revision-history'], '1');
    assert.strictEqual(rev4.spec.replicas, 3);
    for (const rs of rsList) if (rs !== rev4) assert.strictEqual(rs.spec.replicas, 0, rs.metadata.name);
    assert.match(await k(['rollout', 'history', 'deployment/web', '--revision=4']), /Image:\s+nginx:1\.25/);
    const pods = await livePods('app=web');
    assert.ok(pods.every((p) => p.spec.containers[0].image === 'nginx:1.25'));
    // undoing to the template already running changes nothing
    assert.match(await k(['rollout', 'undo', 'deployment/web', '--to-revision=4']), /skipped rollback/);
  });

  it('goes back to the previous revision with a plain `rollout undo`', async () => {
    await k(['create', 'deployment', 'prev', '--image=busybox:1.36', '--replicas=2']);
    await rolledOut('prev');
    await k(['set', 'image', 'deployment/prev', 'busybox=busybox:1.37']);
    await rolledOut('prev');
    assert.match(await k(['rollout', 'undo', 'deployment/prev']), /rolled back/);
    await rolledOut('prev');
    assert.deepStrictEqual(await revisions('prev'), [2, 3]);
    const d = await json(['get', 'deployment', 'prev']);
    assert.strictEqual(d.spec.template.spec.containers[0].image, 'busybox:1.36');
    assert.strictEqual(d.metadata.annotations[REVISION], '3');
    await k(['delete', 'deployment', 'prev']);
  });

  it('scales up and down with `kubectl scale`', async () => {
    await k(['scale', 'deployment/web', '--replicas=5']);
    await rolledOut('web');
    assert.strictEqual((await livePods('app=web')).length, 5);
    assert.match(await k(['get', 'deployment', 'web']), /web\s+5\/5\s+5\s+5\s/);
    await k(['scale', 'deployment/web', '--replicas=2']);
    await rolledOut('web');
    await eventually(async () => (await livePods('app=web')).length === 2, 20_000, 'two pods');
    const d = await json(['get', 'deployment', 'web']);
    assert.strictEqual(d.status.replicas, 2);
    assert.strictEqual(d.status.availableReplicas, 2);
    const rs = (await json(['get', 'rs', '-l', 'app=web'])).items.find(
      (x: any) => x.metadata.annotations[REVISION] === '4',
    );
    assert.strictEqual(rs.spec.replicas, 2);
    assert.strictEqual(rs.metadata.annotations['deployment.kubernetes.io/desired-replicas'], '2');
    const events = await k([
      'get',
      'events',
      '--field-selector',
      'involvedObject.name=web,involvedObject.kind=Deployment',
    ]);
    assert.match(events, new RegExp(`Scaled down replica set ${rs.metadata.name} from 5 to 2`));
  });

  it('holds a paused rollout until `rollout resume`', async () => {
    await k(['rollout', 'pause', 'deployment/web']);
    await k(['set', 'image', 'deployment/web', 'nginx=nginx:1.28']);
    const paused = await eventually(
      async () => {
        const d = await json(['get', 'deployment', 'web']);
        const c = d.status.conditions.find((x: any) => x.type === 'Progressing');
        return d.status.observedGeneration === d.metadata.generation && c.reason === 'DeploymentPaused' ? d : undefined;
      },
      10_000,
      'DeploymentPaused',
    );
    assert.strictEqual(paused.status.conditions.find((x: any) => x.type === 'Progressing').status, 'Unknown');
    // no ReplicaSet for the new template while paused
    await new Promise((r) => setTimeout(r, 500));
    assert.ok(
      !(await json(['get', 'rs', '-l', 'app=web'])).items.some(
        (rs: any) => rs.spec.template.spec.containers[0].image === 'nginx:1.28',
      ),
    );
    const undo = await t.kubectl(['rollout', 'undo', 'deployment/web']);
    assert.notStrictEqual(undo.code, 0);
    assert.match(undo.stderr, /cannot rollback a paused deployment/);
    await k(['rollout', 'resume', 'deployment/web']);
    await rolledOut('web');
    const pods = await livePods('app=web');
    assert.strictEqual(pods.length, 2);
    assert.ok(pods.every((p) => p.spec.containers[0].image === 'nginx:1.28'));
    assert.deepStrictEqual(await revisions('web'), [2, 3, 4, 5]);
  });

  it('restarts every pod with `rollout restart`', async () => {
    const before = new Set((await livePods('app=web')).map((p) => p.metadata.name));
    await k(['rollout', 'restart', 'deployment/web']);
    await rolledOut('web');
    const d = await json(['get', 'deployment', 'web']);
    assert.ok(d.spec.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']);
    assert.strictEqual(d.metadata.annotations[REVISION], '6');
    await eventually(
      async () => {
        const pods = await livePods('app=web');
        return pods.length === 2 && pods.every((p) => !before.has(p.metadata.name));
      },
      20_000,
      'only restarted pods',
    );
  });

  it('removes its ReplicaSets and pods with `delete deployment`', async () => {
    await k(['delete', 'deployment', 'web']);
    await eventually(
      async () => (await json(['get', 'rs', '-l', 'app=web'])).items.length === 0,
      20_000,
      'no ReplicaSets',
    );
    await eventually(async () => (await json(['get', 'pods', '-l', 'app=web'])).items.length === 0, 30_000, 'no pods');
  });

  it('reports ProgressDeadlineExceeded when pods never become ready', async () => {
    const manifest = `
apiVersion: apps/v1
kind: Deployment
metadata: {name: stuck}
spec:
  replicas: 2
  progressDeadlineSeconds: 20
  selector: {matchLabels: {app: stuck}}
  template:
    metadata:
      labels: {app: stuck}
      annotations: {sim.slipway.dev/readiness: fail}
    spec:
      containers:
      - name: app
        image: nginx:1.25
        readinessProbe: {exec: {command: [cat, /tmp/ready]}, periodSeconds: 2}
`;
    await k(['apply', '-f', '-'], { input: manifest });
    const r = await t.kubectl(['rollout', 'status', 'deployment/stuck', '--timeout=60s'], { timeoutMs: 70_000 });
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /deployment "stuck" exceeded its progress deadline/);
    const d = await json(['get', 'deployment', 'stuck']);
    const progressing = d.status.conditions.find((c: any) => c.type === 'Progressing');
    assert.strictEqual(progressing.status, 'False');
    assert.strictEqual(progressing.reason, 'ProgressDeadlineExceeded');
    const rs = (await json(['get', 'rs', '-l', 'app=stuck'])).items[0];
    assert.strictEqual(progressing.message, `ReplicaSet "${rs.metadata.name}" has timed out progressing.`);
    const available = d.status.conditions.find((c: any) => c.type === 'Available');
    assert.strictEqual(available.status, 'False');
    assert.strictEqual(available.reason, 'MinimumReplicasUnavailable');
    assert.strictEqual(d.status.unavailableReplicas, 2);
  });
});
