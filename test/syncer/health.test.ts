// Health rules on objects shaped as the API server returns them.
import * as assert from 'assert';
import { healthOf, needsPods, worstHealth } from '../../syncer/health';

function deployment(status: any, spec: any = {}, meta: any = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', uid: 'd-1', generation: 2, ...meta },
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
      ...spec,
    },
    status: { observedGeneration: 2, ...status },
  };
}

function pod(
  name: string,
  opts: {
    hash?: string;
    created?: string;
    phase?: string;
    waiting?: string;
    ready?: boolean;
    restartPolicy?: string;
    labels?: any;
    ns?: string;
    owner?: string;
  } = {},
): any {
  const ready = opts.ready ?? false;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: opts.ns ?? 'shop',
      creationTimestamp: opts.created ?? '2025-01-01T00:00:00Z',
      labels: opts.labels ?? { app: 'web', 'pod-template-hash': opts.hash ?? 'aaa' },
      ...(opts.owner
        ? {
            ownerReferences: [
              { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'x', uid: opts.owner, controller: true },
            ],
          }
        : {}),
    },
    spec: { restartPolicy: opts.restartPolicy ?? 'Always', containers: [{ name: 'web', image: 'nginx:1.27' }] },
    status: {
      phase: opts.phase ?? 'Running',
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      containerStatuses: [
        {
          name: 'web',
          ready,
          restartCount: 3,
          state: opts.waiting
            ? { waiting: { reason: opts.waiting, message: 'back-off 40s restarting failed container' } }
            : { running: { startedAt: '2025-01-01T00:00:01Z' } },
        },
      ],
    },
  };
}

describe('health rules', () => {
  describe('healthOf and worstHealth', () => {
    it('is Missing for an absent object and Healthy for a kind without a rule', () => {
      assert.strictEqual(healthOf(undefined).status, 'Missing');
      assert.deepStrictEqual(healthOf({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }), {
        status: 'Healthy',
      });
      assert.strictEqual(
        healthOf({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } }).status,
        'Healthy',
      );
    });

    it('orders Degraded > Missing > Progressing > Suspended > Unknown > Healthy', () => {
      assert.strictEqual(worstHealth([]), 'Healthy');
      assert.strictEqual(worstHealth(['Healthy', 'Unknown']), 'Unknown');
      assert.strictEqual(worstHealth(['Unknown', 'Suspended', 'Healthy']), 'Suspended');
      assert.strictEqual(worstHealth(['Suspended', 'Progressing']), 'Progressing');
      assert.strictEqual(worstHealth(['Progressing', 'Missing', 'Healthy']), 'Missing');
      assert.strictEqual(worstHealth(['Missing', 'Degraded', 'Suspended']), 'Degraded');
    });

    it('asks for pods for workloads only', () => {
      assert.strictEqual(needsPods(deployment({})), true);
      assert.strictEqual(needsPods({ apiVersion: 'apps/v1', kind: 'StatefulSet' }), true);
      assert.strictEqual(needsPods({ apiVersion: 'apps/v1', kind: 'DaemonSet' }), true);
      assert.strictEqual(needsPods({ apiVersion: 'apps/v1', kind: 'ReplicaSet' }), true);
      assert.strictEqual(needsPods({ apiVersion: 'v1', kind: 'Service' }), false);
      assert.strictEqual(needsPods({ apiVersion: 'batch/v1', kind: 'Job' }), false);
      // the group matters, not only the kind
      assert.strictEqual(needsPods({ apiVersion: 'example.com/v1', kind: 'Deployment' }), false);
    });

    it('reports Unknown rather than throwing on a malformed status', () => {
      const h = healthOf({
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'p' },
        status: { phase: 'Pending', conditions: 'oops', initContainerStatuses: 5 },
      });
      assert.strictEqual(h.status, 'Unknown');
      assert.match(h.message!, /Pod p/);
    });
  });

  describe('Deployment', () => {
    it('is Healthy when every replica is updated and available', () => {
      const h = healthOf(deployment({ replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 }));
      assert.strictEqual(h.status, 'Healthy');
    });

    it('is Progressing while the controller has not observed the latest generation', () => {
      const h = healthOf(deployment({ observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }));
      assert.strictEqual(h.status, 'Progressing');
      assert.match(h.message!, /observed deployment generation less than desired generation/);
    });

    it('words a rollout in progress as kubectl rollout status does', () => {
      assert.deepStrictEqual(healthOf(deployment({ replicas: 3, updatedReplicas: 1, availableReplicas: 2 })), {
        status: 'Progressing',
        message: 'Waiting for rollout to finish: 1 out of 3 new replicas have been updated...',
      });
      assert.deepStrictEqual(healthOf(deployment({ replicas: 4, updatedReplicas: 3, availableReplicas: 3 })), {
        status: 'Progressing',
        message: 'Waiting for rollout to finish: 1 old replicas are pending termination...',
      });
      assert.deepStrictEqual(healthOf(deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 2 })), {
        status: 'Progressing',
        message: 'Waiting for rollout to finish: 2 of 3 updated replicas are available...',
      });
    });

    it('is Degraded past its progress deadline and Suspended when paused', () => {
      const late = deployment({
        replicas: 3,
        updatedReplicas: 1,
        conditions: [
          {
            type: 'Progressing',
            status: 'False',
            reason: 'ProgressDeadlineExceeded',
            message: 'ReplicaSet "web-5d8f" has timed out progressing.',
          },
        ],
      });
      assert.deepStrictEqual(healthOf(late), {
        status: 'Degraded',
        message: 'ReplicaSet "web-5d8f" has timed out progressing.',
      });
      assert.strictEqual(
        healthOf(deployment({ replicas: 3, updatedReplicas: 1 }, { paused: true })).status,
        'Suspended',
      );
    });

    it('is Degraded when a pod of the current revision is crash-looping or cannot pull its image', () => {
      const d = deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 2 });
      const crashing = healthOf(d, {
        pods: [pod('web-aaa-1', { ready: true }), pod('web-aaa-2', { waiting: 'CrashLoopBackOff' })],
      });
      assert.strictEqual(crashing.status, 'Degraded');
      assert.match(crashing.message!, /pod web-aaa-2 web: CrashLoopBackOff/);
      assert.strictEqual(healthOf(d, { pods: [pod('web-aaa-1', { waiting: 'ImagePullBackOff' })] }).status, 'Degraded');
      assert.strictEqual(healthOf(d, { pods: [pod('web-aaa-1', { waiting: 'ErrImagePull' })] }).status, 'Degraded');
      // a container still being created is only progressing
      assert.strictEqual(
        healthOf(d, { pods: [pod('web-aaa-1', { waiting: 'ContainerCreating' })] }).status,
        'Progressing',
      );
    });

    it('ignores crashing pods of an older revision that a rollout is replacing', () => {
      const d = deployment({ replicas: 4, updatedReplicas: 3, availableReplicas: 3 });
      const pods = [
        pod('web-old-1', { hash: 'old', created: '2025-01-01T00:00:00Z', waiting: 'CrashLoopBackOff' }),
        pod('web-new-1', { hash: 'new', created: '2025-01-01T00:05:00Z', ready: true }),
        pod('web-new-2', { hash: 'new', created: '2025-01-01T00:05:02Z', ready: true }),
      ];
      assert.strictEqual(healthOf(d, { pods }).status, 'Progressing');
    });

    it('ignores pods of other workloads in the list', () => {
      const d = deployment({ replicas: 3, updatedReplicas: 3, availableReplicas: 3 });
      const other = pod('db-1', {
        labels: { app: 'db', 'pod-template-hash': 'zzz' },
        created: '2025-02-01T00:00:00Z',
        waiting: 'CrashLoopBackOff',
      });
      const elsewhere = pod('web-1', { ns: 'other', created: '2025-02-01T00:00:00Z', waiting: 'CrashLoopBackOff' });
      assert.strictEqual(
        healthOf(d, { pods: [other, elsewhere, pod('web-aaa-1', { ready: true })] }).status,
        'Healthy',
      );
    });
  });

  describe('ReplicaSet, StatefulSet, DaemonSet', () => {
    it('ReplicaSet: available replicas, ReplicaFailure, and its own pods', () => {
      const rs = {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: { name: 'web-aaa', namespace: 'shop', uid: 'rs-1', generation: 1 },
        spec: { replicas: 2, selector: { matchLabels: { app: 'web' } } },
        status: { observedGeneration: 1, replicas: 2, availableReplicas: 1 },
      };
      assert.deepStrictEqual(healthOf(rs), {
        status: 'Progressing',
        message: 'Waiting for rollout to finish: 1 out of 2 new replicas are available...',
      });
      assert.strictEqual(healthOf({ ...rs, status: { ...rs.status, availableReplicas: 2 } }).status, 'Healthy');
      const failing = {
        ...rs,
        status: {
          ...rs.status,
          conditions: [
            {
              type: 'ReplicaFailure',
              status: 'True',
              reason: 'FailedCreate',
              message: 'pods "web-aaa-x" is forbidden: exceeded quota',
            },
          ],
        },
      };
      assert.deepStrictEqual(healthOf(failing), {
        status: 'Degraded',
        message: 'pods "web-aaa-x" is forbidden: exceeded quota',
      });
      // a crash-looping pod controlled by another ReplicaSet with the same labels is not ours
      assert.strictEqual(
        healthOf(rs, { pods: [pod('web-bbb-1', { waiting: 'CrashLoopBackOff', owner: 'rs-2' })] }).status,
        'Progressing',
      );
      assert.strictEqual(
        healthOf(rs, { pods: [pod('web-aaa-1', { waiting: 'CrashLoopBackOff', owner: 'rs-1' })] }).status,
        'Degraded',
      );
    });

    it('StatefulSet: ready replicas, partitions and revisions', () => {
      const sts = (status: any, strategy: any = { type: 'RollingUpdate' }) => ({
        apiVersion: 'apps/v1',
        kind: 'StatefulSet',
        metadata: { name: 'db', namespace: 'shop', uid: 's-1', generation: 1 },
        spec: { replicas: 3, selector: { matchLabels: { app: 'db' } }, updateStrategy: strategy },
        status: { observedGeneration: 1, ...status },
      });
      assert.deepStrictEqual(healthOf(sts({ readyReplicas: 1 })), {
        status: 'Progressing',
        message: 'Waiting for 2 pods to be ready...',
      });
      assert.strictEqual(
        healthOf(sts({ readyReplicas: 3, currentRevision: 'db-1', updateRevision: 'db-2', updatedReplicas: 1 })).status,
        'Progressing',
      );
      assert.strictEqual(
        healthOf(sts({ readyReplicas: 3, currentRevision: 'db-2', updateRevision: 'db-2', currentReplicas: 3 })).status,
        'Healthy',
      );
      const partitioned = { type: 'RollingUpdate', rollingUpdate: { partition: 2 } };
      assert.strictEqual(
        healthOf(
          sts({ readyReplicas: 3, updatedReplicas: 0, currentRevision: 'db-1', updateRevision: 'db-2' }, partitioned),
        ).status,
        'Progressing',
      );
      assert.strictEqual(
        healthOf(
          sts({ readyReplicas: 3, updatedReplicas: 1, currentRevision: 'db-1', updateRevision: 'db-2' }, partitioned),
        ).status,
        'Healthy',
      );
      assert.strictEqual(healthOf(sts({ observedGeneration: 0 })).status, 'Progressing');
      const stuck = pod('db-0', {
        labels: { app: 'db', 'controller-revision-hash': 'db-2' },
        waiting: 'ImagePullBackOff',
      });
      assert.strictEqual(
        healthOf(sts({ readyReplicas: 2, updateRevision: 'db-2' }), { pods: [stuck] }).status,
        'Degraded',
      );
      // a pod of the revision being replaced does not count
      const old = pod('db-2', {
        labels: { app: 'db', 'controller-revision-hash': 'db-1' },
        waiting: 'ImagePullBackOff',
      });
      assert.strictEqual(
        healthOf(sts({ readyReplicas: 2, updateRevision: 'db-2' }), { pods: [old] }).status,
        'Progressing',
      );
    });

    it('DaemonSet: updated and available pods per node', () => {
      const ds = (status: any) => ({
        apiVersion: 'apps/v1',
        kind: 'DaemonSet',
        metadata: { name: 'agent', namespace: 'kube-system', generation: 1 },
        spec: { selector: { matchLabels: { app: 'agent' } } },
        status: { observedGeneration: 1, ...status },
      });
      assert.deepStrictEqual(
        healthOf(ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 2, numberAvailable: 3 })),
        {
          status: 'Progressing',
          message: 'Waiting for rollout to finish: 2 out of 3 new pods have been updated...',
        },
      );
      assert.strictEqual(
        healthOf(ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 2 })).status,
        'Progressing',
      );
      assert.strictEqual(
        healthOf(ds({ desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 })).status,
        'Healthy',
      );
    });
  });

  describe('Pod', () => {
    it('follows phase, stuck containers and readiness', () => {
      assert.strictEqual(healthOf(pod('p', { ready: true })).status, 'Healthy');
      assert.strictEqual(healthOf(pod('p', { ready: false })).status, 'Progressing');
      assert.strictEqual(healthOf(pod('p', { waiting: 'CrashLoopBackOff' })).status, 'Degraded');
      assert.strictEqual(healthOf(pod('p', { phase: 'Pending', waiting: 'ErrImagePull' })).status, 'Degraded');
      assert.strictEqual(healthOf(pod('p', { phase: 'Pending', waiting: 'ImagePullBackOff' })).status, 'Degraded');
      assert.strictEqual(healthOf(pod('p', { phase: 'Succeeded', restartPolicy: 'Never' })).status, 'Healthy');
      // a pod that is meant to finish has not done its work while running
      assert.strictEqual(healthOf(pod('p', { ready: true, restartPolicy: 'OnFailure' })).status, 'Progressing');
    });

    it('explains a pending pod and a failed one', () => {
      const pending = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'big' },
        spec: {},
        status: {
          phase: 'Pending',
          conditions: [
            {
              type: 'PodScheduled',
              status: 'False',
              reason: 'Unschedulable',
              message: '0/3 nodes are available: 3 Insufficient cpu.',
            },
          ],
        },
      };
      assert.deepStrictEqual(healthOf(pending), {
        status: 'Progressing',
        message: '0/3 nodes are available: 3 Insufficient cpu.',
      });
      const failed = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: 'once' },
        spec: { restartPolicy: 'Never' },
        status: {
          phase: 'Failed',
          containerStatuses: [{ name: 'main', state: { terminated: { exitCode: 2, reason: 'Error' } } }],
        },
      };
      assert.deepStrictEqual(healthOf(failed), { status: 'Degraded', message: 'main exited with code 2 (Error)' });
    });
  });

  describe('Job and CronJob', () => {
    const job = (status: any, spec: any = {}) => ({
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: { name: 'migrate' },
      spec,
      status,
    });
    it('Job: Complete, Failed, suspended, running', () => {
      assert.strictEqual(
        healthOf(job({ succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] })).status,
        'Healthy',
      );
      assert.deepStrictEqual(
        healthOf(
          job({
            failed: 7,
            conditions: [
              {
                type: 'Failed',
                status: 'True',
                reason: 'BackoffLimitExceeded',
                message: 'Job has reached the specified backoff limit',
              },
            ],
          }),
        ),
        {
          status: 'Degraded',
          message: 'Job has reached the specified backoff limit',
        },
      );
      assert.strictEqual(
        healthOf(job({ conditions: [{ type: 'Suspended', status: 'True' }] }, { suspend: true })).status,
        'Suspended',
      );
      assert.deepStrictEqual(healthOf(job({ active: 1 })), {
        status: 'Progressing',
        message: 'Job is running: 1 active, 0 succeeded, 0 failed',
      });
    });

    it('CronJob: suspended, last run failed, otherwise Healthy', () => {
      const cj = (status: any, spec: any = {}) => ({
        apiVersion: 'batch/v1',
        kind: 'CronJob',
        metadata: { name: 'report' },
        spec: { schedule: '*/5 * * * *', ...spec },
        status,
      });
      assert.strictEqual(healthOf(cj({}, { suspend: true })).status, 'Suspended');
      assert.strictEqual(healthOf(cj({})).status, 'Healthy');
      assert.strictEqual(
        healthOf(cj({ lastScheduleTime: '2025-01-01T00:05:00Z', lastSuccessfulTime: '2025-01-01T00:05:09Z' })).status,
        'Healthy',
      );
      assert.strictEqual(
        healthOf(
          cj({
            lastScheduleTime: '2025-01-01T00:10:00Z',
            active: [{ name: 'report-1' }],
            lastSuccessfulTime: '2025-01-01T00:05:09Z',
          }),
        ).status,
        'Healthy',
      );
      const failed = healthOf(
        cj({ lastScheduleTime: '2025-01-01T00:10:00Z', lastSuccessfulTime: '2025-01-01T00:05:09Z' }),
      );
      assert.strictEqual(failed.status, 'Degraded');
      assert.match(failed.message!, /2025-01-01T00:10:00Z/);
      assert.strictEqual(healthOf(cj({ lastScheduleTime: '2025-01-01T00:10:00Z' })).status, 'Degraded');
    });
  });

  describe('PersistentVolumeClaim, Service, Ingress, CustomResourceDefinition', () => {
    it('PersistentVolumeClaim follows its phase', () => {
      const pvc = (phase: string) => ({
        apiVersion: 'v1',
        kind: 'PersistentVolumeClaim',
        metadata: { name: 'data' },
        spec: { volumeName: 'pvc-1' },
        status: { phase },
      });
      assert.deepStrictEqual(healthOf(pvc('Bound')), { status: 'Healthy', message: 'Bound to pvc-1' });
      assert.strictEqual(healthOf(pvc('Pending')).status, 'Progressing');
      assert.strictEqual(healthOf(pvc('Lost')).status, 'Degraded');
    });

    it('Service waits only for a load balancer address', () => {
      const svc = (type: string, status: any = { loadBalancer: {} }) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 's' },
        spec: { type },
        status,
      });
      assert.strictEqual(healthOf(svc('ClusterIP')).status, 'Healthy');
      assert.strictEqual(healthOf(svc('NodePort')).status, 'Healthy');
      assert.strictEqual(healthOf(svc('LoadBalancer')).status, 'Progressing');
      assert.strictEqual(
        healthOf(svc('LoadBalancer', { loadBalancer: { ingress: [{ ip: '203.0.113.7' }] } })).status,
        'Healthy',
      );
    });

    it('Ingress is Healthy once it exists', () => {
      assert.strictEqual(
        healthOf({
          apiVersion: 'networking.k8s.io/v1',
          kind: 'Ingress',
          metadata: { name: 'i' },
          status: { loadBalancer: {} },
        }).status,
        'Healthy',
      );
    });

    it('CustomResourceDefinition: Established, NamesAccepted=False, otherwise Progressing', () => {
      const crd = (conditions: any[]) => ({
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: 'widgets.example.com' },
        status: { conditions },
      });
      assert.strictEqual(
        healthOf(
          crd([
            { type: 'NamesAccepted', status: 'True' },
            { type: 'Established', status: 'True' },
          ]),
        ).status,
        'Healthy',
      );
      assert.deepStrictEqual(
        healthOf(
          crd([
            {
              type: 'NamesAccepted',
              status: 'False',
              reason: 'ListKindConflict',
              message: '"WidgetList" is already in use',
            },
          ]),
        ),
        {
          status: 'Degraded',
          message: '"WidgetList" is already in use',
        },
      );
      assert.strictEqual(healthOf(crd([])).status, 'Progressing');
    });
  });

  describe('custom resources and kinds without a rule (kstatus)', () => {
    type Fields = Record<string, unknown>;
    const cr = (
      status: Fields | undefined,
      meta: Fields = {},
      apiVersion = 'example.com/v1',
      kind = 'Widget',
      spec: Fields = {},
    ) => ({
      apiVersion,
      kind,
      metadata: { name: 'w', generation: 3, ...meta },
      spec,
      ...(status === undefined ? {} : { status }),
    });
    const cond = (type: string, status: string, reason = '', message = '') => ({ type, status, reason, message });
    const of = (o: object) => healthOf(o).status;

    it('judges generation, Stalled, Reconciling and Ready; Healthy without a status', () => {
      assert.strictEqual(of(cr(undefined)), 'Healthy');
      assert.strictEqual(of(cr({ observedGeneration: 2 })), 'Progressing');
      assert.strictEqual(of(cr({ observedGeneration: 3 })), 'Healthy');
      assert.deepStrictEqual(healthOf(cr({ conditions: [cond('Stalled', 'True', 'Broken', 'cannot apply')] })), {
        status: 'Degraded',
        message: 'cannot apply',
      });
      assert.strictEqual(of(cr({ conditions: [cond('Reconciling', 'True')] })), 'Progressing');
      assert.strictEqual(of(cr({ conditions: [cond('Ready', 'Unknown')] })), 'Progressing');
      assert.strictEqual(of(cr({ conditions: [cond('Ready', 'False', 'Progressing')] })), 'Progressing');
      assert.strictEqual(of(cr({ conditions: [cond('Ready', 'False', 'DependencyNotReady')] })), 'Progressing');
      assert.strictEqual(of(cr({ conditions: [cond('Ready', 'False', 'BuildFailed')] })), 'Degraded');
      assert.strictEqual(of(cr({ conditions: [cond('Ready', 'True')] })), 'Healthy');
      assert.strictEqual(of(cr({}, { deletionTimestamp: '2026-01-01T00:00:00Z' })), 'Progressing');
    });

    it('Argo Rollout: observed spec, phase, conditions, pause and replicas', () => {
      const rollout = (status: Fields | undefined, spec: Fields = {}) =>
        cr(status, {}, 'argoproj.io/v1alpha1', 'Rollout', { replicas: 2, strategy: { canary: {} }, ...spec });
      // no controller has reported: not Healthy (it was, with 0 pods)
      assert.strictEqual(of(rollout(undefined)), 'Progressing');
      assert.strictEqual(of(rollout({ observedGeneration: '2' })), 'Progressing');
      assert.deepStrictEqual(healthOf(rollout({ observedGeneration: '3', phase: 'Degraded', message: 'aborted' })), {
        status: 'Degraded',
        message: 'aborted',
      });
      assert.strictEqual(of(rollout({ observedGeneration: '3', phase: 'Paused' })), 'Suspended');
      assert.strictEqual(of(rollout({ observedGeneration: '3', phase: 'Healthy' })), 'Healthy');
      const counts = { observedGeneration: '3', replicas: 2, updatedReplicas: 2, availableReplicas: 2 };
      assert.strictEqual(
        of(rollout({ ...counts, conditions: [cond('Progressing', 'False', 'ProgressDeadlineExceeded')] })),
        'Degraded',
      );
      assert.strictEqual(of(rollout({ ...counts, conditions: [cond('InvalidSpec', 'True')] })), 'Degraded');
      assert.strictEqual(of(rollout({ ...counts, pauseConditions: [{ reason: 'CanaryPauseStep' }] })), 'Suspended');
      assert.strictEqual(of(rollout({ ...counts, updatedReplicas: 1 })), 'Progressing');
      assert.strictEqual(of(rollout({ ...counts, replicas: 3 })), 'Progressing');
      // blue-green does not wait for old replicas to scale down
      assert.strictEqual(of(rollout({ ...counts, replicas: 3 }, { strategy: { blueGreen: {} } })), 'Healthy');
      assert.strictEqual(of(rollout({ ...counts, availableReplicas: 1 })), 'Progressing');
      assert.strictEqual(of(rollout(counts)), 'Healthy');
    });

    it('cert-manager Certificate: Issuing, Ready, failed', () => {
      const cert = (conditions: Fields[]) => cr({ conditions }, {}, 'cert-manager.io/v1', 'Certificate');
      assert.strictEqual(of(cert([])), 'Progressing');
      assert.strictEqual(of(cert([cond('Ready', 'False', 'DoesNotExist'), cond('Issuing', 'True')])), 'Progressing');
      assert.strictEqual(of(cert([cond('Ready', 'False', 'Failed', 'ACME order failed')])), 'Degraded');
      assert.strictEqual(of(cert([cond('Ready', 'True')])), 'Healthy');
    });

    it('Flux Kustomization and HelmRelease: suspended, not yet reconciled, kstatus conditions', () => {
      for (const [apiVersion, kind] of [
        ['kustomize.toolkit.fluxcd.io/v1', 'Kustomization'],
        ['helm.toolkit.fluxcd.io/v2', 'HelmRelease'],
      ]) {
        const flux = (status: Fields | undefined, spec: Fields = {}) => cr(status, {}, apiVersion, kind, spec);
        assert.strictEqual(of(flux(undefined)), 'Progressing', kind);
        assert.strictEqual(of(flux({ observedGeneration: 3 }, { suspend: true })), 'Suspended', kind);
        const ready = (status: string, reason: string) =>
          flux({ observedGeneration: 3, conditions: [cond('Ready', status, reason)] });
        assert.strictEqual(of(ready('True', 'ReconciliationSucceeded')), 'Healthy', kind);
        assert.strictEqual(of(ready('False', 'Progressing')), 'Progressing', kind);
        assert.strictEqual(of(ready('False', 'UpgradeFailed')), 'Degraded', kind);
      }
    });

    it('HorizontalPodAutoscaler: cannot scale its target is Degraded; no metrics is not', () => {
      const hpa = (conditions: Fields[], observedGeneration = 3) =>
        cr(
          { observedGeneration, conditions, currentReplicas: 2, desiredReplicas: 2 },
          {},
          'autoscaling/v2',
          'HorizontalPodAutoscaler',
        );
      assert.strictEqual(of(hpa([], 2)), 'Progressing');
      assert.strictEqual(of(hpa([])), 'Progressing');
      assert.strictEqual(of(hpa([cond('AbleToScale', 'False', 'FailedGetScale', 'no such deployment')])), 'Degraded');
      const noMetrics = healthOf(
        hpa([
          cond('AbleToScale', 'True', 'ReadyForNewScale'),
          cond('ScalingActive', 'False', 'FailedGetResourceMetric', 'no metrics'),
        ]),
      );
      assert.deepStrictEqual(noMetrics, { status: 'Healthy', message: '2 current, 2 desired replicas; no metrics' });
    });

    it('PodDisruptionBudget: computed, enough healthy pods', () => {
      const pdb = (status: Fields) => cr({ observedGeneration: 3, ...status }, {}, 'policy/v1', 'PodDisruptionBudget');
      const allowed = (s: string, reason: string) => [cond('DisruptionAllowed', s, reason)];
      assert.strictEqual(of(pdb({})), 'Progressing');
      assert.strictEqual(of(pdb({ conditions: allowed('False', 'SyncFailed') })), 'Degraded');
      assert.strictEqual(
        of(pdb({ currentHealthy: 0, desiredHealthy: 1, conditions: allowed('False', 'InsufficientPods') })),
        'Progressing',
      );
      assert.deepStrictEqual(
        healthOf(pdb({ currentHealthy: 1, desiredHealthy: 1, conditions: allowed('False', 'InsufficientPods') })),
        { status: 'Healthy', message: '1 of 1 required pods healthy, 0 disruptions allowed' },
      );
    });
  });
});
