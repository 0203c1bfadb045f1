// Desired against live: each normalization rule, ownership of dropped fields, Secret masking and the diff text.
import * as assert from 'assert';
import { fieldSchemaFor } from '../../kube/schemas';
import { serverSideApply } from '../../kube/patch/serverSideApply';
import { diffResource, isOutOfSync, maskSecret } from '../../syncer/diff';

const clone = <T>(v: T): T => JSON.parse(JSON.stringify(v));

function deployment(): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', labels: { app: 'web', team: 'a' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            {
              name: 'web',
              image: 'nginx:1.27',
              args: ['--port', '80'],
              ports: [{ containerPort: 80 }],
              env: [
                { name: 'MODE', value: 'prod' },
                { name: 'LEVEL', value: 'info' },
              ],
              resources: { requests: { cpu: '500m', memory: '1Gi' } },
            },
            { name: 'sidecar', image: 'busybox:1.36' },
          ],
        },
      },
    },
  };
}

/** What the API server makes of a manifest applied by `manager`: managedFields, server metadata, defaults, status. */
function appliedLive(desired: any, manager = 'slipway'): any {
  const live = serverSideApply({
    live: undefined,
    applied: clone(desired),
    manager,
    force: true,
    schema: fieldSchemaFor(desired.apiVersion, desired.kind),
    apiVersion: desired.apiVersion,
    now: '2025-01-01T00:00:00Z',
  }).object as any;
  Object.assign(live.metadata, {
    uid: '6b1c',
    resourceVersion: '42',
    generation: 1,
    creationTimestamp: '2025-01-01T00:00:00Z',
  });
  return live;
}

/** The defaults the API server adds to a Deployment, and the status its controller writes. */
function withDefaults(live: any): any {
  const spec = live.spec;
  spec.progressDeadlineSeconds = 600;
  spec.revisionHistoryLimit = 10;
  spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } };
  spec.template.spec.restartPolicy = 'Always';
  spec.template.spec.dnsPolicy = 'ClusterFirst';
  for (const c of spec.template.spec.containers) {
    c.imagePullPolicy = 'IfNotPresent';
    c.terminationMessagePath = '/dev/termination-log';
    for (const p of c.ports ?? []) p.protocol = 'TCP';
  }
  live.metadata.annotations = { ...live.metadata.annotations, 'deployment.kubernetes.io/revision': '1' };
  live.status = { observedGeneration: 1, replicas: 2, availableReplicas: 2 };
  return live;
}

describe('diff of desired and live', () => {
  describe('in sync', () => {
    it('ignores server-set metadata, status and API defaults', () => {
      const live = withDefaults(appliedLive(deployment()));
      Object.assign(live.metadata, {
        selfLink: '/apis/apps/v1/namespaces/shop/deployments/web',
        ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Owner', name: 'o', uid: 'u', controller: true }],
      });
      live.metadata.annotations['kubectl.kubernetes.io/last-applied-configuration'] = '{"kind":"Deployment"}';
      assert.strictEqual(isOutOfSync(deployment(), live), false);
      assert.deepStrictEqual(diffResource(deployment(), live), { changed: false, text: '' });
    });

    it('ignores server-set fields even when the manifest carries them', () => {
      const live = withDefaults(appliedLive(deployment()));
      const desired = deployment();
      Object.assign(desired.metadata, { creationTimestamp: null, resourceVersion: '1', uid: 'other' });
      desired.status = { replicas: 7 };
      assert.strictEqual(isOutOfSync(desired, live), false);
    });

    it('ignores fields other managers set', () => {
      const live = withDefaults(appliedLive(deployment()));
      live.metadata.annotations['example.com/owner'] = 'ops';
      live.spec.template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': '2025-01-01T00:00:00Z' };
      assert.strictEqual(isOutOfSync(deployment(), live), false);
    });

    it('matches keyed lists by merge key, whatever their order, with defaulted key fields', () => {
      const live = withDefaults(appliedLive(deployment()));
      const c = live.spec.template.spec.containers;
      live.spec.template.spec.containers = [c[1], c[0]];
      c[0].env.reverse();
      assert.strictEqual(isOutOfSync(deployment(), live), false);
      // a keyed item missing from live is a difference
      const desired = deployment();
      desired.spec.template.spec.containers[0].env.push({ name: 'DEBUG', value: '1' });
      assert.strictEqual(isOutOfSync(desired, live), true);
    });

    it('treats equal quantities as equal: "1000m" = "1" = 1, "1Gi" = "1024Mi"', () => {
      const live = withDefaults(appliedLive(deployment()));
      const desired = deployment();
      desired.spec.template.spec.containers[0].resources = {
        requests: { cpu: '1000m', memory: '1Gi' },
        limits: { cpu: 1 },
      };
      live.spec.template.spec.containers[0].resources = {
        requests: { cpu: '1', memory: '1024Mi' },
        limits: { cpu: '1' },
      };
      assert.strictEqual(isOutOfSync(desired, live), false);
      live.spec.template.spec.containers[0].resources.requests.cpu = '1500m';
      assert.strictEqual(isOutOfSync(desired, live), true);
    });

    it('treats "80" and 80 as the same int-or-string port', () => {
      const svc = {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'shop' },
        spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: '8080' }] },
      };
      const live = appliedLive(svc);
      live.spec.ports = [{ port: 80, targetPort: 8080, protocol: 'TCP', name: '' }];
      Object.assign(live.spec, {
        type: 'ClusterIP',
        clusterIP: '10.96.0.12',
        clusterIPs: ['10.96.0.12'],
        sessionAffinity: 'None',
      });
      assert.strictEqual(isOutOfSync(svc, live), false);
      live.spec.ports[0].targetPort = 'http';
      assert.strictEqual(isOutOfSync(svc, live), true);
    });

    it('treats zero values the API server omits as absent', () => {
      const live = withDefaults(appliedLive(deployment()));
      const desired = deployment();
      Object.assign(desired.spec.template.spec, { hostNetwork: false, securityContext: {}, initContainers: [] });
      desired.spec.template.spec.containers[1].resources = {};
      assert.strictEqual(isOutOfSync(desired, live), false);
      assert.strictEqual(diffResource(desired, live).changed, false);
    });
  });

  describe('out of sync', () => {
    it('compares scalar lists whole and in order', () => {
      const live = withDefaults(appliedLive(deployment()));
      live.spec.template.spec.containers[0].args = ['80', '--port'];
      assert.strictEqual(isOutOfSync(deployment(), live), true);
      live.spec.template.spec.containers[0].args = ['--port', '80', '--verbose'];
      assert.strictEqual(isOutOfSync(deployment(), live), true);
    });

    it('compares an atomic map whole: an extra nodeSelector key is a difference', () => {
      const desired = deployment();
      desired.spec.template.spec.nodeSelector = { disk: 'ssd' };
      const live = withDefaults(appliedLive(desired));
      assert.strictEqual(isOutOfSync(desired, live), false);
      live.spec.template.spec.nodeSelector.zone = 'a';
      assert.strictEqual(isOutOfSync(desired, live), true);
    });

    it('shows a changed field in a unified diff naming the resource', () => {
      const live = withDefaults(appliedLive(deployment()));
      live.spec.replicas = 5;
      live.spec.template.spec.containers[0].image = 'nginx:1.28';
      const d = diffResource(deployment(), live);
      assert.strictEqual(d.changed, true);
      const lines = d.text.split('\n');
      assert.strictEqual(lines[0], '--- live/apps/v1/Deployment/shop/web');
      assert.strictEqual(lines[1], '+++ desired/apps/v1/Deployment/shop/web');
      assert.ok(lines.includes('-  replicas: 5'), d.text);
      assert.ok(lines.includes('+  replicas: 2'), d.text);
      assert.ok(lines.includes('-          image: nginx:1.28'), d.text);
      assert.ok(lines.includes('+          image: nginx:1.27'), d.text);
      // server fields and status are not part of either side
      assert.doesNotMatch(d.text, /uid|resourceVersion|managedFields|status:|deployment\.kubernetes\.io\/revision/);
      // defaults stay on both sides, so they are context, never a change
      assert.ok(!lines.some((l) => /^[-+].*imagePullPolicy/.test(l)), d.text);
    });

    it('shows a missing object as wholly added', () => {
      const d = diffResource(deployment(), undefined);
      assert.strictEqual(d.changed, true);
      assert.strictEqual(isOutOfSync(deployment(), undefined), true);
      assert.match(
        d.text,
        /^--- live\/apps\/v1\/Deployment\/shop\/web\n\+\+\+ desired\/apps\/v1\/Deployment\/shop\/web\n@@ -0,0 \+1,\d+ @@\n/,
      );
      assert.ok(
        d.text
          .split('\n')
          .slice(3)
          .filter(Boolean)
          .every((l) => l.startsWith('+')),
        d.text,
      );
      assert.match(d.text, /\+kind: Deployment/);
    });
  });

  describe('fields dropped from the manifest', () => {
    it('counts a field the manager applied and no longer writes as a change', () => {
      const live = withDefaults(appliedLive(deployment()));
      const desired = deployment();
      delete desired.metadata.labels.team;
      assert.strictEqual(isOutOfSync(desired, live), true);
      const d = diffResource(desired, live);
      assert.ok(d.text.split('\n').includes('-    team: a'), d.text);
      assert.ok(!d.text.split('\n').some((l) => l.startsWith('+ ')), d.text);
    });

    it('counts a dropped list item (a container) as a change', () => {
      const live = withDefaults(appliedLive(deployment()));
      const desired = deployment();
      desired.spec.template.spec.containers.pop();
      assert.strictEqual(isOutOfSync(desired, live), true);
      assert.match(diffResource(desired, live).text, /^-\s+- image: busybox:1\.36$/m);
    });

    it('does not count it when another manager also owns the field, or a different manager is asked about', () => {
      const live = withDefaults(appliedLive(deployment()));
      live.metadata.managedFields.push({
        manager: 'ops',
        operation: 'Apply',
        apiVersion: 'apps/v1',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:metadata': { 'f:labels': { 'f:team': {} } } },
      });
      const desired = deployment();
      delete desired.metadata.labels.team;
      assert.strictEqual(isOutOfSync(desired, live), false);
      const lone = withDefaults(appliedLive(deployment()));
      assert.strictEqual(isOutOfSync(desired, lone, { manager: 'someone-else' }), false);
      assert.strictEqual(isOutOfSync(desired, lone, { manager: 'slipway' }), true);
    });
  });

  describe('Secrets', () => {
    const secret = (data: Record<string, string>): any => ({
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'db', namespace: 'shop' },
      type: 'Opaque',
      data,
    });
    const b64 = (s: string) => Buffer.from(s).toString('base64');

    it('masks every value', () => {
      const masked = maskSecret({ ...secret({ password: b64('hunter2') }), stringData: { token: 'abc' } });
      assert.deepStrictEqual(masked.data, { password: '***' });
      assert.deepStrictEqual(masked.stringData, { token: '***' });
      const cm = { apiVersion: 'v1', kind: 'ConfigMap', data: { a: 'b' } };
      assert.strictEqual(maskSecret(cm), cm);
    });

    it('shows a changed value as *** (before) / *** (after) and never the value', () => {
      const live = appliedLive(secret({ password: b64('hunter2'), user: b64('admin') }));
      const d = diffResource(secret({ password: b64('correct horse'), user: b64('admin') }), live);
      assert.strictEqual(d.changed, true);
      const lines = d.text.split('\n');
      assert.ok(lines.includes('-  password: "*** (before)"'), d.text);
      assert.ok(lines.includes('+  password: "*** (after)"'), d.text);
      assert.ok(lines.includes('   user: "***"'), d.text);
      assert.doesNotMatch(d.text, new RegExp(`${b64('hunter2')}|${b64('correct horse')}|${b64('admin')}`));
    });

    it('compares stringData with the data the API server stores it as', () => {
      const live = appliedLive(secret({ password: b64('hunter2') }));
      const desired = { ...secret({}), stringData: { password: 'hunter2' } };
      delete desired.data;
      assert.strictEqual(isOutOfSync(desired, live), false);
      desired.stringData.password = 'other';
      assert.strictEqual(isOutOfSync(desired, live), true);
      assert.doesNotMatch(diffResource(desired, live).text, /other|hunter2/);
    });
  });

  it('names the bad argument', () => {
    assert.throws(() => isOutOfSync('kind: Deployment', undefined), /desired must be a Kubernetes object/);
  });
});
