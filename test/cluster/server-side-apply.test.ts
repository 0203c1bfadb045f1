// Server-side apply through the real kubectl: a manager's managedFields follow its latest apply, so a field it
// stops sending is removed (the rollback of a pod annotation relies on this).
import * as assert from 'assert';
import { startTestCluster, TestCluster } from '../helpers/testCluster';

describe('server-side apply ownership', function () {
  let t: TestCluster;
  before(async () => {
    t = await startTestCluster({ nodes: 0 });
  });
  after(async () => t?.stop());

  const deployment = (annotations?: Record<string, string>) =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'w', namespace: 'default' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'w' } },
        template: {
          metadata: { labels: { app: 'w' }, ...(annotations ? { annotations } : {}) },
          spec: { containers: [{ name: 'w', image: 'nginx' }] },
        },
      },
    });

  const apply = async (manifest: string) => {
    const r = await t.kubectl(['apply', '--server-side', '--field-manager=gitops', '-f', '-'], { input: manifest });
    assert.strictEqual(r.code, 0, r.stderr);
  };

  it('removes a field the manager no longer applies, across several applies', async () => {
    await apply(deployment());
    await apply(deployment({ crash: 'true' }));
    let live = await t.json(['get', 'deployment', 'w', '--show-managed-fields']);
    assert.strictEqual(live.spec.template.metadata.annotations.crash, 'true');
    const owned = (o: any) =>
      JSON.stringify(o.metadata.managedFields.find((m: any) => m.manager === 'gitops').fieldsV1);
    assert.match(owned(live), /f:crash/);
    await apply(deployment());
    live = await t.json(['get', 'deployment', 'w', '--show-managed-fields']);
    assert.strictEqual(live.spec.template.metadata.annotations, undefined);
    assert.doesNotMatch(owned(live), /f:crash/);
  });

  const webService = (port: number) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports: [{ port, targetPort: port }] },
    });
  const webDeployment = (containerPort: number) =>
    JSON.stringify({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'web' } },
        template: {
          metadata: { labels: { app: 'web' } },
          spec: { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort }] }] },
        },
      },
    });

  it('replaces a Service port and a containerPort changed in the manifest (keyed with the protocol)', async () => {
    await apply(webService(80));
    await apply(webDeployment(80));
    await apply(webService(8080));
    await apply(webDeployment(8080));
    const svc = await t.json(['get', 'service', 'web']);
    assert.deepStrictEqual(
      svc.spec.ports.map(
        (p: { port: number; protocol: string; targetPort: number }) => `${p.port}/${p.protocol}->${p.targetPort}`,
      ),
      ['8080/TCP->8080'],
    );
    const deploy = await t.json(['get', 'deployment', 'web']);
    assert.deepStrictEqual(
      deploy.spec.template.spec.containers[0].ports.map(
        (p: { containerPort: number; protocol: string }) => `${p.containerPort}/${p.protocol}`,
      ),
      ['8080/TCP'],
    );
  });
});
