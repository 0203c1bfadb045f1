// Admission webhooks as kube-apiserver calls them: a real HTTPS webhook in this process, registered by url and by
// a Service reference (a selectorless Service whose EndpointSlice points at 127.0.0.1), its caBundle checking the
// certificate; kubectl shows the denials, the mutations, the warnings and the failures a user would see.
import * as assert from 'assert';
import type { Pod } from 'kubernetes-types/core/v1';
import * as path from 'path';
import { eventually, startTestCluster, type TestCluster } from '../helpers/testCluster';
import { NEVER, startWebhookServer, type WebhookServer } from '../helpers/webhookServer';
import { WIDGET_GROUP, widget, widgetCrd } from '../helpers/manifests';

/** Widgets with the status and scale subresources, whose writes admission judges. */
const WIDGET_CRD = widgetCrd({
  spec: { type: 'object', properties: { replicas: { type: 'integer' } } },
  status: { type: 'object', properties: { replicas: { type: 'integer' }, phase: { type: 'string' } } },
  subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
});

const SERVICE_NS = 'webhooks';
const SERVICE = 'hooks';
const INTERNAL_ERROR = 'Error from server (InternalError): error when creating "STDIN": Internal error occurred: ';

function pod(name: string, ns: string, labels: Record<string, string> = {}): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels },
    spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
  });
}

describe('admission webhooks (real kubectl, real HTTPS webhook)', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let hooks: WebhookServer;

  before(async () => {
    t = await startTestCluster({ nodes: 1 });
    hooks = await startWebhookServer(path.join(t.dir, 'webhook'), [`${SERVICE}.${SERVICE_NS}.svc`]);
    await t.ok(['create', 'namespace', SERVICE_NS]);
    // the webhook runs outside the cluster: a Service without selector, its endpoint set by hand
    const objects = [
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: SERVICE, namespace: SERVICE_NS },
        spec: { ports: [{ port: 443, targetPort: hooks.port }] },
      },
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: {
          name: `${SERVICE}-manual`,
          namespace: SERVICE_NS,
          labels: { 'kubernetes.io/service-name': SERVICE },
        },
        addressType: 'IPv4',
        endpoints: [{ addresses: ['127.0.0.1'], conditions: { ready: true } }],
        ports: [{ port: hooks.port, protocol: 'TCP' }],
      },
    ];
    for (const o of objects) await t.apply(JSON.stringify(o));
  });
  after(async () => {
    await hooks?.close();
    await t?.stop();
  });

  /** Namespaces a test creates, and webhook configurations it registers, removed after it. */
  const cleanup: string[][] = [];
  afterEach(async () => {
    for (const args of cleanup.splice(0)) await t.kubectl(['delete', '--wait=false', ...args]);
  });

  async function namespace(name: string, labels: Record<string, string> = {}): Promise<string> {
    await t.apply(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } }));
    cleanup.push(['namespace', name]);
    return name;
  }

  /** A webhook entry: pods CREATE in namespace ns, reached at path by url, unless fields say otherwise. */
  function webhook(name: string, p: string, ns: string, fields: Record<string, unknown> = {}) {
    return {
      name,
      clientConfig: { url: hooks.url(p), caBundle: hooks.caBundle },
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } },
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      ...fields,
    };
  }

  async function register(kind: 'Validating' | 'Mutating', name: string, webhooks: object[]): Promise<void> {
    const resource = `${kind.toLowerCase()}webhookconfigurations`;
    await t.apply(
      JSON.stringify({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: `${kind}WebhookConfiguration`,
        metadata: { name },
        webhooks,
      }),
    );
    cleanup.unshift([resource, name]);
  }

  async function refused(args: string[], input?: string): Promise<string> {
    const r = await t.kubectl(args, input === undefined ? {} : { input });
    assert.notStrictEqual(r.code, 0, `kubectl ${args.join(' ')} should have been refused: ${r.stdout}`);
    return r.stderr.trim();
  }

  it('a validating webhook registered by url denies a pod with its message and code, seeing the request', async () => {
    const ns = await namespace('deny-url');
    hooks.handle('/deny', (req) =>
      req.object?.metadata.name === 'bad'
        ? { allowed: false, status: { code: 403, reason: 'Forbidden', message: 'pods may not be named bad' } }
        : { allowed: true },
    );
    await register('Validating', 'deny-bad', [webhook('deny.slipway.test', '/deny', ns)]);

    // stored with admissionregistration/v1's defaults, as kubectl shows them
    const [stored] = (await t.json(['get', 'validatingwebhookconfiguration', 'deny-bad'])).webhooks;
    assert.deepStrictEqual(
      [stored.failurePolicy, stored.matchPolicy, stored.timeoutSeconds, stored.objectSelector, stored.rules[0].scope],
      ['Fail', 'Equivalent', 10, {}, '*'],
    );

    const err = await refused(['apply', '-f', '-'], pod('bad', ns));
    assert.strictEqual(
      err,
      'Error from server (Forbidden): error when creating "STDIN": ' +
        'admission webhook "deny.slipway.test" denied the request: pods may not be named bad',
    );
    await t.ok(['apply', '-f', '-'], pod('good', ns));
    assert.match(await t.ok(['get', 'pods', '-n', ns, '-o', 'name']), /^pod\/good$/m);
    assert.doesNotMatch(await t.ok(['get', 'pods', '-n', ns, '-o', 'name']), /bad/);

    const req = hooks.received('/deny').find((r) => r.object?.metadata.name === 'bad')!;
    assert.deepStrictEqual(req.kind, { group: '', version: 'v1', kind: 'Pod' });
    assert.deepStrictEqual(req.resource, { group: '', version: 'v1', resource: 'pods' });
    assert.deepStrictEqual(req.requestResource, req.resource);
    assert.strictEqual(req.operation, 'CREATE');
    assert.strictEqual(req.namespace, ns);
    assert.strictEqual(req.name, 'bad');
    assert.strictEqual(req.userInfo.username, 'kubernetes-admin');
    assert.strictEqual(req.dryRun, false);
    assert.strictEqual(req.options.kind, 'CreateOptions');
    assert.strictEqual(req.oldObject, null);
    // the object arrives defaulted, as kube-apiserver decodes it before admission
    assert.strictEqual((req.object as Pod).spec?.restartPolicy, 'Always');
  });

  it('validating admission sees the uid and creationTimestamp stored; mutating admission does not', async () => {
    const ns = await namespace('system-fields');
    await register('Mutating', 'fields-seen', [webhook('mutate-fields.slipway.test', '/mutate-fields', ns)]);
    await register('Validating', 'fields-seen', [webhook('fields.slipway.test', '/fields', ns)]);
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'system-fields' },
      spec: {
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'] }],
        },
        validations: [{ expression: 'has(object.metadata.creationTimestamp) && has(object.metadata.uid)' }],
      },
    };
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'system-fields' },
      spec: {
        policyName: 'system-fields',
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } },
      },
    };
    await t.apply(JSON.stringify(policy));
    cleanup.push(['validatingadmissionpolicy', 'system-fields']);
    await t.apply(JSON.stringify(binding));
    cleanup.push(['validatingadmissionpolicybinding', 'system-fields']);

    // the policy admits the pod: it sees the fields
    await t.ok(['apply', '-f', '-'], pod('p', ns));
    const stored = (await t.json(['get', 'pod', 'p', '-n', ns])) as Pod;
    const [validated] = hooks.received('/fields').filter((r) => r.namespace === ns);
    assert.ok(stored.metadata?.uid);
    assert.strictEqual(validated.object?.metadata.uid, stored.metadata.uid);
    assert.strictEqual(validated.object?.metadata.creationTimestamp, stored.metadata.creationTimestamp);
    assert.strictEqual(validated.object?.metadata.generation, 1);
    // mutating webhooks run before the server fills them, as in kube-apiserver
    const [mutated] = hooks.received('/mutate-fields').filter((r) => r.namespace === ns);
    assert.deepStrictEqual(
      [mutated.object?.metadata.uid, mutated.object?.metadata.creationTimestamp],
      [undefined, undefined],
    );
  });

  it('mutating admission sees generateName and no name yet; validating admission the generated name', async () => {
    const ns = await namespace('generate-name');
    await register('Mutating', 'generate-name', [webhook('gen-mutate.slipway.test', '/gen-mutate', ns)]);
    await register('Validating', 'generate-name', [webhook('gen-validate.slipway.test', '/gen-validate', ns)]);
    const manifest = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { generateName: 'web-', namespace: ns },
      spec: { containers: [{ name: 'app', image: 'nginx:1.25' }] },
    };
    const out = await t.ok(['create', '-f', '-'], JSON.stringify(manifest));
    const name = /^pod\/(web-[a-z0-9]{5}) created$/m.exec(out)?.[1];
    assert.ok(name, out);
    const [mutated] = hooks.received('/gen-mutate').filter((r) => r.namespace === ns);
    assert.deepStrictEqual(
      [mutated.name ?? '', mutated.object?.metadata.name, mutated.object?.metadata.generateName],
      ['', undefined, 'web-'],
    );
    const [validated] = hooks.received('/gen-validate').filter((r) => r.namespace === ns);
    assert.deepStrictEqual([validated.name, validated.object?.metadata.name], [name, name]);
    // a check before mutating admission names the object as it would have been stored
    const bad = { ...manifest, spec: { containers: [{ name: 'App', image: 'nginx:1.25' }] } };
    const err = await refused(['create', '-f', '-'], JSON.stringify(bad));
    assert.match(err, /^The Pod "web-[a-z0-9]{5}" is invalid: spec\.containers\[0\]\.name: Invalid value: "App"/, err);
  });

  it('a Service a validating webhook refuses gives back the node port it was allocated', async () => {
    const ns = await namespace('refused-service');
    hooks.handle('/no-services', (req) =>
      req.object?.metadata.name === 'refused'
        ? { allowed: false, status: { message: 'not this one' } }
        : { allowed: true },
    );
    const rules = [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['services'] }];
    await register('Validating', 'no-services', [webhook('services.slipway.test', '/no-services', ns, { rules })]);
    const service = (name: string) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name, namespace: ns },
        spec: { type: 'NodePort', selector: { app: name }, ports: [{ port: 80, nodePort: 31234 }] },
      });
    const err = await refused(['apply', '-f', '-'], service('refused'));
    assert.match(err, /denied the request: not this one/);
    // the refused Service held 31234 while validating admission judged it; the next one gets it
    await t.ok(['apply', '-f', '-'], service('accepted'));
    const [seen] = hooks.received('/no-services').filter((r) => r.namespace === ns);
    // validating admission sees what the Service was allocated, as in kube-apiserver
    assert.match(String((seen.object?.spec as { clusterIP?: string }).clusterIP), /^\d+\.\d+\.\d+\.\d+$/);
  });

  it('validating admission on UPDATE sees the generation and node port stored; a refusal frees the port', async () => {
    const ns = await namespace('update-order');
    hooks.handle('/updates', (req) =>
      req.object?.kind === 'Service' ? { allowed: false, status: { message: 'no NodePorts' } } : { allowed: true },
    );
    const rules = [{ operations: ['UPDATE'], apiGroups: ['', 'apps'], apiVersions: ['v1'], resources: ['*'] }];
    await register('Validating', 'updates', [webhook('updates.slipway.test', '/updates', ns, { rules })]);
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' } },
        template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx:1' }] } },
      },
    };
    await t.apply(JSON.stringify(deployment));
    await t.ok(['set', 'image', 'deployment/web', '-n', ns, 'app=nginx:2']);
    const [changed] = hooks.received('/updates').filter((r) => r.namespace === ns && r.name === 'web');
    assert.deepStrictEqual([changed.oldObject?.metadata.generation, changed.object?.metadata.generation], [1, 2]);

    const service = (name: string, spec: object) =>
      JSON.stringify({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec });
    await t.apply(service('svc', { selector: { app: 'web' }, ports: [{ port: 80 }] }));
    const err = await refused(['patch', 'service', 'svc', '-n', ns, '-p', '{"spec":{"type":"NodePort"}}']);
    assert.match(err, /denied the request: no NodePorts/);
    const [refusedUpdate] = hooks.received('/updates').filter((r) => r.namespace === ns && r.name === 'svc');
    const nodePort = (refusedUpdate.object?.spec as { ports: { nodePort?: number }[] }).ports[0].nodePort;
    assert.ok(nodePort, 'the webhook sees the node port the update was allocated');
    // the refused update gave it back: another Service may have it
    await t.apply(service('other', { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort }] }));
  });

  it('a mutating webhook reached through a Service adds a label kubectl shows; IfNeeded ones run again', async () => {
    const ns = await namespace('mutate-svc');
    hooks.handle('/label', (req) =>
      req.object?.metadata.labels?.team
        ? { allowed: true }
        : { allowed: true, patch: [{ op: 'add', path: '/metadata/labels/team', value: 'platform' }] },
    );
    // called first; asked again once the webhook after it added its label
    hooks.handle('/count', () => ({ allowed: true }));
    const service = { service: { name: SERVICE, namespace: SERVICE_NS, path: '/label' }, caBundle: hooks.caBundle };
    const counter = { ...webhook('count.slipway.test', '/count', ns), reinvocationPolicy: 'IfNeeded' };
    await register('Mutating', 'a-count', [counter]);
    await register('Mutating', 'b-label', [webhook('label.slipway.test', '/label', ns, { clientConfig: service })]);

    await t.ok(['apply', '-f', '-'], pod('web', ns, {}));
    const label = await t.ok(['get', 'pod', 'web', '-n', ns, '-o', 'jsonpath={.metadata.labels.team}']);
    assert.strictEqual(label, 'platform');
    const counted = hooks.received('/count').filter((r) => r.namespace === ns);
    assert.deepStrictEqual(
      counted.map((r) => r.object?.metadata.labels?.team ?? null),
      [null, 'platform'],
    );
  });

  it('ResourceQuota counts what a mutating webhook added: a pod it raises past the quota is refused', async () => {
    const ns = await namespace('quota-after-webhooks');
    const quota = { hard: { 'requests.cpu': '1' } };
    await t.apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ResourceQuota',
        metadata: { name: 'compute', namespace: ns },
        spec: quota,
      }),
    );
    hooks.handle('/raise', () => ({
      allowed: true,
      patch: [{ op: 'replace', path: '/spec/containers/0/resources/requests/cpu', value: '2' }],
    }));
    await register('Mutating', 'raise', [webhook('raise.slipway.test', '/raise', ns)]);
    const small = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'small', namespace: ns },
      spec: { containers: [{ name: 'app', image: 'nginx:1.25', resources: { requests: { cpu: '500m' } } }] },
    };
    const err = await refused(['create', '-f', '-'], JSON.stringify(small));
    assert.strictEqual(
      err,
      'Error from server (Forbidden): error when creating "STDIN": pods "small" is forbidden: exceeded quota: ' +
        'compute, requested: requests.cpu=2, used: requests.cpu=0, limited: requests.cpu=1',
    );
    assert.strictEqual(hooks.received('/raise').length, 1);
    const r = await t.kubectl(['get', 'pod', 'small', '-n', ns]);
    assert.match(r.stderr, /NotFound/);
  });

  it('mutating admission on UPDATE sees the status the client sent; the stored status is kept after it', async () => {
    const ns = await namespace('update-status');
    const rules = [{ operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['services'] }];
    hooks.handle('/svc-mutate', () => ({ allowed: true }));
    hooks.handle('/svc-validate', () => ({ allowed: true }));
    await register('Mutating', 'svc-mutate', [webhook('svc-mutate.slipway.test', '/svc-mutate', ns, { rules })]);
    await register('Validating', 'svc-validate', [
      webhook('svc-validate.slipway.test', '/svc-validate', ns, { rules }),
    ]);
    const svc = (status?: object) =>
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: ns, labels: { v: status ? '2' : '1' } },
        spec: { ports: [{ port: 80 }] },
        ...(status ? { status } : {}),
      });
    await t.ok(['create', '-f', '-'], svc());
    const sent = { loadBalancer: { ingress: [{ ip: '192.0.2.7' }] } };
    await t.ok(['replace', '-f', '-'], svc(sent));
    const [mutating] = hooks.received('/svc-mutate').filter((r) => r.namespace === ns);
    const [validating] = hooks.received('/svc-validate').filter((r) => r.namespace === ns);
    assert.deepStrictEqual(mutating.object?.status, sent);
    assert.deepStrictEqual(validating.object?.status, { loadBalancer: {} });
    const stored = await t.json(['get', 'service', 'web', '-n', ns]);
    assert.deepStrictEqual([stored.metadata.labels, stored.status], [{ v: '2' }, { loadBalancer: {} }]);
  });

  it('a patch that does not apply fails the request with a 500 naming the webhook', async () => {
    const ns = await namespace('bad-patch');
    hooks.handle('/bad-patch', () => ({ allowed: true, patch: [{ op: 'remove', path: '/spec/nothing' }] }));
    await register('Mutating', 'bad-patch', [webhook('patch.slipway.test', '/bad-patch', ns)]);
    const err = await refused(['apply', '-f', '-'], pod('p', ns));
    assert.ok(
      err.startsWith(`${INTERNAL_ERROR}admission webhook "patch.slipway.test" returned a patch that cannot be applied`),
      err,
    );
    assert.strictEqual((await t.kubectl(['get', 'pod', 'p', '-n', ns])).code, 1, 'nothing was created');
  });

  it('namespaceSelector and objectSelector leave unmatched requests alone', async () => {
    const guarded = await namespace('guarded', { webhooks: 'on' });
    const open = await namespace('open');
    hooks.handle('/deny-all', () => ({ allowed: false, status: { message: 'guarded' } }));
    await register('Validating', 'deny-guarded', [
      webhook('guard.slipway.test', '/deny-all', guarded, {
        namespaceSelector: { matchLabels: { webhooks: 'on' } },
        objectSelector: { matchExpressions: [{ key: 'exempt', operator: 'DoesNotExist' }] },
      }),
    ]);

    const err = await refused(['apply', '-f', '-'], pod('p', guarded));
    // a denial without a code is a 400 (no reason, so kubectl prints none)
    assert.match(err, /Error from server: error when creating "STDIN": admission webhook "guard.slipway.test" denied/);
    await t.ok(['apply', '-f', '-'], pod('p', open));
    await t.ok(['apply', '-f', '-'], pod('exempted', guarded, { exempt: 'yes' }));
    assert.ok(hooks.received('/deny-all').every((r) => r.namespace === guarded && r.name === 'p'));
  });

  it('a webhook that is down fails the request under failurePolicy Fail and is passed over under Ignore', async () => {
    const ns = await namespace('down');
    // a port nothing listens on: the webhook server's, once closed
    const gone = await startWebhookServer(path.join(t.dir, 'gone'));
    await gone.close();
    const down = (name: string, policy: string, labels: Record<string, string>) => ({
      ...webhook(name, '/', ns),
      clientConfig: { url: gone.url('/'), caBundle: gone.caBundle },
      failurePolicy: policy,
      objectSelector: { matchLabels: labels },
    });
    await register('Validating', 'down', [
      down('ignore.slipway.test', 'Ignore', { policy: 'ignore' }),
      down('fail.slipway.test', 'Fail', { policy: 'fail' }),
    ]);

    assert.match(
      await t.ok(['get', 'validatingwebhookconfigurations', 'down']),
      /^NAME\s+WEBHOOKS\s+AGE\ndown\s+2\s+\d+s$/m,
    );
    await t.ok(['apply', '-f', '-'], pod('ignored', ns, { policy: 'ignore' }));
    const err = await refused(['apply', '-f', '-'], pod('failed', ns, { policy: 'fail' }));
    const failed = 'failed calling webhook "fail.slipway.test": failed to call webhook: ';
    assert.ok(err.startsWith(`${INTERNAL_ERROR}${failed}`), err);
    assert.match(err, /Post "https:\/\/127\.0\.0\.1:\d+\/\?timeout=10s": .*ECONNREFUSED/);
  });

  it('a webhook that does not answer within timeoutSeconds fails the request then', async () => {
    const ns = await namespace('slow');
    hooks.handle('/never', () => NEVER);
    await register('Validating', 'slow', [webhook('slow.slipway.test', '/never', ns, { timeoutSeconds: 1 })]);
    const started = Date.now();
    const err = await refused(['apply', '-f', '-'], pod('p', ns));
    const elapsed = Date.now() - started;
    assert.ok(err.startsWith(`${INTERNAL_ERROR}failed calling webhook "slow.slipway.test": failed to call`), err);
    assert.match(err, /Post "https:\/\/127\.0\.0\.1:\d+\/never\?timeout=1s": context deadline exceeded/);
    assert.ok(elapsed >= 1000 && elapsed < 6000, `refused after ${elapsed} ms`);
  });

  it("a webhook's warnings are printed by kubectl", async () => {
    const ns = await namespace('warned');
    hooks.handle('/warn', () => ({ allowed: true, warnings: ['pods without limits may be evicted first'] }));
    await register('Validating', 'warn', [webhook('warn.slipway.test', '/warn', ns)]);
    const r = await t.kubectl(['apply', '-f', '-'], { input: pod('p', ns) });
    assert.strictEqual(r.code, 0, r.stderr);
    assert.match(r.stderr, /^Warning: pods without limits may be evicted first$/m);
  });

  it('a dry run reaches webhooks without side effects (dryRun: true) and is refused by the others', async () => {
    const ns = await namespace('dry');
    hooks.handle('/dry', () => ({ allowed: true }));
    await register('Validating', 'dry-none', [webhook('none.slipway.test', '/dry', ns)]);
    await t.ok(['apply', '--dry-run=server', '-f', '-'], pod('p', ns));
    const seen = hooks.received('/dry').filter((r) => r.namespace === ns);
    assert.deepStrictEqual(
      seen.map((r) => [r.dryRun, r.options.dryRun]),
      [[true, ['All']]],
    );
    assert.strictEqual((await t.kubectl(['get', 'pod', 'p', '-n', ns])).code, 1, 'a dry run creates nothing');

    await register('Validating', 'dry-some', [webhook('some.slipway.test', '/dry', ns, { sideEffects: 'Some' })]);
    const err = await refused(['apply', '--dry-run=server', '-f', '-'], pod('p', ns));
    assert.match(
      err,
      /Error from server \(BadRequest\).*admission webhook "some.slipway.test" does not support dry run/,
    );
  });

  it('webhook configurations are never sent to webhooks, so a webhook refusing everything can be removed', async () => {
    hooks.handle('/everything', () => ({ allowed: false, status: { message: 'no' } }));
    await register('Validating', 'refuse-all', [
      {
        ...webhook('all.slipway.test', '/everything', ''),
        namespaceSelector: {},
        rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*/*'] }],
      },
    ]);
    const err = await refused(['create', 'configmap', 'c', '-n', SERVICE_NS]);
    assert.match(err, /admission webhook "all.slipway.test" denied the request: no/);
    await t.ok(['delete', 'validatingwebhookconfiguration', 'refuse-all']);
    await t.ok(['create', 'configmap', 'c', '-n', SERVICE_NS]);
  });
  it("a pods/status rule sees the kubelet's status writes, which a pods rule does not", async () => {
    const ns = await namespace('status');
    hooks.handle('/status', () => ({ allowed: true, warnings: ['status seen'] }));
    hooks.handle('/pods-update', () => ({ allowed: false, status: { message: 'pods are frozen' } }));
    const update = (resources: string[]) => ({
      rules: [{ operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources }],
    });
    // a change to spec on a status write is dropped (it would end the pod here), as kube's status strategy does
    hooks.handle('/status-spec', () => ({
      allowed: true,
      patch: [{ op: 'add', path: '/spec/activeDeadlineSeconds', value: 1 }],
    }));
    await register('Mutating', 'status-spec', [
      webhook('status-spec.slipway.test', '/status-spec', ns, update(['pods/status'])),
    ]);
    await register('Validating', 'status', [
      webhook('status.slipway.test', '/status', ns, update(['pods/status'])),
      webhook('frozen.slipway.test', '/pods-update', ns, update(['pods'])),
    ]);
    await t.ok(['apply', '-f', '-'], pod('p', ns));
    // the kubelet reports the pod running through pods/status, untouched by the pods rule's denial
    await t.ok(['wait', '--for=condition=Ready', 'pod/p', '-n', ns, '--timeout=20s']);
    const seen = hooks.received('/status').filter((r) => r.namespace === ns);
    assert.ok(seen.length > 0, 'the status webhook was called');
    assert.ok(
      hooks.received('/status-spec').some((r) => r.namespace === ns),
      'the mutating webhook was called',
    );
    assert.ok(seen.every((r) => (r.object as Pod).spec?.activeDeadlineSeconds === undefined));
    const stored = (await t.json(['get', 'pod', 'p', '-n', ns])) as Pod;
    assert.strictEqual(stored.spec?.activeDeadlineSeconds, undefined);
    assert.ok(seen.every((r) => r.subResource === 'status' && r.operation === 'UPDATE' && r.oldObject));
    assert.strictEqual(hooks.received('/pods-update').filter((r) => r.namespace === ns).length, 0);
    const err = await refused(['label', 'pod', 'p', '-n', ns, 'x=y']);
    assert.match(err, /admission webhook "frozen.slipway.test" denied the request: pods are frozen/);
    const patched = await t.kubectl([
      'patch',
      'pod',
      'p',
      '-n',
      ns,
      '--subresource=status',
      '--type=merge',
      '-p',
      '{"status":{"message":"hi"}}',
    ]);
    assert.strictEqual(patched.code, 0, patched.stderr);
    assert.match(patched.stderr, /^Warning: status seen$/m);
  });

  it("a custom resource's status and scale writes go to widgets/status and widgets/scale rules", async () => {
    const ns = await namespace('widget-subresources');
    await t.apply(JSON.stringify(WIDGET_CRD));
    cleanup.push(['crd', `widgets.${WIDGET_GROUP}`]);
    await t.ok(['wait', '--for=condition=Established', `crd/${`widgets.${WIDGET_GROUP}`}`, '--timeout=20s']);
    const rules = (resources: string[]) => ({
      rules: [{ operations: ['UPDATE'], apiGroups: [WIDGET_GROUP], apiVersions: ['v1'], resources }],
    });
    hooks.handle('/widget-status', (req) =>
      (req.object?.status as { phase?: string } | undefined)?.phase === 'Broken'
        ? { allowed: false, status: { message: 'widgets may not break' } }
        : { allowed: true },
    );
    // caps replicas at 3, on the Scale it is sent
    hooks.handle('/widget-cap', (req) =>
      ((req.object?.spec as { replicas?: number }).replicas ?? 0) > 3
        ? { allowed: true, patch: [{ op: 'replace', path: '/spec/replicas', value: 3 }] }
        : { allowed: true },
    );
    // a status write keeps only the status of what a webhook changed, as kube's status strategy does
    hooks.handle('/widget-status-mutate', () => ({
      allowed: true,
      patch: [
        { op: 'replace', path: '/spec/replicas', value: 7 },
        { op: 'add', path: '/metadata/labels', value: { mutated: 'yes' } },
        { op: 'add', path: '/status/replicas', value: 2 },
      ],
    }));
    await register('Mutating', 'widget-cap', [
      webhook('cap.slipway.test', '/widget-cap', ns, rules(['widgets/scale'])),
      webhook('status-mutate.slipway.test', '/widget-status-mutate', ns, rules(['widgets/status'])),
    ]);
    await register('Validating', 'widget-subresources', [
      webhook('status.slipway.test', '/widget-status', ns, rules(['widgets/status'])),
      webhook('scale.slipway.test', '/widget-scale', ns, rules(['widgets/scale'])),
    ]);
    await t.apply(widget('w', ns, { replicas: 1 }));

    const status = (phase: string) => [
      'patch',
      'widget',
      'w',
      '-n',
      ns,
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status: { phase } }),
    ];
    await t.ok(status('Ready'));
    const err = await refused(status('Broken'));
    assert.match(err, /admission webhook "status.slipway.test" denied the request: widgets may not break/);
    const [seen] = hooks.received('/widget-status').filter((r) => r.namespace === ns);
    assert.deepStrictEqual([seen.subResource, seen.kind.kind, seen.operation], ['status', 'Widget', 'UPDATE']);
    assert.strictEqual(await t.ok(['get', 'widget', 'w', '-n', ns, '-o', 'jsonpath={.status.phase}']), 'Ready');
    const written = await t.json(['get', 'widget', 'w', '-n', ns]);
    assert.deepStrictEqual(
      [written.spec, written.status, written.metadata.labels],
      [{ replicas: 1 }, { phase: 'Ready', replicas: 2 }, undefined],
    );
    assert.deepStrictEqual(seen.object?.spec, { replicas: 1 });

    await t.ok(['scale', 'widget', 'w', '-n', ns, '--replicas=5']);
    assert.strictEqual(await t.ok(['get', 'widget', 'w', '-n', ns, '-o', 'jsonpath={.spec.replicas}']), '3');
    const [mutated] = hooks.received('/widget-cap').filter((r) => r.namespace === ns);
    const [validated] = hooks.received('/widget-scale').filter((r) => r.namespace === ns);
    for (const r of [mutated, validated]) {
      assert.deepStrictEqual(r.kind, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
      assert.deepStrictEqual(r.resource, { group: WIDGET_GROUP, version: 'v1', resource: 'widgets' });
      assert.strictEqual(r.subResource, 'scale');
      assert.deepStrictEqual(r.oldObject?.spec, { replicas: 1 });
    }
    assert.deepStrictEqual([mutated.object?.spec, validated.object?.spec], [{ replicas: 5 }, { replicas: 3 }]);
  });

  it('a namespaces/finalize rule sees a finalize write and can refuse it', async () => {
    const ns = await namespace('finalize-write');
    hooks.handle('/finalize', () => ({ allowed: false, status: { message: 'keep the kubernetes finalizer' } }));
    const rules = [
      { operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['namespaces/finalize'] },
    ];
    await register('Validating', 'finalize', [webhook('finalize.slipway.test', '/finalize', ns, { rules })]);
    const body = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, spec: { finalizers: [] } };
    const path = `/api/v1/namespaces/${ns}/finalize`;
    const err = await refused(['replace', '--raw', path, '-f', '-'], JSON.stringify(body));
    assert.match(err, /admission webhook "finalize.slipway.test" denied the request: keep the kubernetes finalizer/);
    const [seen] = hooks.received('/finalize');
    assert.deepStrictEqual(
      [seen.operation, seen.subResource, seen.name, seen.namespace, seen.kind.kind],
      ['UPDATE', 'finalize', ns, ns, 'Namespace'],
    );
    const finalizers = (o: typeof seen.object) => (o?.spec as { finalizers?: string[] }).finalizers ?? [];
    assert.deepStrictEqual([finalizers(seen.oldObject), finalizers(seen.object)], [['kubernetes'], []]);
    const stored = await t.json(['get', 'namespace', ns]);
    assert.deepStrictEqual(stored.spec.finalizers, ['kubernetes']);
  });

  it("a mutating webhook's status change on a finalize write is dropped, as kube's finalize strategy resets status", async () => {
    const ns = await namespace('finalize-mutate');
    hooks.handle('/finalize-mutate', () => ({
      allowed: true,
      patch: [
        { op: 'replace', path: '/status/phase', value: 'Terminating' },
        { op: 'add', path: '/metadata/labels/finalized', value: 'yes' },
      ],
    }));
    const rules = [
      { operations: ['UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['namespaces/finalize'] },
    ];
    await register('Mutating', 'finalize-mutate', [
      webhook('finalize-mutate.slipway.test', '/finalize-mutate', ns, { rules }),
    ]);
    const body = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns }, spec: { finalizers: [] } };
    await t.ok(['replace', '--raw', `/api/v1/namespaces/${ns}/finalize`, '-f', '-'], JSON.stringify(body));
    assert.strictEqual(hooks.received('/finalize-mutate').length, 1);
    const stored = await t.json(['get', 'namespace', ns]);
    assert.deepStrictEqual(
      [stored.spec.finalizers, stored.status.phase, stored.metadata.labels.finalized],
      [[], 'Active', 'yes'],
    );
  });

  it('a DELETE rule sees the stored object and can refuse the delete', async () => {
    const ns = await namespace('deletes');
    hooks.handle('/keep', (req) => ({
      allowed: req.oldObject?.metadata.labels?.keep !== 'yes',
      warnings: [`deleting ${req.name}`],
    }));
    await register('Validating', 'keep', [
      webhook('keep.slipway.test', '/keep', ns, {
        rules: [{ operations: ['DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
      }),
    ]);
    await t.ok(['create', 'configmap', 'kept', '-n', ns]);
    await t.ok(['label', 'configmap', 'kept', '-n', ns, 'keep=yes']);
    const err = await refused(['delete', 'configmap', 'kept', '-n', ns]);
    assert.match(err, /admission webhook "keep.slipway.test" denied the request without explanation/);
    await t.ok(['create', 'configmap', 'gone', '-n', ns]);
    const deleted = await t.kubectl(['delete', 'configmap', 'gone', '-n', ns]);
    assert.strictEqual(deleted.code, 0, deleted.stderr);
    assert.match(deleted.stderr, /^Warning: deleting gone$/m);
    const req = hooks.received('/keep').find((r) => r.name === 'kept')!;
    assert.strictEqual(req.operation, 'DELETE');
    assert.strictEqual(req.object, null);
    assert.strictEqual(req.oldObject?.metadata.name, 'kept');
    assert.strictEqual(req.options.kind, 'DeleteOptions');
  });

  it('matchPolicy Equivalent calls a webhook at the version its rule names, Exact does not', async () => {
    const ns = await namespace('equivalent');
    hooks.handle('/v1-hpa', () => ({
      allowed: true,
      patch: [{ op: 'replace', path: '/spec/maxReplicas', value: 7 }],
    }));
    hooks.handle('/exact', () => ({ allowed: true }));
    const v1Rule = {
      rules: [
        {
          operations: ['CREATE'],
          apiGroups: ['autoscaling'],
          apiVersions: ['v1'],
          resources: ['horizontalpodautoscalers'],
        },
      ],
    };
    await register('Mutating', 'hpa-v1', [
      webhook('equivalent.slipway.test', '/v1-hpa', ns, v1Rule),
      webhook('exact.slipway.test', '/exact', ns, { ...v1Rule, matchPolicy: 'Exact' }),
    ]);
    await t.apply(
      JSON.stringify({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name: 'web', namespace: ns },
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
          minReplicas: 1,
          maxReplicas: 3,
        },
      }),
    );
    const [req] = hooks.received('/v1-hpa').filter((r) => r.namespace === ns);
    assert.deepStrictEqual(req.kind, { group: 'autoscaling', version: 'v1', kind: 'HorizontalPodAutoscaler' });
    assert.strictEqual(req.object?.apiVersion, 'autoscaling/v1');
    assert.deepStrictEqual(req.requestResource, {
      group: 'autoscaling',
      version: 'v2',
      resource: 'horizontalpodautoscalers',
    });
    assert.strictEqual(hooks.received('/exact').filter((r) => r.namespace === ns).length, 0);
    // the v1 patch reaches the stored v2 object
    assert.strictEqual(
      await t.ok(['get', 'hpa.v2.autoscaling', 'web', '-n', ns, '-o', 'jsonpath={.spec.maxReplicas}']),
      '7',
    );
  });

  it('a webhook listing only v1beta1 gets an admission.k8s.io/v1beta1 review', async () => {
    const ns = await namespace('beta');
    hooks.handle('/beta', () => ({ allowed: false, status: { message: 'old webhook says no' } }));
    await register('Validating', 'beta', [
      webhook('beta.slipway.test', '/beta', ns, { admissionReviewVersions: ['v1beta1'] }),
    ]);
    const err = await refused(['apply', '-f', '-'], pod('p', ns));
    assert.match(err, /admission webhook "beta.slipway.test" denied the request: old webhook says no/);
    assert.deepStrictEqual(hooks.reviewVersions('/beta').slice(-1), ['admission.k8s.io/v1beta1']);
  });

  it("the caBundle and the Service's DNS name are checked against the webhook's certificate", async () => {
    const ns = await namespace('tls');
    const other = await startWebhookServer(path.join(t.dir, 'other-ca'));
    await other.close();
    await register('Validating', 'tls', [
      webhook('wrong-ca.slipway.test', '/', ns, {
        clientConfig: { url: hooks.url('/'), caBundle: other.caBundle },
        objectSelector: { matchLabels: { check: 'ca' } },
      }),
      // the certificate names hooks.webhooks.svc, not this Service
      webhook('wrong-name.slipway.test', '/', ns, {
        clientConfig: { service: { name: 'other', namespace: SERVICE_NS }, caBundle: hooks.caBundle },
        objectSelector: { matchLabels: { check: 'name' } },
      }),
    ]);
    await t.apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'other', namespace: SERVICE_NS },
        subsets: [{ addresses: [{ ip: '127.0.0.1' }], ports: [{ port: hooks.port }] }],
      }),
    );
    await t.apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'other', namespace: SERVICE_NS },
        spec: { ports: [{ port: 443, targetPort: hooks.port }] },
      }),
    );
    const caErr = await refused(['apply', '-f', '-'], pod('ca', ns, { check: 'ca' }));
    assert.match(caErr, /failed calling webhook "wrong-ca.slipway.test": failed to call webhook: Post .*certificate/);
    const nameErr = await refused(['apply', '-f', '-'], pod('name', ns, { check: 'name' }));
    assert.ok(nameErr.startsWith(`${INTERNAL_ERROR}failed calling webhook "wrong-name.slipway.test": `), nameErr);
    assert.ok(
      nameErr.includes(
        `Post "https://other.${SERVICE_NS}.svc:443/?timeout=10s": Hostname/IP does not match certificate's altnames`,
      ),
      nameErr,
    );
  });
  it('matchConditions decide which requests a webhook sees; a failing one follows failurePolicy', async () => {
    const ns = await namespace('conditions');
    hooks.handle('/conditioned', (req) => ({
      allowed: false,
      status: { message: `saw ${req.object?.metadata.name}` },
    }));
    const conditioned = (name: string, policy: string, labels: Record<string, string>, conditions: object[]) =>
      webhook(name, '/conditioned', ns, {
        failurePolicy: policy,
        objectSelector: { matchLabels: labels },
        matchConditions: conditions,
      });
    await register('Validating', 'conditioned', [
      conditioned('match.slipway.test', 'Fail', { hook: 'match' }, [
        { name: 'not-skipped', expression: "object.metadata.name != 'skipped'" },
        { name: 'creates', expression: "request.operation == 'CREATE' && request.requestKind.kind == 'Pod'" },
        // a false condition wins over a failing one
        { name: 'fails-for-skipped', expression: "object.metadata.name != 'skipped' || object.spec.nothing" },
      ]),
      conditioned('broken-fail.slipway.test', 'Fail', { hook: 'broken-fail' }, [
        { name: 'tier', expression: "object.metadata.labels.tier == 'web'" },
      ]),
      conditioned('broken-ignore.slipway.test', 'Ignore', { hook: 'broken-ignore' }, [
        { name: 'tier', expression: "object.metadata.labels.tier == 'web'" },
      ]),
    ]);

    await t.ok(['apply', '-f', '-'], pod('skipped', ns, { hook: 'match' }));
    const err = await refused(['apply', '-f', '-'], pod('called', ns, { hook: 'match' }));
    assert.match(err, /admission webhook "match.slipway.test" denied the request: saw called$/);
    const broken = await refused(['apply', '-f', '-'], pod('broken', ns, { hook: 'broken-fail' }));
    assert.strictEqual(
      broken,
      'Error from server (Forbidden): error when creating "STDIN": pods "broken" is forbidden: ' +
        "expression 'object.metadata.labels.tier == 'web'' resulted in error: no such key: tier",
    );
    await t.ok(['apply', '-f', '-'], pod('ignored', ns, { hook: 'broken-ignore' }));
    assert.deepStrictEqual(
      hooks.received('/conditioned').map((r) => r.name),
      ['called'],
    );
  });

  it('matchConditions are validated: named, unique, at most 64, compiling to a bool', async () => {
    const hook = (conditions: object[]) => ({
      name: 'conditions.slipway.test',
      clientConfig: { url: hooks.url('/x'), caBundle: hooks.caBundle },
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      matchConditions: conditions,
    });
    const configuration = (conditions: object[]) =>
      JSON.stringify({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'MutatingWebhookConfiguration',
        metadata: { name: 'bad-conditions' },
        webhooks: [hook(conditions)],
      });
    const err = await refused(
      ['apply', '-f', '-'],
      configuration([
        { name: 'a', expression: 'object.metadata.name ==' },
        { name: 'a', expression: "'yes'" },
        { name: 'uses-params', expression: 'params != null' },
        { name: 'bad name!', expression: 'true' },
        { name: 'empty', expression: ' ' },
      ]),
    );
    const at = 'webhooks[0].matchConditions';
    for (const wanted of [
      `${at}[0].expression: Invalid value: "object.metadata.name ==": compilation failed: ERROR: <input>:1:`,
      `${at}[1].name: Duplicate value: "a"`,
      `${at}[1].expression: Invalid value: "'yes'": compilation failed: must evaluate to bool`,
      `${at}[2].expression: Invalid value: "params != null": compilation failed: ERROR: <input>:1:1: Unknown variable`,
      `${at}[3].name: Invalid value: "bad name!": name part must consist of alphanumeric characters`,
      `${at}[4].expression: Required value`,
    ])
      assert.ok(err.includes(wanted), `${wanted}\nnot in:\n${err}`);
    const many = Array.from({ length: 65 }, (_, i) => ({ name: `c${i}`, expression: 'true' }));
    assert.match(
      await refused(['apply', '-f', '-'], configuration(many)),
      /webhooks\[0\]\.matchConditions: Too many: 65: must have at most 64 items/,
    );
  });

  it('a configuration kube-apiserver would refuse is refused, each wrong field named', async () => {
    const base = { sideEffects: 'None', admissionReviewVersions: ['v1'] };
    const err = await refused(
      ['apply', '-f', '-'],
      JSON.stringify({
        apiVersion: 'admissionregistration.k8s.io/v1',
        kind: 'ValidatingWebhookConfiguration',
        metadata: { name: 'invalid' },
        webhooks: [
          {
            ...base,
            name: 'short',
            clientConfig: { url: 'http://127.0.0.1/x' },
            admissionReviewVersions: ['v2'],
            timeoutSeconds: 45,
          },
          { ...base, name: 'twice.slipway.test', clientConfig: {} },
          { ...base, name: 'twice.slipway.test', clientConfig: { service: { name: 's', namespace: 'n', path: 'x' } } },
        ],
      }),
    );
    assert.match(err, /^The ValidatingWebhookConfiguration "invalid" is invalid: /);
    for (const wanted of [
      'webhooks[0].name: Invalid value: "short": should be a domain with at least three segments separated by dots',
      `webhooks[0].clientConfig.url: Invalid value: "http": 'https' is the only allowed URL scheme`,
      'webhooks[0].timeoutSeconds: Invalid value: 45: the timeout value must be between 1 and 30 seconds',
      'webhooks[0].admissionReviewVersions: Invalid value:',
      'must include at least one of v1, v1beta1',
      'webhooks[1].clientConfig: Required value: exactly one of url or service is required',
      'webhooks[2].name: Duplicate value: "twice.slipway.test"',
      `webhooks[2].clientConfig.service.path: Invalid value: "x": must start with a '/'`,
    ])
      assert.ok(err.includes(wanted), `${wanted}\nnot in:\n${err}`);
  });
  it('a webhook Service backed by a simulated pod fails at once, saying nothing listens there', async () => {
    const ns = await namespace('in-cluster');
    await t.apply(pod('webhook-server', ns, { app: 'webhook-server' }));
    await t.apply(
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'webhook-server', namespace: ns },
        spec: { selector: { app: 'webhook-server' }, ports: [{ port: 443, targetPort: 8443 }] },
      }),
    );
    await eventually(
      async () =>
        (
          await t.ok(['get', 'endpointslices', '-n', ns, '-o', 'jsonpath={.items[*].endpoints[*].addresses[0]}'])
        ).trim(),
      20_000,
      'the Service to get its pod as an endpoint',
    );
    await register('Validating', 'in-cluster', [
      webhook('pod.slipway.test', '/', ns, {
        clientConfig: { service: { name: 'webhook-server', namespace: ns }, caBundle: hooks.caBundle },
        objectSelector: { matchLabels: { guarded: 'yes' } },
      }),
    ]);
    const started = Date.now();
    const err = await refused(['apply', '-f', '-'], pod('p', ns, { guarded: 'yes' }));
    assert.ok(Date.now() - started < 5000, 'refused without waiting for the timeout of 10 s');
    assert.ok(err.startsWith(`${INTERNAL_ERROR}failed calling webhook "pod.slipway.test": `), err);
    assert.match(err, /service "in-cluster\/webhook-server" sends to pod "webhook-server" at [\d.]+:8443, which the/);
    assert.match(err, /start the cluster with --runtime container/);
  });
});
