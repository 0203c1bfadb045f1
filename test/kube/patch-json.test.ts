import * as assert from 'assert';
import { applyJsonPatch, PatchError } from '../../kube/patch';

function deployment(annotations?: Record<string, string>): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) },
    spec: {
      replicas: 3,
      template: {
        metadata: {
          labels: { app: 'web' },
          annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-02T00:00:00Z' },
        },
        spec: { containers: [{ name: 'web', image: 'nginx:1.28' }] },
      },
    },
  };
}

// `kubectl rollout undo`: the revision's pod template and the Deployment's annotations, replaced.
const undo = [
  {
    op: 'replace',
    path: '/spec/template',
    value: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
  { op: 'replace', path: '/metadata/annotations', value: { 'deployment.kubernetes.io/revision': '1' } },
];

describe('JSON patch', () => {
  it('applies the rollout undo replace operations', () => {
    const live = deployment({ 'deployment.kubernetes.io/revision': '2' });
    const out: any = applyJsonPatch(live, undo);
    assert.deepStrictEqual(out.spec.template, undo[0].value);
    assert.deepStrictEqual(out.metadata.annotations, { 'deployment.kubernetes.io/revision': '1' });
    assert.strictEqual(out.spec.replicas, 3);
    assert.strictEqual(live.spec.template.spec.containers[0].image, 'nginx:1.28', 'the input is not modified');
    assert.notStrictEqual(out.spec.template, undo[0].value, 'the result does not share the request body');
  });

  it('fails a replace of a path that does not exist, naming the path', () => {
    assert.throws(
      () => applyJsonPatch(deployment(), undo),
      (e: unknown) =>
        e instanceof PatchError &&
        e.status === 422 &&
        e.message.includes('"/metadata/annotations"') &&
        e.message.includes('does not exist'),
    );
  });

  it('fails remove and replace past the end of a list', () => {
    assert.throws(
      () => applyJsonPatch(deployment(), [{ op: 'remove', path: '/spec/template/spec/containers/1' }]),
      /containers\/1" does not exist/,
    );
    assert.throws(
      () => applyJsonPatch(deployment(), [{ op: 'replace', path: '/spec/template/spec/containers/01', value: {} }]),
      PatchError,
    );
  });

  it('honours test: a failed test rejects the whole patch', () => {
    const live = deployment();
    const guarded = [
      { op: 'test', path: '/spec/replicas', value: 3 },
      { op: 'replace', path: '/spec/replicas', value: 5 },
    ];
    assert.strictEqual((applyJsonPatch(live, guarded) as any).spec.replicas, 5);
    const stale = [
      { op: 'replace', path: '/spec/replicas', value: 5 },
      { op: 'test', path: '/spec/replicas', value: 3 },
    ];
    assert.throws(
      () => applyJsonPatch(live, stale),
      (e: unknown) => e instanceof PatchError && e.message.includes('"/spec/replicas"'),
    );
    assert.strictEqual(live.spec.replicas, 3);
  });

  it('supports add (including "-"), remove, move and copy', () => {
    const out: any = applyJsonPatch(deployment(), [
      { op: 'add', path: '/spec/template/spec/containers/-', value: { name: 'sidecar', image: 'envoy' } },
      { op: 'add', path: '/metadata/labels', value: { 'app.kubernetes.io/name': 'web' } },
      { op: 'copy', from: '/metadata/labels', path: '/spec/template/metadata/labels' },
      { op: 'move', from: '/spec/template/metadata/annotations', path: '/metadata/annotations' },
      { op: 'remove', path: '/spec/replicas' },
    ]);
    assert.deepStrictEqual(
      out.spec.template.spec.containers.map((c: any) => c.name),
      ['web', 'sidecar'],
    );
    assert.deepStrictEqual(out.spec.template.metadata, { labels: { 'app.kubernetes.io/name': 'web' } });
    assert.deepStrictEqual(out.metadata.annotations, { 'kubectl.kubernetes.io/restartedAt': '2026-01-02T00:00:00Z' });
    assert.ok(!('replicas' in out.spec));
  });

  it('fails an add whose parent does not exist', () => {
    assert.throws(
      () => applyJsonPatch(deployment(), [{ op: 'add', path: '/status/replicas', value: 1 }]),
      /parent of path "\/status\/replicas" does not exist/,
    );
  });

  it('rejects malformed patches with a 400', () => {
    const bad = (ops: unknown): void => {
      assert.throws(
        () => applyJsonPatch(deployment(), ops),
        (e: unknown) => e instanceof PatchError && e.status === 400,
      );
    };
    bad({ op: 'add', path: '/x', value: 1 });
    bad([{ op: 'merge', path: '/spec' }]);
    bad([{ op: 'add', path: 'spec/replicas', value: 1 }]);
    bad([{ op: 'replace', path: '/spec/replicas' }]);
    bad([{ op: 'move', path: '/spec/replicas' }]);
  });
});
