// What the language server says on a GitOps repository laid out as real ones are (test/fixtures/server/gitops):
// per-environment folders with the same names, Flux and Argo CD resources without their CRDs in the workspace, a
// Flux Kustomization applying a folder tree, objects other objects produce (a Certificate's Secret, a generator's
// ConfigMap, a StatefulSet's claims), a Service in front of an Argo Rollout. Each file's diagnostics are asserted
// whole: none where none is right.

import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Diagnostic, find, FIXTURES, LspClient, textAt, uriOf } from './lspClient';

const ROOT = path.join(FIXTURES, 'gitops');
const NO_HINTS = { settings: { slipway: { hints: { imageTag: false, resources: false, readinessProbe: false } } } };
const ERROR = 1;
const WARNING = 2;
const INFORMATION = 3;

type Seen = [severity: number | undefined, code: string | number | undefined, text: string, message: string];

describe('language server: real repository layouts', function () {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ root: ROOT, initializationOptions: NO_HINTS });
  });
  after(async () => client?.stop());

  /** Opens a fixture file; its diagnostics as [severity, code, the text they mark, message]. */
  async function check(file: string): Promise<Seen[]> {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    const uri = uriOf(path.join(ROOT, file));
    await client.open(uri, text);
    const d: Diagnostic[] = await client.waitForDiagnostics(uri);
    return d.map((x) => [x.severity, x.code, textAt(text, x.range), x.message]);
  }

  it('counts duplicates only within what is applied together, naming workspace-relative paths', async () => {
    // staging and production are alternatives: the same Kustomization in each is no duplicate
    assert.deepStrictEqual(await check('clusters/staging/apps.yaml'), []);
    // twice in one folder is: both are applied
    assert.deepStrictEqual(await check('clusters/production/apps.yaml'), [
      [
        WARNING,
        'duplicate-resource',
        'apps',
        'Kustomization "apps" in namespace flux-system is also defined in clusters/production/apps-copy.yaml:5',
      ],
    ]);
    // an Argo CD Application with directory.recurse applies both subfolders of its path together
    assert.deepStrictEqual(await check('guestbook/frontend/service.yaml'), [
      [
        WARNING,
        'duplicate-resource',
        'guestbook',
        'Service "guestbook" is also defined in guestbook/backend/service.yaml:4',
      ],
    ]);
    // the Flux Kustomizations apply everything under apps/, subfolders included
    assert.deepStrictEqual(await check('apps/web-v2/service.yaml'), [
      [WARNING, 'duplicate-resource', 'web', 'Service "web" is also defined in apps/web.yaml:66'],
    ]);
    // a kustomization applies only the resources it lists: a file beside them it does not list is an alternative
    assert.deepStrictEqual(await check('kustomize/deployment.yaml'), []);
    assert.deepStrictEqual(await check('kustomize/deployment-patch.yaml'), []);
  });

  it('validates Flux and Argo CD resources by the built-in catalog; an unknown kind is one information', async () => {
    assert.deepStrictEqual(await check('flux/releases.yaml'), [
      [ERROR, 'unknown-field', 'intreval', 'unknown field "spec.intreval": did you mean "interval"?'],
      [ERROR, 'schema', 'spec', 'spec.interval: Required value'],
      [
        ERROR,
        'schema',
        'HelmRepo',
        'spec.chart.spec.sourceRef.kind: Unsupported value: "HelmRepo": supported values: ' +
          '"HelmRepository", "GitRepository", "Bucket"',
      ],
      [
        INFORMATION,
        'no-crd',
        'Gizmo',
        'Gizmo is not validated: no CustomResourceDefinition for Gizmo in group widgets.example.org is in the ' +
          'workspace, the cluster or the built-in catalog',
      ],
    ]);
    // correct resources of each ecosystem, written as their documentation does
    assert.deepStrictEqual(await check('platform/ecosystems.yaml'), []);
    assert.deepStrictEqual(await check('argocd/applications.yaml'), [
      [ERROR, 'unknown-field', 'namspace', 'unknown field "spec.destination.namspace": did you mean "namespace"?'],
    ]);
  });

  it('completes and hovers catalog fields', async () => {
    const text = fs.readFileSync(path.join(ROOT, 'flux/releases.yaml'), 'utf8');
    const uri = uriOf(path.join(ROOT, 'flux/releases.yaml'));
    await client.open(uri, text);
    const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: find(text, 'chart:', 1),
    });
    assert.match(hover.contents.value, /Chart defines the template of the v1\.HelmChart/);
    const typed = text.replace('  values:\n', '  \n  values:\n');
    await client.change(uri, typed);
    const items = await client.request<{ items: { label: string }[] }>('textDocument/completion', {
      textDocument: { uri },
      position: find(typed, '  \n  values:', 2),
    });
    const labels = items.items.map((i) => i.label);
    assert.ok(labels.includes('releaseName') && labels.includes('timeout'), labels.join(', '));
    assert.ok(!labels.includes('interval') && !labels.includes('chart'), 'keys already there are not offered');
  });

  it('says less of what a remote base of the kustomization may define', async () => {
    const maybe = (kind: string, name: string): Seen => [
      INFORMATION,
      'missing-reference',
      name,
      `${kind} "${name}" is not defined in the workspace: it may come from a remote base or Helm chart of the ` +
        'kustomization in kustomize-remote',
    ];
    assert.deepStrictEqual(await check('kustomize-remote/worker.yaml'), [
      maybe('ConfigMap', 'platform-settings'),
      maybe('ServiceAccount', 'platform-runner'),
    ]);
  });

  it('knows the objects producers make; a missing Secret is information, a missing ConfigMap a warning', async () => {
    assert.deepStrictEqual(await check('apps/web.yaml'), [
      [WARNING, 'duplicate-resource', 'web', 'Service "web" is also defined in apps/web-v2/service.yaml:5'],
      [WARNING, 'missing-reference', 'backup-settings', 'ConfigMap "backup-settings" is not defined in the workspace'],
      [
        INFORMATION,
        'missing-reference',
        'regcred',
        'Secret "regcred" is not defined in the workspace: make sure it exists in the cluster',
      ],
      [
        INFORMATION,
        'service-selector',
        'selector',
        'Service selector app=exporter matches no workload in the workspace',
      ],
    ]);
  });
});

describe('language server: built-in catalog precedence, closing JSON documents', function () {
  let dir: string;
  let client: LspClient;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-real-'));
  });
  afterEach(async () => {
    await client?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** A HelmRelease CRD whose only spec field is `own`: the catalog's has `interval` and no `own`. */
  const ownCrd = {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'helmreleases.helm.toolkit.fluxcd.io' },
    spec: {
      group: 'helm.toolkit.fluxcd.io',
      names: { kind: 'HelmRelease', plural: 'helmreleases' },
      scope: 'Namespaced',
      versions: [
        {
          name: 'v2',
          served: true,
          storage: true,
          schema: {
            openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { own: {} } } } },
          },
        },
      ],
    },
  };
  const release =
    'apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata:\n  name: x\nspec:\n  own: 1\n  interval: 1m\n';
  const marked = (d: Diagnostic[]) => d.map((x) => [x.code, textAt(release, x.range)]);

  it("judges a custom resource by the workspace's CRD rather than the catalog's", async () => {
    fs.writeFileSync(path.join(dir, 'crd.yaml'), JSON.stringify(ownCrd));
    client = await LspClient.start({ root: dir });
    const uri = uriOf(path.join(dir, 'release.yaml'));
    await client.open(uri, release);
    assert.deepStrictEqual(marked(await client.waitForDiagnostics(uri)), [['unknown-field', 'interval']]);
  });

  it("judges a custom resource by the cluster's CRD rather than the catalog's", async () => {
    client = await LspClient.start({ root: dir });
    const uri = uriOf(path.join(dir, 'release.yaml'));
    await client.open(uri, release);
    // by the catalog until the cluster's CRDs arrive: `own` is no HelmRelease field there
    assert.deepStrictEqual(marked(await client.waitForDiagnostics(uri)), [['unknown-field', 'own']]);
    await client.notify('slipway/customResourceDefinitions', { items: [ownCrd] });
    const byCluster = await client.waitForDiagnostics(uri, (d) => !d.some((x) => textAt(release, x.range) === 'own'));
    assert.deepStrictEqual(marked(byCluster), [['unknown-field', 'interval']]);
  });

  it('forgets a JSON document once it is closed', async () => {
    const deployment =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n    - name: c\n      image: busybox:1\n' +
      '      envFrom:\n        - configMapRef:\n            name: settings\n';
    fs.writeFileSync(path.join(dir, 'pod.yaml'), deployment);
    client = await LspClient.start({ root: dir, initializationOptions: NO_HINTS });
    const pod = uriOf(path.join(dir, 'pod.yaml'));
    await client.open(pod, deployment);
    await client.waitForDiagnostics(pod, (d) => d.some((x) => x.code === 'missing-reference'));
    // a JSON file is no workspace file, but while it is open it is one of the documents
    const jsonText = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings' } });
    fs.writeFileSync(path.join(dir, 'settings.json'), jsonText);
    const json = uriOf(path.join(dir, 'settings.json'));
    await client.open(json, jsonText);
    await client.waitForDiagnostics(pod, (d) => d.length === 0);
    await client.close(json);
    const after = await client.waitForDiagnostics(pod, (d) => d.length > 0);
    assert.deepStrictEqual(
      after.map((x) => [x.code, x.message]),
      [['missing-reference', 'ConfigMap "settings" is not defined in the workspace']],
    );
  });
});
