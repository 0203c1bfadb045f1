import * as assert from 'assert';
import { FieldSet, formatManagedPath, updateManagedFields } from '../../kube/patch';
import { deploymentSchema } from '../helpers/patchFixtures';

const T1 = '2026-03-01T10:00:00Z';
const T2 = '2026-03-01T11:00:00Z';

function created(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      uid: 'u-1',
      resourceVersion: '5',
      generation: 1,
      creationTimestamp: T1,
      labels: { app: 'web' },
    },
    spec: {
      replicas: 1,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
    },
    status: { replicas: 1 },
  };
}

function update(old: any, updated: any, manager: string, now: string, subresource?: string): any {
  return updateManagedFields({
    old,
    updated,
    manager,
    operation: 'Update',
    apiVersion: 'apps/v1',
    now,
    schema: deploymentSchema,
    subresource,
  });
}

describe('managedFields for ordinary writes', () => {
  it('gives a created object one Update entry for its creator', () => {
    const obj = created();
    assert.deepStrictEqual(update(undefined, obj, 'kubectl-create', T1), [
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'apps/v1',
        time: T1,
        fieldsType: 'FieldsV1',
        fieldsV1: {
          // identity, server bookkeeping and status are not tracked
          'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
          'f:spec': {
            'f:replicas': {},
            'f:selector': {},
            'f:template': {
              'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } },
              'f:spec': { 'f:containers': { '.': {}, 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } },
            },
          },
        },
      },
    ]);
  });

  it('moves changed fields to the writer and drops removed ones from their owner', () => {
    const old = created();
    old.metadata.managedFields = update(undefined, old, 'kubectl-create', T1);
    const edited = structuredClone(old);
    edited.spec.template.spec.containers[0].image = 'nginx:1.28';
    delete edited.metadata.labels;
    const entries = update(old, edited, 'kubectl-edit', T2);

    assert.deepStrictEqual(
      entries.map((e: any) => [e.manager, e.time]),
      [
        ['kubectl-create', T1],
        ['kubectl-edit', T2],
      ],
    );
    assert.deepStrictEqual(entries[1].fieldsV1, {
      'f:spec': { 'f:template': { 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { 'f:image': {} } } } } },
    });
    const creator = FieldSet.fromFieldsV1(entries[0].fieldsV1);
    assert.ok(!creator.has(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']));
    assert.ok(creator.has(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"web"}', 'f:name']));
    assert.ok(!('f:metadata' in entries[0].fieldsV1), 'the removed labels belong to nobody');
  });

  it('records subresource writes separately', () => {
    const old = created();
    old.metadata.managedFields = update(undefined, old, 'kubectl-create', T1);
    const scaled = structuredClone(old);
    scaled.spec.replicas = 4;
    const entries = update(old, scaled, 'kubectl', T2, 'scale');
    assert.deepStrictEqual(entries[1], {
      manager: 'kubectl',
      operation: 'Update',
      apiVersion: 'apps/v1',
      time: T2,
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      subresource: 'scale',
    });
  });

  it('tracks status only for status writes', () => {
    const old = created();
    const reported = structuredClone(old);
    reported.status.readyReplicas = 1;
    assert.strictEqual(update(old, reported, 'controller', T2), undefined);
    assert.deepStrictEqual(update(old, reported, 'controller', T2, 'status')[0].fieldsV1, {
      'f:status': { 'f:readyReplicas': {} },
    });
  });

  it('leaves the entries alone when a write changes nothing', () => {
    const old = created();
    old.metadata.managedFields = update(undefined, old, 'kubectl-create', T1);
    assert.deepStrictEqual(update(old, structuredClone(old), 'kubectl-edit', T2), old.metadata.managedFields);
  });

  it('resets managedFields when the write sends an empty list', () => {
    const old = created();
    old.metadata.managedFields = update(undefined, old, 'kubectl-create', T1);
    const reset = structuredClone(old);
    reset.metadata.managedFields = [];
    reset.spec.replicas = 2;
    assert.deepStrictEqual(
      update(old, reset, 'kubectl-edit', T2).map((e: any) => e.manager),
      ['kubectl-edit'],
    );
  });

  it('formats paths the way conflict messages show them', () => {
    assert.strictEqual(
      formatManagedPath(['f:spec', 'f:template', 'f:spec', 'f:containers', 'k:{"name":"web"}', 'f:image']),
      '.spec.template.spec.containers[name="web"].image',
    );
    assert.strictEqual(
      formatManagedPath(['f:spec', 'f:ports', 'k:{"port":80,"protocol":"TCP"}']),
      '.spec.ports[port=80,protocol="TCP"]',
    );
    assert.strictEqual(
      formatManagedPath(['f:metadata', 'f:finalizers', 'v:"example.com/a"']),
      '.metadata.finalizers[="example.com/a"]',
    );
  });

  it('round-trips FieldsV1, keeping "." for nodes that are members themselves', () => {
    const raw = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:replicas': {} } };
    assert.deepStrictEqual(FieldSet.fromFieldsV1(raw).toFieldsV1(), raw);
  });
});
