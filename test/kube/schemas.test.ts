import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { BUILTIN_RESOURCES, apiVersionOf } from '../../kube/registry';
import {
  KUBERNETES_VERSION,
  childFields,
  definitionFor,
  describeField,
  fieldSchemaFor,
  refName,
  schemaDefinitions,
} from '../../kube/schemas';
import { FieldSchema } from '../../kube/fieldSchema';

function walk(schema: FieldSchema | undefined, ...segments: (string | '[]')[]): FieldSchema | undefined {
  let cur = schema;
  for (const s of segments) cur = s === '[]' ? cur?.elements() : cur?.field(s);
  return cur;
}

describe('Kubernetes schemas', () => {
  it('serves Kubernetes 1.34.0, as the generated file says', () => {
    const file = JSON.parse(fs.readFileSync(path.join(__dirname, '../../../kube/generated/k8s-schemas.json'), 'utf8'));
    assert.deepStrictEqual(file.kubernetesVersion, { ...KUBERNETES_VERSION });
    assert.strictEqual(KUBERNETES_VERSION.gitVersion, 'v1.34.0');
  });

  it('has a definition for every kind, list kind and subresource kind the cluster serves', () => {
    const missing: string[] = [];
    for (const r of BUILTIN_RESOURCES) {
      const av = apiVersionOf(r);
      if (!definitionFor(av, r.kind)) missing.push(`${av} ${r.kind}`);
      // create-only kinds (the reviews) have no list, so Kubernetes defines no list kind for them
      if (r.verbs.includes('list') && !definitionFor(av, r.listKind)) missing.push(`${av} ${r.listKind}`);
      for (const s of r.subresources) {
        // a log is text, and a connection's options come as query parameters
        if (s.name !== 'log' && !s.connect && !definitionFor(apiVersionOf(s), s.kind))
          missing.push(`${apiVersionOf(s)} ${s.kind} (${r.plural}/${s.name})`);
      }
    }
    assert.deepStrictEqual(missing, []);
  });

  it('names definitions as Kubernetes does', () => {
    assert.strictEqual(definitionFor('apps/v1', 'Deployment'), 'io.k8s.api.apps.v1.Deployment');
    assert.strictEqual(definitionFor('v1', 'Pod'), 'io.k8s.api.core.v1.Pod');
    assert.strictEqual(definitionFor('networking.k8s.io/v1', 'Ingress'), 'io.k8s.api.networking.v1.Ingress');
    assert.strictEqual(definitionFor('rbac.authorization.k8s.io/v1', 'ClusterRole'), 'io.k8s.api.rbac.v1.ClusterRole');
    assert.strictEqual(definitionFor('events.k8s.io/v1', 'Event'), 'io.k8s.api.events.v1.Event');
    assert.strictEqual(definitionFor('v1', 'Event'), 'io.k8s.api.core.v1.Event');
    assert.strictEqual(
      definitionFor('apiextensions.k8s.io/v1', 'CustomResourceDefinition'),
      'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
    );
    assert.strictEqual(definitionFor('apps/v1', 'Pod'), undefined);
    assert.strictEqual(definitionFor('example.com/v1', 'Widget'), undefined);
    const defs = schemaDefinitions();
    for (const name of [
      'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta',
      'io.k8s.apimachinery.pkg.api.resource.Quantity',
      'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
      'io.k8s.apimachinery.pkg.apis.meta.v1.Time',
      'io.k8s.apimachinery.pkg.runtime.RawExtension',
      'io.k8s.api.core.v1.PodSpec',
    ])
      assert.ok(defs[name], name);
  });

  it('marks each kind with its group, version and kind, and every reference lands on a definition', () => {
    const defs = schemaDefinitions();
    assert.deepStrictEqual(defs['io.k8s.api.apps.v1.Deployment']['x-kubernetes-group-version-kind'], [
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
    assert.deepStrictEqual(defs['io.k8s.api.core.v1.ConfigMapList']['x-kubernetes-group-version-kind'], [
      { group: '', kind: 'ConfigMapList', version: 'v1' },
    ]);
    assert.strictEqual(defs['io.k8s.api.core.v1.PodSpec']['x-kubernetes-group-version-kind'], undefined);
    const dangling = new Set<string>();
    const visit = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(visit);
      else if (node && typeof node === 'object') {
        for (const [k, v] of Object.entries(node)) {
          if (k === '$ref' && typeof v === 'string' && !defs[refName(v)]) dangling.add(v);
          else visit(v);
        }
      }
    };
    visit(defs);
    assert.deepStrictEqual([...dangling], []);
  });

  it('declares the required fields and types of a Deployment', () => {
    const defs = schemaDefinitions();
    assert.deepStrictEqual(defs['io.k8s.api.apps.v1.DeploymentSpec'].required, ['selector', 'template']);
    assert.deepStrictEqual(defs['io.k8s.api.core.v1.Container'].required, ['name']);
    const spec = defs['io.k8s.api.apps.v1.DeploymentSpec'].properties!;
    assert.strictEqual(spec.replicas.type, 'integer');
    assert.strictEqual(spec.replicas.format, 'int32');
    // kind and apiVersion are free strings, as Kubernetes serves them
    assert.strictEqual(defs['io.k8s.api.apps.v1.Deployment'].properties!.kind.enum, undefined);
  });

  it('navigates a Deployment down to its containers with their merge keys', () => {
    const deployment = fieldSchemaFor('apps/v1', 'Deployment');
    assert.ok(deployment);
    assert.strictEqual(deployment.type, 'object');
    const containers = walk(deployment, 'spec', 'template', 'spec', 'containers');
    assert.ok(containers);
    assert.strictEqual(containers.type, 'array');
    assert.strictEqual(containers.patchMergeKey, 'name');
    assert.strictEqual(containers.patchStrategy, 'merge');
    assert.strictEqual(containers.listType, 'map');
    assert.deepStrictEqual(containers.listMapKeys, ['name']);

    const container = containers.elements();
    assert.strictEqual(container?.type, 'object');
    assert.strictEqual(container?.field('image')?.type, 'string');
    assert.strictEqual(container?.field('ports')?.patchMergeKey, 'containerPort');
    assert.deepStrictEqual(container?.field('ports')?.listMapKeys, ['containerPort', 'protocol']);
    assert.strictEqual(container?.field('env')?.patchMergeKey, 'name');
    assert.strictEqual(container?.field('volumeMounts')?.patchMergeKey, 'mountPath');
    assert.strictEqual(container?.field('args')?.listType, 'atomic');
    assert.strictEqual(walk(container, 'resources', 'limits')?.type, 'map');
    assert.strictEqual(walk(container, 'resources', 'limits', '[]')?.type, 'int-or-string');
    assert.strictEqual(walk(container, 'ports', '[]', 'containerPort')?.type, 'integer');
    assert.strictEqual(container?.field('nonsense'), undefined);

    const podSpec = walk(deployment, 'spec', 'template', 'spec');
    assert.strictEqual(podSpec?.field('volumes')?.patchStrategy, 'merge,retainKeys');
    assert.strictEqual(podSpec?.field('tolerations')?.listType, 'atomic');
    assert.strictEqual(podSpec?.field('imagePullSecrets')?.patchMergeKey, 'name');
    assert.deepStrictEqual(podSpec?.field('topologySpreadConstraints')?.listMapKeys, [
      'topologyKey',
      'whenUnsatisfiable',
    ]);
    assert.strictEqual(walk(deployment, 'spec', 'strategy')?.patchStrategy, 'retainKeys');
    assert.strictEqual(walk(deployment, 'spec', 'selector')?.mapType, 'atomic');
    assert.strictEqual(walk(deployment, 'metadata', 'labels')?.type, 'map');
    assert.strictEqual(walk(deployment, 'metadata', 'finalizers')?.listType, 'set');
    assert.strictEqual(walk(deployment, 'metadata', 'ownerReferences')?.patchMergeKey, 'uid');
    assert.strictEqual(walk(deployment, 'status', 'conditions')?.patchMergeKey, 'type');
    assert.strictEqual(walk(deployment, 'metadata', 'creationTimestamp')?.type, 'string');
  });

  it('knows how Service ports merge and that targetPort is int-or-string', () => {
    const ports = walk(fieldSchemaFor('v1', 'Service'), 'spec', 'ports');
    assert.strictEqual(ports?.patchMergeKey, 'port');
    assert.deepStrictEqual(ports?.listMapKeys, ['port', 'protocol']);
    assert.strictEqual(walk(ports, '[]', 'targetPort')?.type, 'int-or-string');
    assert.strictEqual(walk(fieldSchemaFor('v1', 'Service'), 'spec', 'selector')?.mapType, 'atomic');
    assert.strictEqual(fieldSchemaFor('v1', 'Nothing'), undefined);
  });

  it('describes fields for hover and explain', () => {
    const replicas = describeField('apps/v1', 'Deployment', ['spec', 'replicas']);
    assert.strictEqual(replicas?.type, 'integer');
    assert.strictEqual(replicas?.required, false);
    assert.match(replicas?.description ?? '', /Number of desired pods/);

    const selector = describeField('apps/v1', 'Deployment', ['spec', 'selector']);
    assert.strictEqual(selector?.required, true);
    assert.strictEqual(selector?.type, 'LabelSelector');
    assert.match(selector?.description ?? '', /Label selector for pods/);

    const policy = describeField('apps/v1', 'Deployment', [
      'spec',
      'template',
      'spec',
      'containers',
      0,
      'imagePullPolicy',
    ]);
    assert.deepStrictEqual(policy?.enum, ['Always', 'IfNotPresent', 'Never']);
    assert.match(policy?.description ?? '', /Image pull policy/);

    assert.strictEqual(
      describeField('apps/v1', 'Deployment', ['spec', 'template', 'spec', 'containers'])?.type,
      '[]Container',
    );
    assert.strictEqual(describeField('apps/v1', 'Deployment', ['metadata', 'labels'])?.type, 'map[string]string');
    assert.strictEqual(
      describeField('apps/v1', 'Deployment', ['metadata', 'labels', 'app.kubernetes.io/name'])?.type,
      'string',
    );
    assert.strictEqual(
      describeField('v1', 'Pod', ['spec', 'containers', 0, 'resources', 'limits'])?.type,
      'map[string]Quantity',
    );
    assert.strictEqual(describeField('v1', 'Pod', ['metadata', 'creationTimestamp'])?.type, 'string');
    assert.strictEqual(describeField('apps/v1', 'Deployment', ['spec', 'nope']), undefined);
    assert.strictEqual(describeField('v9', 'Deployment', ['spec']), undefined);

    // the field's own words, not the generic IntOrString text the client library puts there
    const target = describeField('v1', 'Service', ['spec', 'ports', 0, 'targetPort']);
    assert.strictEqual(target?.type, 'IntOrString');
    assert.match(target?.description ?? '', /^Number or name of the port/);
  });

  it('lists the fields an object may have, with required ones marked', () => {
    const fields = childFields('apps/v1', 'Deployment', ['spec', 'template', 'spec', 'containers', 0]);
    const byName = new Map(fields.map((f) => [f.name, f]));
    assert.strictEqual(byName.get('name')?.required, true);
    assert.strictEqual(byName.get('image')?.required, false);
    assert.strictEqual(byName.get('ports')?.type, '[]ContainerPort');
    assert.ok(byName.has('restartPolicy'), 'sidecar restartPolicy (1.28+) is present');
    assert.ok(byName.has('resizePolicy'), '1.27+ fields are present');
  });

  it('allows enum values added after 1.27', () => {
    const action = describeField('batch/v1', 'Job', ['spec', 'podFailurePolicy', 'rules', 0, 'action']);
    assert.deepStrictEqual(action?.enum, ['Count', 'FailIndex', 'FailJob', 'Ignore']);
    const replacement = describeField('batch/v1', 'Job', ['spec', 'podReplacementPolicy']);
    assert.deepStrictEqual(replacement?.enum, ['Failed', 'TerminatingOrFailed']);
  });
});
