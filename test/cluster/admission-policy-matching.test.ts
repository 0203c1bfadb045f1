// Which requests a ValidatingAdmissionPolicy's matchConstraints (or a binding's matchResources) take.
import * as assert from 'assert';
import type { KubeObject } from '../../kube/objects';
import { BUILTIN_RESOURCES } from '../../kube/registry';
import type { AdmissionAttributes, AdmissionOperation } from '../../cluster/apiserver/admission/attributes';
import { matchRequest, type PolicyMatch } from '../../cluster/apiserver/admission/policies/matching';

const resource = (group: string, plural: string, version?: string) =>
  BUILTIN_RESOURCES.find((r) => r.group === group && r.plural === plural && (!version || r.version === version))!;

function request(
  group: string,
  plural: string,
  operation: AdmissionOperation,
  labels?: Record<string, string>,
): AdmissionAttributes {
  const info = resource(group, plural);
  const object: KubeObject = { metadata: { name: 'x', labels } };
  const namespace = info.namespaced ? 'ns' : undefined;
  return { operation, info, subresource: '', namespace, name: 'x', object, dryRun: false, options: {} };
}

const matchesRequest = (match: PolicyMatch | undefined, a: AdmissionAttributes, ns: KubeObject | undefined) =>
  matchRequest(match, a, ns) !== undefined;

const namespace = (labels: Record<string, string>): KubeObject => ({ metadata: { name: 'ns', labels } });

describe('admission policies: matching requests', () => {
  const deployments = {
    apiGroups: ['apps'],
    apiVersions: ['v1'],
    operations: ['CREATE', 'UPDATE'],
    resources: ['deployments'],
  };

  it('matches resource rules by operation, group, version, resource, name and scope', () => {
    const match = (rules: PolicyMatch['resourceRules'], a: AdmissionAttributes) =>
      matchesRequest({ resourceRules: rules }, a, undefined);
    assert.strictEqual(match([deployments], request('apps', 'deployments', 'CREATE')), true);
    assert.strictEqual(match([deployments], request('apps', 'deployments', 'DELETE')), false);
    assert.strictEqual(match([deployments], request('apps', 'statefulsets', 'CREATE')), false);
    assert.strictEqual(match([deployments], request('', 'pods', 'CREATE')), false);
    const any = { apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] };
    assert.strictEqual(match([any], request('', 'pods', 'DELETE')), true);
    assert.strictEqual(match([{ ...any, resources: ['pods/status'] }], request('', 'pods', 'CREATE')), false);
    assert.strictEqual(match([{ ...any, resourceNames: ['y'] }], request('', 'pods', 'CREATE')), false);
    assert.strictEqual(match([{ ...any, scope: 'Cluster' }], request('', 'pods', 'CREATE')), false);
    assert.strictEqual(match([{ ...any, scope: 'Cluster' }], request('', 'nodes', 'CREATE')), true);
    assert.strictEqual(match([{ ...any, scope: 'Namespaced' }], request('', 'nodes', 'CREATE')), false);
  });

  it('leaves out excluded resources', () => {
    const match: PolicyMatch = {
      resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }],
      excludeResourceRules: [{ apiGroups: [''], apiVersions: ['*'], operations: ['*'], resources: ['configmaps'] }],
    };
    assert.strictEqual(matchesRequest(match, request('', 'configmaps', 'CREATE'), undefined), false);
    assert.strictEqual(matchesRequest(match, request('', 'secrets', 'CREATE'), undefined), true);
  });

  it("selects by the namespace's labels (a Namespace by its own) and by the object's", () => {
    const match: PolicyMatch = {
      namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
      objectSelector: { matchLabels: { tier: 'web' } },
    };
    const web = request('', 'configmaps', 'CREATE', { tier: 'web' });
    assert.strictEqual(matchesRequest(match, web, namespace({ env: 'prod' })), true);
    assert.strictEqual(matchesRequest(match, web, namespace({ env: 'dev' })), false);
    assert.strictEqual(matchesRequest(match, request('', 'configmaps', 'CREATE'), namespace({ env: 'prod' })), false);
    // cluster-scoped objects other than Namespaces pass any namespace selector
    assert.strictEqual(matchesRequest(match, request('', 'nodes', 'CREATE', { tier: 'web' }), undefined), true);
    assert.strictEqual(matchesRequest(match, request('', 'namespaces', 'CREATE', { tier: 'web' }), undefined), false);
    assert.strictEqual(
      matchesRequest(match, request('', 'namespaces', 'CREATE', { tier: 'web', env: 'prod' }), undefined),
      true,
    );
  });

  it("with matchPolicy Equivalent takes a request through another version of the resource, at the rule's", () => {
    const v1 = { apiGroups: ['autoscaling'], apiVersions: ['v1'], operations: ['CREATE'], resources: ['*'] };
    // an HPA written through autoscaling/v2, which stores it
    const a = request('autoscaling', 'horizontalpodautoscalers', 'CREATE');
    assert.strictEqual(a.info.version, 'v2');
    const matched = matchRequest({ resourceRules: [v1] }, a, undefined);
    assert.deepStrictEqual([matched?.group, matched?.version], ['autoscaling', 'v1']);
    assert.strictEqual(matchRequest({ resourceRules: [v1], matchPolicy: 'Exact' }, a, undefined), undefined);
    // the version requested comes first
    const any = { ...v1, apiVersions: ['*'] };
    assert.strictEqual(matchRequest({ resourceRules: [any] }, a, undefined)?.version, 'v2');
    const viaV1 = { ...a, requestedAs: resource('autoscaling', 'horizontalpodautoscalers', 'v1') };
    assert.strictEqual(matchRequest({ resourceRules: [any] }, viaV1, undefined)?.version, 'v1');
  });

  it('takes a subresource request only by a rule naming the subresource', () => {
    const any = { apiGroups: [''], apiVersions: ['v1'], operations: ['UPDATE'] };
    const status = { ...request('', 'pods', 'UPDATE'), subresource: 'status' };
    assert.strictEqual(matchesRequest({ resourceRules: [{ ...any, resources: ['pods'] }] }, status, undefined), false);
    assert.strictEqual(matchesRequest({ resourceRules: [{ ...any, resources: ['*'] }] }, status, undefined), false);
    for (const resources of [['pods/status'], ['*/status'], ['*/*']])
      assert.strictEqual(matchesRequest({ resourceRules: [{ ...any, resources }] }, status, undefined), true);
  });
});
