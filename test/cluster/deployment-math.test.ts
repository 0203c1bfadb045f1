// The pure parts of the Deployment and ReplicaSet controllers, checked against values worked out by hand
// from Kubernetes' rules: maxSurge/maxUnavailable rounding, how far a new ReplicaSet may grow, the
// pod-template-hash, revisions kept on rollback, history cleanup and which pods go first on scale-down.
import * as assert from 'assert';
import { replicaSetsToCleanUp, setNewReplicaSetAnnotations } from '../../cluster/controllers/deployment/history';
import { podsToDelete } from '../../cluster/controllers/replicaset/podRanking';
import { computeHash, equalIgnoreHash } from '../../cluster/controllers/deployment/podTemplateHash';
import {
  maxSurge,
  maxUnavailable,
  newRSNewReplicas,
  resolveFenceposts,
} from '../../cluster/controllers/deployment/replicas';

function deployment(replicas: number, surge: number | string, unavailable: number | string): any {
  return {
    metadata: { name: 'web', annotations: {} },
    spec: {
      replicas,
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: unavailable } },
    },
  };
}

const rs = (name: string, replicas: number, extra: any = {}): any => ({
  metadata: { name, creationTimestamp: '2025-01-01T00:00:00Z', annotations: {}, ...extra.metadata },
  spec: { replicas },
  status: extra.status ?? {},
});

describe('Deployment arithmetic', () => {
  it('rounds a percentage maxSurge up and maxUnavailable down', () => {
    // 25% of 10 = 2.5: surge 3, unavailable 2
    assert.deepStrictEqual(resolveFenceposts('25%', '25%', 10), { surge: 3, unavailable: 2 });
    // 10% of 3 = 0.3: surge 1, unavailable 0
    assert.deepStrictEqual(resolveFenceposts('10%', '10%', 3), { surge: 1, unavailable: 0 });
    // both zero would never progress: one may be unavailable
    assert.deepStrictEqual(resolveFenceposts(0, 0, 10), { surge: 0, unavailable: 1 });
    assert.deepStrictEqual(resolveFenceposts('0%', '20%', 4), { surge: 0, unavailable: 1 });
    assert.deepStrictEqual(resolveFenceposts(2, '50%', 5), { surge: 2, unavailable: 2 });
  });

  it('caps maxUnavailable at the replica count and has no surge for Recreate', () => {
    assert.strictEqual(maxUnavailable(deployment(2, 0, 5)), 2);
    assert.strictEqual(maxUnavailable(deployment(0, 1, 1)), 0);
    const recreate: any = { metadata: {}, spec: { replicas: 4, strategy: { type: 'Recreate' } } };
    assert.strictEqual(maxSurge(recreate), 0);
    assert.strictEqual(maxUnavailable(recreate), 0);
  });

  it('grows the new ReplicaSet only within replicas + maxSurge', () => {
    const d = deployment(10, 3, 2);
    const newRS = rs('new', 0);
    assert.strictEqual(newRSNewReplicas(d, [rs('old', 10), newRS], newRS), 3);
    const grown = rs('new', 3);
    assert.strictEqual(newRSNewReplicas(d, [rs('old', 8), grown], grown), 5);
    assert.strictEqual(newRSNewReplicas(d, [rs('old', 10), grown], grown), 3);
    // never past spec.replicas, however much room the surge leaves
    const nearly = rs('new', 9);
    assert.strictEqual(newRSNewReplicas(d, [rs('old', 0), nearly], nearly), 10);
  });
});

describe('pod-template-hash', () => {
  const template = {
    metadata: { labels: { app: 'web' } },
    spec: { containers: [{ name: 'nginx', image: 'nginx:1.25' }] },
  };

  it('is stable, uses the safe alphabet and changes with the template and the collision count', () => {
    const h = computeHash(template);
    assert.strictEqual(computeHash(structuredClone(template)), h);
    assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.notStrictEqual(
      computeHash({ ...template, spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } }),
      h,
    );
    assert.notStrictEqual(computeHash(template, 1), h);
    assert.notStrictEqual(computeHash(template, 1), computeHash(template, 2));
    // key order and the hash label itself do not matter
    const reordered = { spec: template.spec, metadata: { labels: { 'pod-template-hash': 'x', app: 'web' } } };
    assert.strictEqual(computeHash(reordered), h);
  });

  it('compares templates ignoring the hash label, nulls and empty maps', () => {
    const withHash = {
      metadata: { labels: { app: 'web', 'pod-template-hash': 'abc' }, creationTimestamp: null },
      spec: { containers: [{ name: 'nginx', image: 'nginx:1.25', resources: {} }] },
    };
    assert.ok(equalIgnoreHash(template, withHash));
    assert.ok(
      !equalIgnoreHash(template, { ...template, spec: { containers: [{ name: 'nginx', image: 'nginx:1.26' }] } }),
    );
    // an emptyDir volume is not the same as no volume source
    const a = { spec: { volumes: [{ name: 'v', emptyDir: {} }] } };
    const b = { spec: { volumes: [{ name: 'v' }] } };
    assert.ok(!equalIgnoreHash(a, b));
  });
});

describe('revisions', () => {
  it('raises a reused ReplicaSet to the new revision and remembers the old one', () => {
    const d: any = {
      metadata: {
        annotations: { 'kubernetes.io/change-cause': 'undo', 'kubectl.kubernetes.io/last-applied-configuration': '{}' },
      },
      spec: { replicas: 3 },
    };
    const old = rs('web-1', 0, { metadata: { annotations: { 'deployment.kubernetes.io/revision': '1' } } });
    assert.ok(setNewReplicaSetAnnotations(d, old, 4, true));
    assert.strictEqual(old.metadata.annotations['deployment.kubernetes.io/revision'], '4');
    assert.strictEqual(old.metadata.annotations['deployment.kubernetes.io/revision-history'], '1');
    assert.strictEqual(old.metadata.annotations['kubernetes.io/change-cause'], 'undo');
    assert.strictEqual(old.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'], undefined);
    // rolled back to again later: the history grows
    assert.ok(setNewReplicaSetAnnotations(d, old, 6, true));
    assert.strictEqual(old.metadata.annotations['deployment.kubernetes.io/revision-history'], '1,4');
    // nothing to do when it is already the newest
    assert.ok(!setNewReplicaSetAnnotations(d, old, 5, true));
  });

  it('cleans up only scaled-down old ReplicaSets beyond revisionHistoryLimit, oldest revision first', () => {
    const d: any = { metadata: {}, spec: { revisionHistoryLimit: 1 } };
    const rev = (n: number, replicas: number) =>
      rs(`r${n}`, replicas, {
        metadata: { annotations: { 'deployment.kubernetes.io/revision': String(n) } },
        status: { replicas },
      });
    const chosen = replicaSetsToCleanUp(d, [rev(3, 0), rev(1, 2), rev(2, 0), rev(4, 0)]);
    // four old ones, keep one: revisions 1, 2, 3 are candidates; revision 1 still has replicas
    assert.deepStrictEqual(
      chosen.map((x) => x.metadata.name),
      ['r2', 'r3'],
    );
  });
});

describe('ReplicaSet scale-down order', () => {
  const now = Date.parse('2025-01-01T01:00:00Z');
  const pod = (
    name: string,
    o: { node?: string; phase?: string; ready?: boolean; restarts?: number; created?: string; readySince?: string },
  ): any => ({
    metadata: { name, uid: name, creationTimestamp: o.created ?? '2025-01-01T00:00:00Z' },
    spec: { nodeName: o.node },
    status: {
      phase: o.phase ?? 'Running',
      conditions: [
        {
          type: 'Ready',
          status: o.ready ? 'True' : 'False',
          lastTransitionTime: o.readySince ?? '2025-01-01T00:00:00Z',
        },
      ],
      containerStatuses: [{ restartCount: o.restarts ?? 0 }],
    },
  });

  it('deletes unscheduled, then pending, then not-ready pods, then the most recently ready, then the most restarted', () => {
    const pods = [
      pod('ready-old', { node: 'n1', ready: true }),
      pod('unscheduled', { phase: 'Pending' }),
      pod('pending', { node: 'n2', phase: 'Pending' }),
      pod('not-ready', { node: 'n3' }),
      // ready as long as ready-old, but restarting: it goes first
      pod('restarting', { node: 'n1', ready: true, restarts: 4 }),
      // ready for far less time than ready-old, so on the log scale it is the "newer" one
      pod('ready-new', {
        node: 'n2',
        ready: true,
        readySince: '2025-01-01T00:59:30Z',
        created: '2025-01-01T00:59:00Z',
      }),
    ];
    const order = podsToDelete(pods, [], pods.length - 1, now).map((p) => p.metadata.name);
    assert.deepStrictEqual(order, ['unscheduled', 'pending', 'not-ready', 'ready-new', 'restarting']);
  });

  it('prefers pods doubled up on a node with related pods', () => {
    const a = pod('alone', { node: 'n1', ready: true });
    const b = pod('crowded', { node: 'n2', ready: true });
    const sibling = pod('sibling', { node: 'n2', ready: true });
    assert.deepStrictEqual(
      podsToDelete([a, b], [a, b, sibling], 1, now).map((p) => p.metadata.name),
      ['crowded'],
    );
  });
});
