import * as assert from 'assert';
import {
  PatchError,
  applyConflictStatus,
  formatApplyConflicts,
  serverSideApply,
  updateManagedFields,
} from '../../kube/patch';
import { deploymentSchema } from '../helpers/patchFixtures';

const T1 = '2026-03-01T10:00:00Z';
const T2 = '2026-03-01T11:00:00Z';
const T3 = '2026-03-01T12:00:00Z';

function manifest(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] }] },
      },
    },
  };
}

function apply(live: any, applied: any, manager = 'kubectl', now = T1, force = false) {
  return serverSideApply({ live, applied, manager, force, schema: deploymentSchema, apiVersion: 'apps/v1', now });
}

/** What the API server adds after apply returns: identity, defaults and status. */
function stored(obj: any): any {
  const out = structuredClone(obj);
  Object.assign(out.metadata, { uid: 'u-1', resourceVersion: '7', generation: 1, creationTimestamp: T1 });
  for (const c of out.spec.template.spec.containers) c.imagePullPolicy ??= 'IfNotPresent';
  out.spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  out.status = { replicas: out.spec.replicas ?? 1 };
  return out;
}

const entry = (obj: any, manager: string, operation = 'Apply'): any =>
  obj.metadata.managedFields?.find((e: any) => e.manager === manager && e.operation === operation);

describe('server-side apply', () => {
  it('creates an object and records the Apply entry kubectl shows', () => {
    const { object, conflicts } = apply(undefined, manifest());
    assert.deepStrictEqual(conflicts, []);
    const { managedFields, ...meta } = object.metadata as any;
    assert.deepStrictEqual({ ...object, metadata: meta }, manifest());
    assert.deepStrictEqual(managedFields, [
      {
        manager: 'kubectl',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:metadata': { 'f:labels': { 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { 'f:app': {} } },
              'f:spec': {
                'f:containers': {
                  'k:{"name":"web"}': {
                    '.': {},
                    'f:image': {},
                    'f:name': {},
                    'f:ports': {
                      'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} },
                    },
                  },
                },
              },
            },
          },
        },
      },
    ]);
    // the serialised order matters to anyone diffing kubectl output
    assert.deepStrictEqual(Object.keys(managedFields[0]), [
      'manager',
      'operation',
      'apiVersion',
      'time',
      'fieldsType',
      'fieldsV1',
    ]);
  });

  it('removes fields the manager stops applying, and keeps fields nobody applied', () => {
    const first = manifest();
    first.metadata.labels.tier = 'frontend';
    first.spec.template.spec.containers.push({ name: 'sidecar', image: 'envoy' });
    const live = stored(apply(undefined, first).object);

    const snapshot = structuredClone(live);
    const { object, conflicts } = apply(live, manifest(), 'kubectl', T2);
    assert.deepStrictEqual(conflicts, []);
    assert.deepStrictEqual(live, snapshot, 'the live object is not modified');
    const o: any = object;
    assert.deepStrictEqual(o.metadata.labels, { app: 'web' });
    assert.deepStrictEqual(
      o.spec.template.spec.containers.map((c: any) => c.name),
      ['web'],
    );
    // defaults, status and server metadata were never applied, so they stay
    assert.strictEqual(o.spec.template.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.strictEqual(o.spec.strategy.type, 'RollingUpdate');
    assert.deepStrictEqual(o.status, { replicas: 2 });
    assert.strictEqual(o.metadata.uid, 'u-1');
    const fields = JSON.stringify(entry(o, 'kubectl').fieldsV1);
    assert.ok(!fields.includes('tier') && !fields.includes('sidecar'), fields);
    assert.strictEqual(entry(o, 'kubectl').time, T2);

    const withoutReplicas = manifest();
    delete withoutReplicas.spec.replicas;
    const again: any = apply(o, withoutReplicas, 'kubectl', T3).object;
    assert.ok(!('replicas' in again.spec));
  });

  it('leaves a field alone once another writer has taken it over', () => {
    const live = stored(apply(undefined, manifest()).object);
    // an autoscaler changes replicas with an ordinary update
    const scaled = structuredClone(live);
    scaled.spec.replicas = 5;
    scaled.metadata.managedFields = updateManagedFields({
      old: live,
      updated: scaled,
      manager: 'hpa',
      operation: 'Update',
      apiVersion: 'apps/v1',
      now: T2,
      schema: deploymentSchema,
    });

    const withoutReplicas = manifest();
    delete withoutReplicas.spec.replicas;
    const { object, conflicts } = apply(scaled, withoutReplicas, 'kubectl', T3);
    assert.deepStrictEqual(conflicts, []);
    assert.strictEqual((object as any).spec.replicas, 5);
  });

  it('reports a conflict with another manager, and takes the field over when forced', () => {
    // created by client-side `kubectl apply`, then switched to --server-side with a new replica count
    const created = manifest();
    const live = stored(created);
    live.metadata.managedFields = updateManagedFields({
      old: undefined,
      updated: live,
      manager: 'kubectl-client-side-apply',
      operation: 'Update',
      apiVersion: 'apps/v1',
      now: T1,
      schema: deploymentSchema,
    });
    const desired = manifest();
    desired.spec.replicas = 3;

    const refused = apply(live, desired, 'kubectl', T2);
    assert.deepStrictEqual(
      refused.conflicts.map((c) => [c.manager, c.field]),
      [['kubectl-client-side-apply', '.spec.replicas']],
    );
    assert.deepStrictEqual(refused.object, live, 'a refused apply changes nothing');

    const status = formatApplyConflicts(refused.conflicts);
    assert.strictEqual(
      status.message,
      'Apply failed with 1 conflict: conflict with "kubectl-client-side-apply" using apps/v1: .spec.replicas',
    );
    assert.deepStrictEqual(status.causes, [
      {
        reason: 'FieldManagerConflict',
        message: 'conflict with "kubectl-client-side-apply" using apps/v1',
        field: '.spec.replicas',
      },
    ]);
    const full: any = applyConflictStatus(refused.conflicts);
    assert.strictEqual(full.code, 409);
    assert.strictEqual(full.reason, 'Conflict');

    const forced = apply(live, desired, 'kubectl', T2, true);
    assert.deepStrictEqual(forced.conflicts, []);
    const o: any = forced.object;
    assert.strictEqual(o.spec.replicas, 3);
    assert.ok('f:replicas' in entry(o, 'kubectl').fieldsV1['f:spec']);
    assert.ok(!('f:replicas' in entry(o, 'kubectl-client-side-apply', 'Update').fieldsV1['f:spec']));
    // the other fields the client-side apply set are still its own
    assert.ok('f:selector' in entry(o, 'kubectl-client-side-apply', 'Update').fieldsV1['f:spec']);
  });

  it('does not conflict when the applied value equals the live one', () => {
    const live = stored(manifest());
    live.metadata.managedFields = updateManagedFields({
      old: undefined,
      updated: live,
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'apps/v1',
      now: T1,
      schema: deploymentSchema,
    });
    const { object, conflicts } = apply(live, manifest(), 'kubectl', T2);
    assert.deepStrictEqual(conflicts, []);
    // both now own replicas
    assert.ok('f:replicas' in entry(object, 'kubectl').fieldsV1['f:spec']);
    assert.ok('f:replicas' in entry(object, 'kubectl-create', 'Update').fieldsV1['f:spec']);
  });

  it('lists several conflicts grouped by manager', () => {
    const live = stored(manifest());
    live.metadata.managedFields = updateManagedFields({
      old: undefined,
      updated: live,
      manager: 'kubectl-create',
      operation: 'Update',
      apiVersion: 'apps/v1',
      now: T1,
      schema: deploymentSchema,
    });
    const desired = manifest();
    desired.spec.replicas = 4;
    desired.spec.template.spec.containers[0].image = 'nginx:1.28';
    const { conflicts } = apply(live, desired, 'kubectl', T2);
    assert.strictEqual(
      formatApplyConflicts(conflicts).message,
      'Apply failed with 2 conflicts: conflicts with "kubectl-create" using apps/v1:\n- .spec.replicas\n- .spec.template.spec.containers[name="web"].image',
    );
  });

  it('lets two appliers own different containers of the same list', () => {
    const base = (container: any): any => {
      const m = manifest();
      delete m.spec.replicas;
      m.spec.template.spec.containers = [container];
      return m;
    };
    const one = apply(undefined, base({ name: 'web', image: 'nginx:1.27' }), 'team-web', T1).object;
    const two = apply(stored(one), base({ name: 'logs', image: 'fluent-bit:3' }), 'team-logs', T2);
    assert.deepStrictEqual(two.conflicts, []);
    assert.deepStrictEqual(
      (two.object as any).spec.template.spec.containers.map((c: any) => c.name),
      ['web', 'logs'],
    );

    // each re-apply touches only its own container
    const three: any = apply(two.object, base({ name: 'web', image: 'nginx:1.28' }), 'team-web', T3).object;
    assert.deepStrictEqual(
      three.spec.template.spec.containers.map((c: any) => `${c.name}=${c.image}`),
      ['web=nginx:1.28', 'logs=fluent-bit:3'],
    );
    const withoutLogs = base({ name: 'web', image: 'nginx:1.28' });
    withoutLogs.spec.template.spec.containers = [];
    const four: any = apply(three, withoutLogs, 'team-logs', T3).object;
    assert.deepStrictEqual(
      four.spec.template.spec.containers.map((c: any) => c.name),
      ['web'],
    );
    assert.ok(!JSON.stringify(entry(four, 'team-logs').fieldsV1).includes('f:containers'));
  });

  it('keeps naming a port whose protocol the server defaulted', () => {
    const m = manifest();
    m.spec.template.spec.containers[0].ports = [{ containerPort: 80 }];
    const live = stored(apply(undefined, m).object);
    live.spec.template.spec.containers[0].ports[0].protocol = 'TCP';
    const { object } = apply(live, m, 'kubectl', T2);
    assert.deepStrictEqual((object as any).spec.template.spec.containers[0].ports, [
      { containerPort: 80, protocol: 'TCP' },
    ]);
  });

  it('treats finalizers as a set', () => {
    const m = manifest();
    m.metadata.finalizers = ['example.com/a'];
    const live = stored(apply(undefined, m).object);
    const withB = structuredClone(live);
    withB.metadata.finalizers.push('example.com/b');
    withB.metadata.managedFields = updateManagedFields({
      old: live,
      updated: withB,
      manager: 'controller',
      operation: 'Update',
      apiVersion: 'apps/v1',
      now: T2,
      schema: deploymentSchema,
    });
    const { object } = apply(withB, manifest(), 'kubectl', T3);
    assert.deepStrictEqual((object as any).metadata.finalizers, ['example.com/b']);
  });

  it('keeps the entry time when a re-apply changes nothing', () => {
    const live = stored(apply(undefined, manifest()).object);
    const { object } = apply(live, manifest(), 'kubectl', T2);
    assert.strictEqual(entry(object, 'kubectl').time, T1);
  });

  it('refuses an applied configuration that carries managedFields', () => {
    const m = manifest();
    m.metadata.managedFields = [];
    assert.throws(
      () => apply(undefined, m),
      (e: unknown) => e instanceof PatchError && e.status === 400,
    );
  });

  it('refuses list items without their key', () => {
    const m = manifest();
    m.spec.template.spec.containers = [{ image: 'nginx' }];
    assert.throws(
      () => apply(undefined, m),
      (e: unknown) => e instanceof PatchError && /\.spec\.template\.spec\.containers/.test(e.message),
    );
  });
});
