import * as assert from 'assert';
import { applyStrategicMergePatch, PatchError } from '../../kube/patch';
import { allKeys, deploymentSchema, serviceSchema } from '../helpers/patchFixtures';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

function liveDeployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: {
      name: 'web',
      namespace: 'default',
      resourceVersion: '12',
      labels: { app: 'web', tier: 'frontend' },
      annotations: { [LAST_APPLIED]: '{"old":true}\n', 'deployment.kubernetes.io/revision': '1' },
      finalizers: ['example.com/keep'],
    },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'a',
              image: 'busybox:1',
              args: ['sleep', '1000'],
              env: [
                { name: 'X', value: '1' },
                { name: 'Y', value: '2' },
              ],
              imagePullPolicy: 'IfNotPresent',
            },
            { name: 'b', image: 'nginx:1.27', ports: [{ containerPort: 80, protocol: 'TCP' }] },
          ],
          restartPolicy: 'Always',
        },
      },
    },
  };
}

// What kubectl 1.32 `apply` sent for the manifest change (notes §5).
const kubectlApplyPatch = {
  metadata: { annotations: { [LAST_APPLIED]: '{"new":true}\n' }, labels: { tier: null } },
  spec: {
    strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' },
    template: {
      spec: {
        '$setElementOrder/containers': [{ name: 'a' }],
        containers: [
          {
            '$setElementOrder/env': [{ name: 'Y' }],
            args: ['sleep', '2000'],
            env: [{ $patch: 'delete', name: 'X' }],
            image: 'busybox:2',
            name: 'a',
          },
          { $patch: 'delete', name: 'b' },
        ],
      },
    },
  },
};

describe('strategic merge patch', () => {
  it("applies kubectl apply's patch to a Deployment", () => {
    const live = liveDeployment();
    const before = JSON.stringify(live);
    const out: any = applyStrategicMergePatch(live, kubectlApplyPatch, deploymentSchema);

    assert.deepStrictEqual(out.metadata.labels, { app: 'web' });
    assert.deepStrictEqual(out.metadata.annotations, {
      [LAST_APPLIED]: '{"new":true}\n',
      'deployment.kubernetes.io/revision': '1',
    });
    assert.deepStrictEqual(out.spec.strategy, { type: 'Recreate' });
    assert.deepStrictEqual(out.spec.template.spec.containers, [
      {
        name: 'a',
        image: 'busybox:2',
        args: ['sleep', '2000'],
        env: [{ name: 'Y', value: '2' }],
        imagePullPolicy: 'IfNotPresent',
      },
    ]);
    // untouched fields survive
    assert.strictEqual(out.spec.replicas, 2);
    assert.strictEqual(out.spec.template.spec.restartPolicy, 'Always');
    assert.deepStrictEqual(out.metadata.finalizers, ['example.com/keep']);
    assert.deepStrictEqual(
      allKeys(out).filter((k) => k.startsWith('$')),
      [],
    );
    assert.strictEqual(JSON.stringify(live), before, 'the live object must not be modified');
  });

  it('keeps the original order, appends new items, and follows $setElementOrder', () => {
    const addC = { spec: { template: { spec: { containers: [{ name: 'c', image: 'redis' }] } } } };
    const appended: any = applyStrategicMergePatch(liveDeployment(), addC, deploymentSchema);
    assert.deepStrictEqual(
      appended.spec.template.spec.containers.map((c: any) => c.name),
      ['a', 'b', 'c'],
    );

    const changeB = { spec: { template: { spec: { containers: [{ name: 'b', image: 'nginx:1.28' }] } } } };
    const inPlace: any = applyStrategicMergePatch(liveDeployment(), changeB, deploymentSchema);
    assert.deepStrictEqual(
      inPlace.spec.template.spec.containers.map((c: any) => `${c.name}=${c.image}`),
      ['a=busybox:1', 'b=nginx:1.28'],
    );
    assert.deepStrictEqual(inPlace.spec.template.spec.containers[1].ports, [{ containerPort: 80, protocol: 'TCP' }]);

    const ordered = {
      spec: {
        template: {
          spec: {
            '$setElementOrder/containers': [{ name: 'c' }, { name: 'b' }, { name: 'a' }],
            containers: [{ name: 'c', image: 'redis' }],
          },
        },
      },
    };
    const reordered: any = applyStrategicMergePatch(liveDeployment(), ordered, deploymentSchema);
    assert.deepStrictEqual(
      reordered.spec.template.spec.containers.map((c: any) => c.name),
      ['c', 'b', 'a'],
    );
  });

  it('merges env by name and container ports by containerPort', () => {
    const patch = {
      spec: {
        template: {
          spec: {
            containers: [
              {
                name: 'a',
                env: [
                  { name: 'Y', value: 'changed' },
                  { name: 'Z', value: '3' },
                ],
              },
              { name: 'b', ports: [{ containerPort: 443, protocol: 'TCP' }] },
            ],
          },
        },
      },
    };
    const out: any = applyStrategicMergePatch(liveDeployment(), patch, deploymentSchema);
    const [a, b] = out.spec.template.spec.containers;
    assert.deepStrictEqual(a.env, [
      { name: 'X', value: '1' },
      { name: 'Y', value: 'changed' },
      { name: 'Z', value: '3' },
    ]);
    assert.deepStrictEqual(
      b.ports.map((p: any) => p.containerPort),
      [80, 443],
    );
  });

  it('replaces lists that have no merge strategy', () => {
    const patch = { spec: { template: { spec: { containers: [{ name: 'a', args: ['echo'] }] } } } };
    const out: any = applyStrategicMergePatch(liveDeployment(), patch, deploymentSchema);
    assert.deepStrictEqual(out.spec.template.spec.containers[0].args, ['echo']);
  });

  it('unions finalizers and removes them with $deleteFromPrimitiveList', () => {
    const added: any = applyStrategicMergePatch(
      liveDeployment(),
      { metadata: { finalizers: ['example.com/other', 'example.com/keep'] } },
      deploymentSchema,
    );
    assert.deepStrictEqual(added.metadata.finalizers, ['example.com/keep', 'example.com/other']);
    const removed: any = applyStrategicMergePatch(
      added,
      { metadata: { '$deleteFromPrimitiveList/finalizers': ['example.com/keep'] } },
      deploymentSchema,
    );
    assert.deepStrictEqual(removed.metadata.finalizers, ['example.com/other']);
  });

  it('honours $patch: replace on a map and on a list', () => {
    const labels: any = applyStrategicMergePatch(
      liveDeployment(),
      { metadata: { labels: { $patch: 'replace', only: 'this' } } },
      deploymentSchema,
    );
    assert.deepStrictEqual(labels.metadata.labels, { only: 'this' });

    const containers: any = applyStrategicMergePatch(
      liveDeployment(),
      { spec: { template: { spec: { containers: [{ name: 'z', image: 'alpine' }, { $patch: 'replace' }] } } } },
      deploymentSchema,
    );
    assert.deepStrictEqual(containers.spec.template.spec.containers, [{ name: 'z', image: 'alpine' }]);
  });

  it('switches a volume source with $retainKeys', () => {
    const live = liveDeployment();
    live.spec.template.spec.volumes = [
      { name: 'data', emptyDir: {} },
      { name: 'cache', emptyDir: { medium: 'Memory' } },
    ];
    const patch = {
      spec: {
        template: {
          spec: {
            volumes: [
              { $retainKeys: ['configMap', 'name'], name: 'data', configMap: { name: 'settings' }, emptyDir: null },
            ],
          },
        },
      },
    };
    const out: any = applyStrategicMergePatch(live, patch, deploymentSchema);
    assert.deepStrictEqual(out.spec.template.spec.volumes, [
      { name: 'data', configMap: { name: 'settings' } },
      { name: 'cache', emptyDir: { medium: 'Memory' } },
    ]);
  });

  it('rejects a patch whose content contradicts its $retainKeys', () => {
    const patch = {
      spec: { strategy: { $retainKeys: ['type'], type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } },
    };
    assert.throws(
      () => applyStrategicMergePatch(liveDeployment(), patch, deploymentSchema),
      (e: unknown) => e instanceof PatchError && /rollingUpdate/.test(e.message),
    );
  });

  it('handles the rollout restart, pause and resume patches', () => {
    const restarted: any = applyStrategicMergePatch(
      liveDeployment(),
      {
        spec: {
          template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' } } },
        },
      },
      deploymentSchema,
    );
    assert.deepStrictEqual(restarted.spec.template.metadata, {
      labels: { app: 'web' },
      annotations: { 'kubectl.kubernetes.io/restartedAt': '2026-01-01T00:00:00Z' },
    });
    const paused: any = applyStrategicMergePatch(liveDeployment(), { spec: { paused: true } }, deploymentSchema);
    assert.strictEqual(paused.spec.paused, true);
    const resumed: any = applyStrategicMergePatch(paused, { spec: { paused: null } }, deploymentSchema);
    assert.ok(!('paused' in resumed.spec));
  });

  it('merges Service ports by port', () => {
    const svc = {
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 8080, protocol: 'TCP' }] },
    };
    const out: any = applyStrategicMergePatch(
      svc,
      {
        spec: {
          ports: [
            { port: 80, targetPort: 9090 },
            { name: 'https', port: 443 },
          ],
        },
      },
      serviceSchema,
    );
    assert.deepStrictEqual(out.spec.ports, [
      { name: 'http', port: 80, targetPort: 9090, protocol: 'TCP' },
      { name: 'https', port: 443 },
    ]);
  });

  it('behaves as a JSON merge patch without a schema, still resolving directives', () => {
    const cr = { spec: { items: [{ name: 'a' }, { name: 'b' }], size: 3, tags: { x: '1' } } };
    const out: any = applyStrategicMergePatch(
      cr,
      { spec: { items: [{ name: 'c' }], size: null, tags: { $patch: 'replace', y: '2' } } },
      undefined,
    );
    assert.deepStrictEqual(out, { spec: { items: [{ name: 'c' }], tags: { y: '2' } } });
  });

  it('rejects malformed directives with a 400', () => {
    const noKey = { spec: { template: { spec: { containers: [{ $patch: 'delete' }] } } } };
    assert.throws(
      () => applyStrategicMergePatch(liveDeployment(), noKey, deploymentSchema),
      (e: unknown) => e instanceof PatchError && e.status === 400,
    );
    assert.throws(
      () => applyStrategicMergePatch(liveDeployment(), { spec: { $patch: 'explode' } }, deploymentSchema),
      (e: unknown) => e instanceof PatchError && e.status === 400,
    );
    assert.throws(() => applyStrategicMergePatch(liveDeployment(), [] as unknown, deploymentSchema), PatchError);
  });
});
