// The health of custom resources and of HPAs and PDBs in an Application's status, on the embedded cluster: the
// CRDs and objects come from git; statuses are written as their controllers would, through the status subresource.
import * as assert from 'assert';
import type { Application, ResourceStatus } from '../../kube/application';
import type { ObjectClient } from '../../kubeclient/objectClient';
import type { TestCluster } from '../helpers/testCluster';
import { makeRepo } from './helpers/gitRepo';
import { applications, useSyncer } from './helpers/syncerHarness';

/** A minimal CRD with a status subresource, as the real one would serve it. */
const crd = (group: string, kind: string, plural: string, version: string) => `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: { name: ${plural}.${group} }
spec:
  group: ${group}
  scope: Namespaced
  names: { kind: ${kind}, plural: ${plural}, singular: ${kind.toLowerCase()} }
  versions:
    - name: ${version}
      served: true
      storage: true
      subresources: { status: {} }
      schema:
        openAPIV3Schema: { type: object, x-kubernetes-preserve-unknown-fields: true }
`;

const KINDS = {
  rollout: { group: 'argoproj.io', kind: 'Rollout', plural: 'rollouts', version: 'v1alpha1', spec: '{ replicas: 2 }' },
  certificate: {
    group: 'cert-manager.io',
    kind: 'Certificate',
    plural: 'certificates',
    version: 'v1',
    spec: '{ secretName: tls, dnsNames: [shop.example.com] }',
  },
  kustomization: {
    group: 'kustomize.toolkit.fluxcd.io',
    kind: 'Kustomization',
    plural: 'kustomizations',
    version: 'v1',
    spec: '{ path: ./deploy, interval: 5m }',
  },
  helmrelease: {
    group: 'helm.toolkit.fluxcd.io',
    kind: 'HelmRelease',
    plural: 'helmreleases',
    version: 'v2',
    spec: '{}',
  },
  widget: { group: 'example.com', kind: 'Widget', plural: 'widgets', version: 'v1', spec: '{ size: 3 }' },
};

const files: Record<string, string> = {};
for (const [name, k] of Object.entries(KINDS)) {
  files[`crds/${name}-crd.yaml`] = crd(k.group, k.kind, k.plural, k.version);
  files[`app/${name}-object.yaml`] =
    `apiVersion: ${k.group}/${k.version}\nkind: ${k.kind}\nmetadata: { name: ${name} }\nspec: ${k.spec}\n`;
}
files['app/workload.yaml'] = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  replicas: 1
  selector: { matchLabels: { app: web } }
  template:
    metadata: { labels: { app: web } }
    spec: { containers: [{ name: web, image: "nginx:1.27" }] }
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: web }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: web }
  minReplicas: 2
  maxReplicas: 4
  metrics: [{ type: Resource, resource: { name: cpu, target: { type: Utilization, averageUtilization: 80 } } }]
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: { name: nothing }
spec:
  scaleTargetRef: { apiVersion: apps/v1, kind: Deployment, name: not-there }
  maxReplicas: 2
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: { name: web }
spec:
  minAvailable: 1
  selector: { matchLabels: { app: web } }
`;

describe('syncer: health of custom resources, HPAs and PDBs', function () {
  this.timeout(120_000);
  const h = useSyncer();
  let t: TestCluster;
  let client: ObjectClient;
  const apps = applications(() => client);

  before(async () => {
    ({ t, client } = h.syncer);
    const repo = makeRepo(files);
    // the CRDs first, as a cluster add-on would install them
    await apps.createApp('crds', repo, {}, {}, { path: 'crds' });
    await apps.waitApp('crds', 'CRDs established', (a) => a.status?.health?.status === 'Healthy');
    await apps.createApp('shop', repo);
  });

  const resource = (a: Application, kind: string, name: string): ResourceStatus | undefined =>
    a.status?.resources?.find((r) => r.kind === kind && r.name === name);

  /** Waits until the app's status shows kind/name with this health; returns the app. */
  const healthIs = (kind: string, name: string, status: string, message?: RegExp) =>
    apps.waitApp('shop', `${kind} ${name} ${status}${message ? ` ${message}` : ''}`, (a) => {
      const health = resource(a, kind, name)?.health;
      return health?.status === status && (!message || message.test(health.message ?? ''));
    });

  /** Writes the object's status as its controller would. */
  const setStatus = (plural: string, name: string, status: object) =>
    t.ok([
      'patch',
      plural,
      name,
      '-n',
      'shop',
      '--subresource=status',
      '--type=merge',
      '-p',
      JSON.stringify({ status }),
    ]);

  it('an Argo Rollout no controller reports on is Progressing, then follows its phase and replicas', async () => {
    const a = await healthIs('Rollout', 'rollout', 'Progressing', /spec update to be observed/);
    // the app is not Healthy while its Rollout is not
    assert.notStrictEqual(a.status?.health?.status, 'Healthy');
    await setStatus('rollouts', 'rollout', { observedGeneration: '1', phase: 'Degraded', message: 'RolloutAborted' });
    await healthIs('Rollout', 'rollout', 'Degraded', /RolloutAborted/);
    await setStatus('rollouts', 'rollout', { phase: null, replicas: 2, updatedReplicas: 2, availableReplicas: 1 });
    await healthIs('Rollout', 'rollout', 'Progressing', /still becoming available/);
    await setStatus('rollouts', 'rollout', { availableReplicas: 2 });
    await healthIs('Rollout', 'rollout', 'Healthy');
  });

  it('a cert-manager Certificate is Progressing while issued, Healthy when Ready, Degraded when it failed', async () => {
    await healthIs('Certificate', 'certificate', 'Progressing');
    const ready = (status: string, message: string) => ({
      conditions: [{ type: 'Ready', status, reason: status === 'True' ? 'Ready' : 'Failed', message }],
    });
    await setStatus('certificates', 'certificate', ready('False', 'the ACME order failed'));
    await healthIs('Certificate', 'certificate', 'Degraded', /ACME order failed/);
    await setStatus('certificates', 'certificate', ready('True', 'Certificate is up to date and has not expired'));
    await healthIs('Certificate', 'certificate', 'Healthy');
  });

  for (const [name, plural, kind] of [
    ['kustomization', 'kustomizations', 'Kustomization'],
    ['helmrelease', 'helmreleases', 'HelmRelease'],
  ]) {
    it(`a Flux ${kind} waits for Flux, then follows Ready`, async () => {
      await healthIs(kind, name, 'Progressing', /Waiting for Flux/);
      const ready = (status: string, reason: string) => ({
        observedGeneration: 1,
        conditions: [{ type: 'Ready', status, reason, message: reason }],
      });
      await setStatus(plural, name, ready('False', 'Progressing'));
      await healthIs(kind, name, 'Progressing', /^Progressing$/);
      await setStatus(plural, name, ready('False', 'InstallFailed'));
      await healthIs(kind, name, 'Degraded', /InstallFailed/);
      await setStatus(plural, name, ready('True', 'ReconciliationSucceeded'));
      await healthIs(kind, name, 'Healthy');
    });
  }

  it('any other custom resource: Healthy without a status, then by kstatus conditions', async () => {
    await healthIs('Widget', 'widget', 'Healthy');
    await setStatus('widgets', 'widget', {
      observedGeneration: 1,
      conditions: [{ type: 'Stalled', status: 'True', message: 'quota exceeded' }],
    });
    await healthIs('Widget', 'widget', 'Degraded', /quota exceeded/);
    await setStatus('widgets', 'widget', {
      conditions: [{ type: 'Reconciling', status: 'True', message: 'resizing' }],
    });
    await healthIs('Widget', 'widget', 'Progressing', /resizing/);
  });

  it('a HorizontalPodAutoscaler scaling its Deployment is Healthy; one whose target is missing is Degraded', async () => {
    await healthIs('HorizontalPodAutoscaler', 'web', 'Healthy', /metrics are unavailable/);
    await healthIs('HorizontalPodAutoscaler', 'nothing', 'Degraded', /unable to get the target's current scale/);
  });

  it('a PodDisruptionBudget is Healthy once enough of its pods are', async () => {
    await healthIs('PodDisruptionBudget', 'web', 'Healthy', /required pods healthy/);
  });
});
