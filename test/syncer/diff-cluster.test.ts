// Diff of manifests against objects the embedded cluster holds after `kubectl apply --server-side
// --field-manager=slipway`, and after the edits people make with kubectl.
import * as assert from 'assert';
import { parse } from 'yaml';
import { diffResource, isOutOfSync } from '../../syncer/diff';
import { startTestCluster, TestCluster } from '../helpers/testCluster';

const DEPLOYMENT = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: default
  labels: { app: web, team: a }
spec:
  replicas: 2
  selector: { matchLabels: { app: web } }
  template:
    metadata:
      labels: { app: web }
    spec:
      containers:
        - name: web
          image: nginx:1.27
          ports: [{ containerPort: 80 }]
          env: [{ name: MODE, value: prod }]
          resources: { requests: { cpu: 1000m, memory: 1Gi } }
`;

const SERVICE = `
apiVersion: v1
kind: Service
metadata: { name: web, namespace: default }
spec:
  selector: { app: web }
  ports: [{ port: 80, targetPort: 80 }]
`;

const secret = (password: string) => `
apiVersion: v1
kind: Secret
metadata: { name: db, namespace: default }
stringData: { password: ${password}, user: admin }
`;

describe('diff against the embedded cluster', function () {
  this.timeout(120_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 1 });
  });
  after(async () => {
    await t?.stop();
  });

  async function k(args: string[], input?: string): Promise<string> {
    const r = await t.kubectl(args, { input });
    assert.strictEqual(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  /** the live object as the API returns it; kubectl hides managedFields unless asked */
  const getLive = (ref: string): Promise<any> => t.json(['get', ref, '--show-managed-fields']);

  const applyAsSlipway = (manifest: string) =>
    k(['apply', '--server-side', '--field-manager=slipway', '--force-conflicts', '-f', '-'], manifest);

  function lines(text: string): string[] {
    return text.split('\n');
  }

  it('a manifest just applied is in sync with the live object, defaults and server fields aside', async () => {
    await applyAsSlipway(DEPLOYMENT);
    await applyAsSlipway(SERVICE);
    for (const [manifest, ref] of [
      [DEPLOYMENT, 'deployment/web'],
      [SERVICE, 'service/web'],
    ]) {
      const live = await getLive(ref);
      // the API server did add things the manifest does not have
      assert.ok(live.metadata.uid && live.metadata.managedFields?.length, ref);
      const d = diffResource(parse(manifest), live);
      assert.deepStrictEqual(d, { changed: false, text: '' }, `${ref}:\n${d.text}`);
      assert.strictEqual(isOutOfSync(parse(manifest), live), false, ref);
    }
    const svc = await getLive('service/web');
    assert.ok(svc.spec.clusterIP && svc.spec.ports[0].protocol === 'TCP');
  });

  it('kubectl scale is a change, shown as the replicas line', async () => {
    await applyAsSlipway(DEPLOYMENT);
    await k(['scale', 'deployment/web', '--replicas=5']);
    const live = await getLive('deployment/web');
    assert.strictEqual(isOutOfSync(parse(DEPLOYMENT), live), true);
    const d = diffResource(parse(DEPLOYMENT), live);
    assert.ok(lines(d.text).includes('-  replicas: 5'), d.text);
    assert.ok(lines(d.text).includes('+  replicas: 2'), d.text);
  });

  it('kubectl set image is a change, shown as the image line', async () => {
    await applyAsSlipway(DEPLOYMENT);
    assert.strictEqual(isOutOfSync(parse(DEPLOYMENT), await getLive('deployment/web')), false);
    await k(['set', 'image', 'deployment/web', 'web=nginx:1.28']);
    const d = diffResource(parse(DEPLOYMENT), await getLive('deployment/web'));
    assert.strictEqual(d.changed, true);
    assert.match(d.text, /^-\s+image: nginx:1\.28$/m);
    assert.match(d.text, /^\+\s+image: nginx:1\.27$/m);
  });

  it('an edit (a patch to a field the manifest sets) is a change; one to a field it does not set is not', async () => {
    await applyAsSlipway(DEPLOYMENT);
    await k(['annotate', 'deployment/web', 'example.com/note=hello']);
    assert.strictEqual(isOutOfSync(parse(DEPLOYMENT), await getLive('deployment/web')), false);
    await k([
      'patch',
      'deployment/web',
      '--type=strategic',
      '-p',
      JSON.stringify({
        spec: { template: { spec: { containers: [{ name: 'web', env: [{ name: 'MODE', value: 'debug' }] }] } } },
      }),
    ]);
    const d = diffResource(parse(DEPLOYMENT), await getLive('deployment/web'));
    assert.strictEqual(d.changed, true);
    assert.match(d.text, /^-\s+value: debug$/m);
    assert.match(d.text, /^\+\s+value: prod$/m);
  });

  it('a field removed from the manifest is a change', async () => {
    await applyAsSlipway(DEPLOYMENT);
    const desired = parse(DEPLOYMENT);
    delete desired.metadata.labels.team;
    const live = await getLive('deployment/web');
    assert.strictEqual(isOutOfSync(desired, live), true);
    const d = diffResource(desired, live);
    assert.ok(lines(d.text).includes('-    team: a'), d.text);
    // and applying the shorter manifest does remove it, after which all is in sync
    await applyAsSlipway(JSON.stringify(desired));
    const after = await getLive('deployment/web');
    assert.strictEqual(after.metadata.labels.team, undefined);
    assert.strictEqual(isOutOfSync(desired, after), false);
  });

  it('a Secret change shows masked values only', async () => {
    await applyAsSlipway(secret('hunter2'));
    const live = await getLive('secret/db');
    assert.strictEqual(isOutOfSync(parse(secret('hunter2')), live), false);
    const d = diffResource(parse(secret('swordfish')), live);
    assert.strictEqual(d.changed, true);
    assert.ok(lines(d.text).includes('-  password: "*** (before)"'), d.text);
    assert.ok(lines(d.text).includes('+  password: "*** (after)"'), d.text);
    assert.ok(lines(d.text).includes('   user: "***"'), d.text);
    for (const secretText of ['hunter2', 'swordfish', 'admin']) {
      assert.ok(!d.text.includes(secretText) && !d.text.includes(Buffer.from(secretText).toString('base64')), d.text);
    }
  });
});
