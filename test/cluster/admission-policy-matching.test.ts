// Which requests a ValidatingAdmissionPolicy's matchConstraints (or a binding's matchResources) take.
import * as assert from 'assert';
import type { KubeObject } from '../../kube/objects';
import { BUILTIN_RESOURCES } from '../../kube/registry';
import type { AdmissionAttributes, Operation } from '../../cluster/apiserver/admission/policies/attributes';
import { matchesRequest, type PolicyMatch } from '../../cluster/apiserver/admission/policies/matching';

const resource = (group: string, plural: string) =>
  BUILTIN_RESOURCES.find((r) => r.group === group && r.plural === plural)!;

function request(
  group: string,
  plural: string,
  operation: Operation,
  labels?: Record<string, string>,
): AdmissionAttributes {
  const info = resource(group, plural);
  const object: KubeObject = { metadata: { name: 'x', labels } };
  return { operation, info, namespace: info.namespaced ? 'ns' : undefined, name: 'x', object, dryRun: false };
}

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
});
