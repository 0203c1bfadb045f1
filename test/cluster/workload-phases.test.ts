// The pure phases of the StatefulSet, DaemonSet and Job controllers, checked against outcomes worked out by hand
// from Kubernetes' rules: a member's identity and its partition, who owns a member's claims, when a rolling
// update makes the update revision current, how far a DaemonSet rollout goes in one step, and how a Job
// counts its finished pods and decides it has failed.
import * as assert from 'assert';
import type { Pod as PodObject } from 'kubernetes-types/core/v1';
import type { DaemonSet, Job, LivePod, Node, Pod, StatefulSet } from '../../cluster/controllers/kit/objects';
import type { ControllerRevision } from '../../cluster/controllers/history/revisions';
import { claimOwnersUpdate } from '../../cluster/controllers/statefulset/claimRetention';
import { newVersionedPod, parentAndOrdinal } from '../../cluster/controllers/statefulset/identity';
import { replicaStatus, statusPatch } from '../../cluster/controllers/statefulset/status';
import { rollingUpdateStep } from '../../cluster/controllers/daemonset/rollingUpdate';
import { countReleased, podsToCount } from '../../cluster/controllers/job/finishedPods';
import { limitsPassed } from '../../cluster/controllers/job/outcome';
import { JOB_TRACKING_FINALIZER } from '../../cluster/controllers/job/podState';
import { newTally } from '../../cluster/controllers/job/status';

const NOW = Date.parse('2026-01-01T12:00:00Z');
const LONG_AGO = '2026-01-01T11:00:00Z';

function statefulSet(spec: Partial<StatefulSet['spec']>, status?: StatefulSet['status']): StatefulSet {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name: 'web', namespace: 'default', uid: 'set-uid', generation: 1 },
    spec: {
      selector: { matchLabels: { app: 'web' } },
      serviceName: 'web-svc',
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [{ name: 'c', image: 'nginx' }],
          volumes: [{ name: 'data', emptyDir: {} }],
        },
      },
      volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'] } }],
      ...spec,
    },
    ...(status ? { status } : {}),
  };
}

const revision = (name: string): ControllerRevision => ({
  apiVersion: 'apps/v1',
  kind: 'ControllerRevision',
  metadata: { name },
  data: {},
  revision: 1,
});

function runningReadyPod(name: string, labels: Record<string, string>): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: `${name}-uid`, labels },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: LONG_AGO }],
    },
  };
}

describe('StatefulSet phases', () => {
  it('reads the set and ordinal from a member name, and no ordinal from other names', () => {
    assert.deepStrictEqual(parentAndOrdinal('web-12'), { parent: 'web', ordinal: 12 });
    assert.deepStrictEqual(parentAndOrdinal('my-web-0'), { parent: 'my-web', ordinal: 0 });
    assert.strictEqual(parentAndOrdinal('web').ordinal, -1);
    // beyond int32, as Kubernetes' strconv.ParseInt(.., 10, 32) refuses it
    assert.strictEqual(parentAndOrdinal('web-2147483648').ordinal, -1);
  });

  it('makes a missing ordinal below the partition at the current revision, at or above it at the update one', () => {
    const set = statefulSet({
      replicas: 4,
      updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } },
    });
    const make = (ordinal: number) => newVersionedPod(set, set, set, 'web-old', 'web-new', ordinal);
    assert.deepStrictEqual(
      [0, 1, 2, 3].map((o) => make(o).metadata.labels?.['controller-revision-hash']),
      ['web-old', 'web-old', 'web-new', 'web-new'],
    );
    const pod = make(3);
    assert.strictEqual(pod.metadata.name, 'web-3');
    assert.strictEqual(pod.spec?.hostname, 'web-3');
    assert.strictEqual(pod.spec?.subdomain, 'web-svc');
    assert.strictEqual(pod.metadata.labels?.['statefulset.kubernetes.io/pod-name'], 'web-3');
    assert.strictEqual(pod.metadata.labels?.['apps.kubernetes.io/pod-index'], '3');
    // the claim's volume replaces the template's volume of the same name
    assert.deepStrictEqual(pod.spec?.volumes, [{ name: 'data', persistentVolumeClaim: { claimName: 'data-web-3' } }]);
  });

  it('gives a claim to its pod once scaled away (whenScaled Delete), else to the set (whenDeleted Delete)', () => {
    const set = statefulSet({
      replicas: 2,
      persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
    });
    const claim = { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name: 'data-web-1' } };
    const member = runningReadyPod('web-1', {});
    assert.deepStrictEqual(
      claimOwnersUpdate(claim, set, member)?.map((r) => r.kind),
      ['StatefulSet'],
    );
    const scaledAway = runningReadyPod('web-2', {});
    assert.deepStrictEqual(
      claimOwnersUpdate(claim, set, scaledAway)?.map((r) => `${r.kind}/${r.name}`),
      ['Pod/web-2'],
    );
    // already right: nothing to write
    const owned = { ...claim, metadata: { ...claim.metadata, ownerReferences: claimOwnersUpdate(claim, set, member) } };
    assert.strictEqual(claimOwnersUpdate(owned, set, member), undefined);
  });

  it('makes the update revision current once every pod is updated and ready, and writes nothing unchanged', () => {
    const set = statefulSet({ replicas: 2, updateStrategy: { type: 'RollingUpdate' } });
    const pods = ['web-0', 'web-1'].map((n) => runningReadyPod(n, { 'controller-revision-hash': 'web-new' }));
    const status = replicaStatus(set, revision('web-old'), revision('web-new'), 0, pods, NOW);
    assert.strictEqual(status.currentReplicas, 0);
    assert.strictEqual(status.updatedReplicas, 2);
    const patch = statusPatch(set, status) as { status: Record<string, unknown> };
    assert.strictEqual(patch.status.currentRevision, 'web-new');
    assert.strictEqual(patch.status.currentReplicas, 2);
    const written = statefulSet(set.spec, {
      observedGeneration: 1,
      replicas: 2,
      readyReplicas: 2,
      currentReplicas: 2,
      updatedReplicas: 2,
      availableReplicas: 2,
      currentRevision: 'web-new',
      updateRevision: 'web-new',
      collisionCount: 0,
    });
    assert.strictEqual(statusPatch(written, status), undefined);
  });
});

describe('DaemonSet rolling update step', () => {
  const nodes: Node[] = ['n1', 'n2', 'n3'].map((name) => ({
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    status: { conditions: [{ type: 'Ready', status: 'True' }] },
  }));

  function daemonSet(rollingUpdate: { maxUnavailable?: number; maxSurge?: number }): DaemonSet {
    return {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'agent', namespace: 'default', uid: 'ds-uid' },
      spec: {
        selector: { matchLabels: { app: 'agent' } },
        template: { metadata: { labels: { app: 'agent' } }, spec: { containers: [{ name: 'c', image: 'a' }] } },
        updateStrategy: { type: 'RollingUpdate', rollingUpdate },
      },
    };
  }

  function daemonPod(name: string, node: string, hash: string): Pod {
    const pod: PodObject = runningReadyPod(name, { app: 'agent', 'controller-revision-hash': hash });
    return { ...pod, metadata: { ...pod.metadata!, name }, spec: { nodeName: node, containers: [] } };
  }

  it('deletes old pods only as far as maxUnavailable allows, in node order', () => {
    const pods = nodes.map((n, i) => daemonPod(`agent-${i}`, n.metadata.name, 'old'));
    const step = rollingUpdateStep(daemonSet({ maxUnavailable: 1 }), nodes, pods, 'new', NOW);
    assert.deepStrictEqual(
      step.remove.map((p) => p.metadata.name),
      ['agent-0'],
    );
    assert.deepStrictEqual(step.create, []);
    // one node already without an available pod: nothing more may go
    const starting: Pod = { ...daemonPod('agent-new', 'n1', 'new'), status: { phase: 'Pending' } };
    const replaced = [...pods.slice(1), starting];
    assert.deepStrictEqual(rollingUpdateStep(daemonSet({ maxUnavailable: 1 }), nodes, replaced, 'new', NOW).remove, []);
  });

  it('with maxSurge starts a new pod beside an old one, and deletes the old one once the new one is available', () => {
    const pods = nodes.map((n, i) => daemonPod(`agent-${i}`, n.metadata.name, 'old'));
    const ds = daemonSet({ maxUnavailable: 0, maxSurge: 1 });
    assert.deepStrictEqual(rollingUpdateStep(ds, nodes, pods, 'new', NOW), { remove: [], create: ['n1'] });
    const surged = [...pods, daemonPod('agent-new', 'n1', 'new')];
    assert.deepStrictEqual(
      rollingUpdateStep(ds, nodes, surged, 'new', NOW).remove.map((p) => p.metadata.name),
      ['agent-0'],
    );
  });
});

describe('Job phases', () => {
  function job(spec: Partial<Job['spec']>, status: Job['status'] = {}): Job {
    return {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'pi', namespace: 'default', uid: 'job-uid' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'perl' }], restartPolicy: 'Never' } }, ...spec },
      status,
    };
  }

  function finishedPod(name: string, phase: 'Succeeded' | 'Failed'): LivePod {
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: 'default', uid: `${name}-uid`, finalizers: [JOB_TRACKING_FINALIZER] },
      status: { phase },
    };
  }

  it('counts a finished pod as uncounted first, and in succeeded or failed once its finalizer is released', () => {
    const j = job({ completions: 2 });
    const pods = [finishedPod('pi-a', 'Succeeded'), finishedPod('pi-b', 'Failed')];
    const tally = newTally(j, pods, []);
    const tracked = (p: LivePod) => (p.metadata.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);
    const { toRelease, needsFlush } = podsToCount(j, pods, tally, tracked, () => true, undefined);
    assert.deepStrictEqual(
      toRelease.map((p) => p.metadata.name),
      ['pi-a', 'pi-b'],
    );
    assert.ok(needsFlush, 'the uncounted pods must be written before the finalizers go');
    assert.deepStrictEqual([...tally.uncountedSucceeded], ['pi-a-uid']);
    assert.deepStrictEqual([...tally.uncountedFailed], ['pi-b-uid']);
    // only pi-a's finalizer could be removed: pi-b stays uncounted
    countReleased(tally, pods, tracked, new Set(['pi-a-uid']));
    assert.strictEqual(tally.succeeded, 1);
    assert.strictEqual(tally.failed, 0);
    assert.deepStrictEqual([...tally.uncountedFailed], ['pi-b-uid']);
  });

  it('fails past backoffLimit or activeDeadlineSeconds, and otherwise says when the deadline is due', () => {
    const started = new Date(NOW - 30_000).toISOString();
    const backoff = limitsPassed(job({ backoffLimit: 1 }), [], 2, NOW);
    assert.strictEqual(backoff.finished?.reason, 'BackoffLimitExceeded');
    const deadline = limitsPassed(job({ activeDeadlineSeconds: 20 }, { startTime: started }), [], 0, NOW);
    assert.strictEqual(deadline.finished?.reason, 'DeadlineExceeded');
    const running = limitsPassed(job({ activeDeadlineSeconds: 60 }, { startTime: started }), [], 0, NOW);
    assert.deepStrictEqual(running, { deadlineInMs: 30_000 });
    // a suspended Job's deadline does not run
    assert.deepStrictEqual(
      limitsPassed(job({ activeDeadlineSeconds: 20, suspend: true }, { startTime: started }), [], 0, NOW),
      {},
    );
  });
});
