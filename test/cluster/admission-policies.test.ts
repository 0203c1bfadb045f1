// ValidatingAdmissionPolicies and their bindings, as kube-apiserver applies them, seen through kubectl.
import * as assert from 'assert';
import { stringify } from 'yaml';
import { startTestCluster, TestCluster } from '../helpers/testCluster';
import { WIDGET_GROUP, widget, widgetCrd } from '../helpers/manifests';

/** Widgets with the status and scale subresources, whose writes admission judges. */
const WIDGET_CRD = widgetCrd({
  spec: { type: 'object', properties: { replicas: { type: 'integer' } } },
  status: { type: 'object', properties: { replicas: { type: 'integer' }, phase: { type: 'string' } } },
  subresources: { status: {}, scale: { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' } },
});

/** One YAML stream of several objects. */
const list = (items: object[]) => items.map((o) => stringify(o)).join('---\n');

const replicaLimit = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'replica-limit' },
  spec: {
    failurePolicy: 'Fail',
    matchConstraints: {
      resourceRules: [
        { apiGroups: ['apps'], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['deployments'] },
      ],
    },
    validations: [{ expression: 'object.spec.replicas <= 5' }],
  },
};
const replicaLimitBinding = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name: 'replica-limit-test' },
  spec: {
    policyName: 'replica-limit',
    validationActions: ['Deny'],
    matchResources: { namespaceSelector: { matchLabels: { environment: 'test' } } },
  },
};

function deployment(name: string, replicas: number): string {
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  });
}

/** Limits from a ConfigMap (params), with variables, a match condition and a message expression; warns only. */
const paramPolicy = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicy',
  metadata: { name: 'team-limits' },
  spec: {
    paramKind: { apiVersion: 'v1', kind: 'ConfigMap' },
    matchConstraints: {
      resourceRules: [{ apiGroups: ['apps'], apiVersions: ['*'], operations: ['*'], resources: ['deployments'] }],
    },
    matchConditions: [{ name: 'not-exempt', expression: "!('exempt' in object.metadata.?labels.orValue({}))" }],
    variables: [{ name: 'max', expression: 'int(params.data.maxReplicas)' }],
    validations: [
      {
        expression: 'object.spec.replicas <= variables.max',
        messageExpression: "'replicas must be at most ' + string(variables.max) + ' for ' + request.userInfo.username",
      },
    ],
  },
};
const paramBinding = {
  apiVersion: 'admissionregistration.k8s.io/v1',
  kind: 'ValidatingAdmissionPolicyBinding',
  metadata: { name: 'team-limits-warn' },
  spec: {
    policyName: 'team-limits',
    validationActions: ['Warn'],
    paramRef: { name: 'limits', parameterNotFoundAction: 'Deny' },
    matchResources: { namespaceSelector: { matchLabels: { team: 'a' } } },
  },
};

describe('ValidatingAdmissionPolicy', function () {
  this.timeout(60_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 1 });
    await t.ok(['create', 'namespace', 'test']);
    await t.ok(['label', 'namespace', 'test', 'environment=test']);
    await t.ok(['create', 'namespace', 'dev']);
    await t.apply(list([replicaLimit, replicaLimitBinding]));
  });
  after(async () => {
    await t?.stop();
  });

  it("denies a request its validation fails, with kube-apiserver's message, where its binding matches", async () => {
    const r = await t.kubectl(['apply', '-n', 'test', '-f', '-'], { input: deployment('web', 7) });
    assert.notStrictEqual(r.code, 0);
    assert.match(
      r.stderr,
      /The deployments "web" is invalid: : ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-test' denied request: failed expression: object\.spec\.replicas <= 5/,
    );
    const created = await t.kubectl(['create', 'deployment', 'web', '--image=nginx', '--replicas=7', '-n', 'test']);
    assert.match(created.stderr, /deployments\.apps "web" is forbidden: ValidatingAdmissionPolicy 'replica-limit'/);
    await t.ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=3', '-n', 'test']);
    const patched = await t.kubectl(['patch', 'deployment', 'web', '-n', 'test', '-p', '{"spec":{"replicas":6}}']);
    assert.match(patched.stderr, /denied request: failed expression: object\.spec\.replicas <= 5/);
    // the binding selects namespaces labelled environment=test only
    await t.ok(['apply', '-n', 'dev', '-f', '-'], deployment('web', 7));
  });

  it('answers 422 Invalid with the denial as the cause, as kube-apiserver does', async () => {
    const reply = await t.request('POST', '/apis/apps/v1/namespaces/test/deployments', deployment('big', 9));
    assert.strictEqual(reply.status, 422);
    const status = reply.body;
    const denial =
      "ValidatingAdmissionPolicy 'replica-limit' with binding 'replica-limit-test' denied request: " +
      'failed expression: object.spec.replicas <= 5';
    assert.strictEqual(status.reason, 'Invalid');
    assert.strictEqual(status.message, `deployments.apps "big" is forbidden: ${denial}`);
    assert.deepStrictEqual(status.details, {
      name: 'big',
      group: 'apps',
      kind: 'deployments',
      causes: [{ message: denial }],
    });
  });

  it('warns through a Warn binding, with params, variables and match conditions', async () => {
    await t.ok(['create', 'namespace', 'team-a']);
    await t.ok(['label', 'namespace', 'team-a', 'team=a']);
    await t.apply(list([paramPolicy, paramBinding]));
    // no params yet: with parameterNotFoundAction Deny the binding fails, which a Warn binding reports as a warning
    const missing = await t.kubectl(['create', 'deployment', 'api', '--image=nginx', '--replicas=2', '-n', 'team-a']);
    assert.strictEqual(missing.code, 0, missing.stderr);
    assert.match(
      missing.stderr,
      /Warning: Validation failed for ValidatingAdmissionPolicy 'team-limits' with binding 'team-limits-warn': failed to configure binding: no params found/,
    );
    await t.ok(['create', 'configmap', 'limits', '--from-literal=maxReplicas=4', '-n', 'team-a']);
    const warned = await t.kubectl(['patch', 'deployment', 'api', '-n', 'team-a', '-p', '{"spec":{"replicas":8}}']);
    assert.strictEqual(warned.code, 0, warned.stderr);
    assert.match(
      warned.stderr,
      /Warning: Validation failed for ValidatingAdmissionPolicy 'team-limits' with binding 'team-limits-warn': replicas must be at most 4 for kubernetes-admin/,
    );
    // an exempt deployment is not matched by the policy's match condition
    await t.ok(['label', 'deployment', 'api', 'exempt=yes', '-n', 'team-a']);
    const exempt = await t.kubectl(['patch', 'deployment', 'api', '-n', 'team-a', '-p', '{"spec":{"replicas":9}}']);
    assert.strictEqual(exempt.code, 0, exempt.stderr);
    assert.doesNotMatch(exempt.stderr, /Warning/);
  });

  it('judges deletes with oldObject, and not writes through the scale subresource', async () => {
    const protect = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'protected' },
      spec: {
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['DELETE'], resources: ['configmaps'] }],
        },
        validations: [
          {
            expression: "object == null && !('protected' in oldObject.metadata.?labels.orValue({}))",
            message: 'protected objects cannot be deleted',
            reason: 'Forbidden',
          },
        ],
      },
    };
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'protected' },
      spec: { policyName: 'protected', validationActions: ['Deny'] },
    };
    await t.apply(list([protect, binding]));
    await t.ok(['create', 'configmap', 'keep', '-n', 'dev']);
    await t.ok(['label', 'configmap', 'keep', 'protected=yes', '-n', 'dev']);
    const refused = await t.kubectl(['delete', 'configmap', 'keep', '-n', 'dev']);
    assert.match(
      refused.stderr,
      /configmaps "keep" is forbidden: ValidatingAdmissionPolicy 'protected' with binding 'protected' denied request: protected objects cannot be deleted/,
    );
    await t.ok(['label', 'configmap', 'keep', 'protected-', '-n', 'dev']);
    await t.ok(['delete', 'configmap', 'keep', '-n', 'dev']);
    // kube-apiserver matches deployments/scale requests only with rules naming that subresource
    await t.ok(['scale', 'deployment', 'web', '--replicas=8', '-n', 'test']);
  });

  it("judges a custom resource's status and scale writes with widgets/status and widgets/scale rules", async () => {
    await t.apply(JSON.stringify(WIDGET_CRD));
    await t.ok(['wait', '--for=condition=Established', `crd/${`widgets.${WIDGET_GROUP}`}`, '--timeout=20s']);
    const policy = (name: string, resource: string, expression: string) => ({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name },
      spec: {
        matchConstraints: {
          resourceRules: [
            { apiGroups: [WIDGET_GROUP], apiVersions: ['v1'], operations: ['UPDATE'], resources: [resource] },
          ],
        },
        validations: [{ expression }],
      },
    });
    const binding = (name: string) => ({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name },
      spec: { policyName: name, validationActions: ['Deny'] },
    });
    await t.apply(
      list([
        // the scale write is judged on the Scale it shows
        policy('widget-scale', 'widgets/scale', "object.kind == 'Scale' && object.spec.replicas <= 5"),
        binding('widget-scale'),
        policy('widget-status', 'widgets/status', "object.status.?phase.orValue('') != 'Broken'"),
        binding('widget-status'),
      ]),
    );
    await t.apply(widget('w', 'dev', { replicas: 1 }));

    const scaled = await t.kubectl(['scale', 'widget', 'w', '-n', 'dev', '--replicas=7']);
    assert.match(
      scaled.stderr,
      /The widgets "w" is invalid: : ValidatingAdmissionPolicy 'widget-scale' with binding 'widget-scale' denied/,
    );
    await t.ok(['scale', 'widget', 'w', '-n', 'dev', '--replicas=4']);
    const status = (phase: string) =>
      t.kubectl(
        ['patch', 'widget', 'w', '-n', 'dev', '--subresource=status', '--type=merge', '-p'].concat([
          JSON.stringify({ status: { phase } }),
        ]),
      );
    const broken = await status('Broken');
    assert.match(
      broken.stderr,
      /ValidatingAdmissionPolicy 'widget-status' with binding 'widget-status' denied request/,
    );
    assert.strictEqual((await status('Ready')).code, 0);
    const stored = await t.json(['get', 'widget', 'w', '-n', 'dev']);
    assert.deepStrictEqual([stored.spec.replicas, stored.status.phase], [4, 'Ready']);
    // a plain update of the widget is no status or scale write
    await t.ok(['patch', 'widget', 'w', '-n', 'dev', '--type=merge', '-p', '{"spec":{"replicas":9}}']);
  });

  it('stops an expression at the per-call cost limit, a failure its failurePolicy turns into a denial', async () => {
    const loops = 'object.data.all(x, object.data.all(y, object.data.all(z, x != "")))';
    const policy = {
      ...replicaLimit,
      metadata: { name: 'data-loops' },
      spec: {
        failurePolicy: 'Fail',
        matchConstraints: {
          resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'] }],
          objectSelector: { matchLabels: { cost: 'high' } },
        },
        validations: [{ expression: loops }],
      },
    };
    const binding = {
      ...replicaLimitBinding,
      metadata: { name: 'data-loops' },
      spec: { policyName: 'data-loops', validationActions: ['Deny'] },
    };
    await t.apply(list([policy, binding]));
    // 100 keys: a million steps, seconds without the limit
    const data = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, 'v']));
    const configMap = (labels: Record<string, string>) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'loops', labels },
      data,
    });
    const reply = await t.request('POST', '/api/v1/namespaces/test/configmaps', configMap({ cost: 'high' }));
    assert.strictEqual(reply.status, 422);
    assert.strictEqual(
      reply.body.message,
      `configmaps "loops" is forbidden: ValidatingAdmissionPolicy 'data-loops' with binding 'data-loops' denied ` +
        `request: expression '${loops}' resulted in error: operation cancelled: actual cost limit exceeded`,
    );
    // the same ConfigMap, not selected, is created
    const created = await t.request('POST', '/api/v1/namespaces/test/configmaps', configMap({}));
    assert.strictEqual(created.status, 201);
    await t.ok(['delete', 'validatingadmissionpolicybinding,validatingadmissionpolicy', 'data-loops']);
  });

  it('judges a namespace finalize write under a namespaces/finalize rule', async () => {
    await t.ok(['create', 'namespace', 'keep-finalizer']);
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'keep-finalizer' },
      spec: {
        matchConstraints: {
          resourceRules: [
            { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'], resources: ['namespaces/finalize'] },
          ],
        },
        validations: [{ expression: "object.spec.?finalizers.orValue([]).exists(f, f == 'kubernetes')" }],
      },
    };
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'keep-finalizer' },
      spec: {
        policyName: 'keep-finalizer',
        validationActions: ['Deny'],
        matchResources: { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keep-finalizer' } } },
      },
    };
    await t.apply(list([policy, binding]));
    const body = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'keep-finalizer' }, spec: {} };
    const path = '/api/v1/namespaces/keep-finalizer/finalize';
    const r = await t.kubectl(['replace', '--raw', path, '-f', '-'], { input: JSON.stringify(body) });
    assert.notStrictEqual(r.code, 0, r.stdout);
    assert.match(r.stderr, /ValidatingAdmissionPolicy 'keep-finalizer' with binding 'keep-finalizer' denied request/);
    const stored = await t.json(['get', 'namespace', 'keep-finalizer']);
    assert.deepStrictEqual(stored.spec.finalizers, ['kubernetes']);
    await t.ok(['delete', 'validatingadmissionpolicybinding', 'keep-finalizer']);
    await t.ok(['delete', 'validatingadmissionpolicy', 'keep-finalizer']);
  });

  it('refuses a policy whose expression does not compile, naming it', async () => {
    const broken = { ...replicaLimit, metadata: { name: 'broken' } };
    broken.spec = { ...replicaLimit.spec, validations: [{ expression: 'object.spec.replicas <=' }] };
    const r = await t.kubectl(['apply', '-f', '-'], { input: JSON.stringify(broken) });
    assert.notStrictEqual(r.code, 0);
    assert.match(
      r.stderr,
      /The ValidatingAdmissionPolicy "broken" is invalid: spec\.validations\[0\]\.expression: Invalid value: "object\.spec\.replicas <=": compilation failed: ERROR: <input>:1:24:/,
    );
  });

  it('sees a request through another version of its resource at the version its rule names (Equivalent)', async () => {
    const policy = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicy',
      metadata: { name: 'hpa-limit' },
      spec: {
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: ['autoscaling'],
              apiVersions: ['v1'],
              operations: ['CREATE'],
              resources: ['horizontalpodautoscalers'],
            },
          ],
        },
        validations: [
          {
            expression: 'object.spec.maxReplicas <= 5',
            messageExpression:
              "'seen as ' + object.apiVersion + ', asked for ' + request.requestResource.version + ' with ' + " +
              "request.options.kind + ' by ' + request.options.fieldManager + " +
              "(has(request.subResource) ? ' on ' + request.subResource : '')",
          },
        ],
      },
    };
    const binding = {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingAdmissionPolicyBinding',
      metadata: { name: 'hpa-limit' },
      spec: { policyName: 'hpa-limit', validationActions: ['Deny'] },
    };
    await t.apply(list([policy, binding]));
    const hpa = (name: string, maxReplicas: number) =>
      JSON.stringify({
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        metadata: { name, namespace: 'dev' },
        spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas },
      });
    const r = await t.kubectl(['create', '-f', '-'], { input: hpa('big', 9) });
    assert.notStrictEqual(r.code, 0);
    assert.match(
      r.stderr,
      /^The horizontalpodautoscalers "big" is invalid: : ValidatingAdmissionPolicy 'hpa-limit' with binding 'hpa-limit' denied request: seen as autoscaling\/v1, asked for v2 with CreateOptions by kubectl-create$/m,
    );
    await t.ok(['create', '-f', '-'], hpa('small', 3));
  });
});
