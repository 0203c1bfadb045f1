// Real repositories hold more than cluster resources: Helm charts, kustomize bases, overlays and patches,
// build and tool configs. Each fixture file gets exactly the diagnostics a user should see: none where the
// file is right for the tool that reads it, and the true mistakes kept (a typo in Chart.yaml or a
// kustomization, a wrongly typed field in a patch, a bad JSON 6902 operation, an untagged image no tool tags).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Diagnostic, find, FIXTURES, LspClient, uriOf } from './lspClient';

/** A diagnostic as the user reads it: line (1-based), severity, code and message. */
const UNTAGGED = 'has no tag, so it means :latest and changes under you: pin a version (or a digest)';

function shown(d: Diagnostic): string {
  const severity = ['', 'error', 'warning', 'info', 'hint'][d.severity ?? 0];
  return `${d.range.start.line + 1} ${severity} ${d.code}: ${d.message}`;
}

/** Every file under a folder, relative to it. */
function filesUnder(root: string, dir = root): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(root, full) : [path.relative(root, full).split(path.sep).join('/')];
  });
}

/** Opens every file of a fixture folder (its workspace) and checks each file's diagnostics exactly. */
function expectExactly(folder: string, expected: Record<string, string[]>): void {
  const root = path.join(FIXTURES, folder);
  it(`${folder}: every file's diagnostics`, async function () {
    const client = await LspClient.start({ root });
    try {
      const files = filesUnder(root);
      assert.deepStrictEqual(
        files.filter((f) => !(f in expected)),
        [],
        'every fixture file has its expectation',
      );
      for (const file of files) {
        const uri = uriOf(path.join(root, file));
        await client.open(uri, fs.readFileSync(path.join(root, file), 'utf8'));
        const got = (await client.waitForDiagnostics(uri)).map(shown).sort();
        assert.deepStrictEqual(got, [...expected[file]].sort(), file);
      }
    } finally {
      await client.stop();
    }
  });
}

describe('language server: Helm charts, kustomize and tool configs', function () {
  expectExactly('helm', {
    'demo/Chart.yaml': ['3 error unknown-field: unknown field "descripton": did you mean "description"?'],
    'demo/values.yaml': [],
    'demo/templates/_helpers.tpl': [],
    'demo/templates/NOTES.txt': [],
    'demo/templates/deployment.yaml': [],
    'demo/templates/service.yaml': [],
    'demo/templates/ingress.yaml': [],
    // a template without actions is rendered as written: its YAML mistake is Helm's error too
    'demo/templates/limits.yaml': ['7 error yaml-syntax: All mapping items must start at the same column'],
    // the static parts of a template are still checked
    'demo/templates/extra-service.yaml': [
      '6 error unknown-field: unknown field "spec.sessionAfinity": did you mean "sessionAffinity"?',
      '7 error unknown-field: unknown field "spec.tpye"',
    ],
  });

  expectExactly('kustomize', {
    'base/kustomization.yaml': [],
    // builtin transformer configurations have kustomize's fields
    'base/owner-label.yaml': ['15 error unknown-field: unknown field "sufix": did you mean "suffix"?'],
    'base/deployment.yaml': [],
    'base/service.yaml': [],
    'base/worker.yaml': [],
    'base/service-account.yaml': [],
    // names the ServiceAccount with the staging overlay's prefix
    'consumer.yaml': [],
    'components/monitoring/kustomization.yaml': [],
    'components/monitoring/pod-monitor-config.yaml': [],
    'overlays/staging/kustomization.yaml': [],
    'overlays/staging/replicas-patch.yaml': [],
    'overlays/staging/image-patch.yaml': [],
    'overlays/production/kustomization.yaml': [],
    'overlays/production/resources-patch.yaml': [
      '6 error schema: spec.replicas: Invalid value: "three": must be of type integer',
    ],
    'overlays/production/ops-patch.yaml': [
      '5 error schema: [1].op: Unsupported value: "replce": supported values: add, remove, replace, move, copy, test',
      '8 error schema: [2].from: Required value: "copy" needs from',
    ],
    'typo/kustomization.yaml': [
      '3 error unknown-field: unknown field "commonLables": did you mean "commonLabels"?',
      '7 error schema: replicas[0].count: Invalid value: "two": must be of type integer',
      '9 warning missing-reference: patches[0].path: "replica-patch.yaml" does not exist (paths are relative to ' +
        'this folder): kustomize build stops here',
      '12 error schema: patches[1]: Invalid value: "drop-service.yaml": must be of type object: write it as ' +
        '"- path: drop-service.yaml"',
    ],
    // a patch named without `path:` is still a patch: `$patch` and a Service without ports are right in it
    'typo/drop-service.yaml': [],
    // outside every kustomization the cross-file checks hold as before
    'standalone.yaml': [
      '6 info service-selector: Service selector tier=db matches no workload in the workspace',
      '29 warning missing-reference: ConfigMap "absent-config" is not defined in the workspace',
    ],
  });

  // patches written inside the kustomization are checked as patch files are, each on its line of the block
  expectExactly('kustomize-inline', {
    'base/kustomization.yaml': [],
    'base/deployment.yaml': [],
    'overlay/kustomization.yaml': [
      '12 error schema: spec.replicas: Invalid value: "three": must be of type integer',
      '17 error unknown-field: unknown field "spec.template.spec.containers[0].imagePullPolice": did you mean ' +
        '"imagePullPolicy"?',
      '26 error schema: [1].op: Unsupported value: "replce": supported values: add, remove, replace, move, copy, test',
      '30 error schema: [2].path: Invalid value: a JSON pointer starts with / (e.g. /spec/replicas)',
      '41 error schema: spec.template.spec.terminationGracePeriodSeconds: Invalid value: "soon": must be of type ' +
        'integer',
      // a patch written on one line is reported on its whole value
      '48 error schema: [1].from: Required value: "move" needs from',
    ],
    'good/kustomization.yaml': [],
  });

  // the names a chart's templates give their objects: static ones are defined, templated ones may match
  expectExactly('helm-names', {
    'shop/Chart.yaml': [],
    'shop/templates/configmap.yaml': [],
    'shop/templates/serviceaccount.yaml': [],
    // prod-web-config, the ServiceAccount and shop-credentials may come from the chart; these cannot
    'consumer.yaml': [
      '33 warning missing-reference: ConfigMap "prod-web-settings" is not defined in the workspace',
      '43 warning missing-reference: PersistentVolumeClaim "storefront-data" is not defined in the workspace',
    ],
  });

  expectExactly('tools', {
    'skaffold.yaml': [],
    'kind-cluster.yaml': [],
    'kubelet-config.yaml': [],
    'kuttl-test.yaml': [],
    // Helm actions make a template; an Argo workflow's parameters in a string leave the Pod a resource
    'templated.yaml': [
      '31 error unknown-field: unknown field "spec.containers[0].resource": did you mean "resources"?',
      '28 info resources: Container "echo" has no resource requests or limits: the scheduler cannot place it by what ' +
        'it needs, and it may use a whole node',
      '28 info readiness-probe: Container "echo" has no readinessProbe: it receives Service traffic as soon as ' +
        'it starts',
    ],
    // template text inside a string leaves the ConfigMap a resource, checked as one
    'alert-templates.yaml': ['8 error unknown-field: unknown field "dta": did you mean "data"?'],
    // `{{ }}` in a comment is no template action: the rendered Deployment is checked as a resource
    'rendered.yaml': [
      '6 error schema: spec.selector: Required value',
      '10 error selector-mismatch: spec.template.metadata.labels: Invalid value: {"app":"rendered"}: `selector` does ' +
        'not match template `labels`',
    ],
    // skaffold builds (and tags) shop-frontend and shop-cart, ko checkout; nothing tags redis
    'k8s/frontend.yaml': [`32 warning image-tag: Image "redis" ${UNTAGGED}`],
  });
});

describe('language server: kustomizations as the editor sees them', function () {
  const root = path.join(FIXTURES, 'kustomize');
  const base = (f: string) => path.join(root, 'base', f);
  const read = (f: string) => fs.readFileSync(f, 'utf8');
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ root });
  });
  after(async () => client?.stop());

  it('takes back the labels, generated ConfigMap and image tag a kustomization gave when it drops them', async () => {
    const kustomization = uriOf(base('kustomization.yaml'));
    const service = uriOf(base('service.yaml'));
    const deployment = uriOf(base('deployment.yaml'));
    await client.open(kustomization, read(base('kustomization.yaml')));
    await client.open(service, read(base('service.yaml')));
    await client.open(deployment, read(base('deployment.yaml')));
    assert.deepStrictEqual(await client.waitForDiagnostics(service), []);
    assert.deepStrictEqual(await client.waitForDiagnostics(deployment), []);
    const bare = read(base('kustomization.yaml'))
      .replace('commonLabels:\n  app: demo\n', '')
      .replace(/configMapGenerator:[^]*?(?=images:)/, '')
      .replace(/images:[^]*?(?=transformers:)/, '');
    await client.change(kustomization, bare);
    const s = await client.waitForDiagnostics(service, (d) => d.length > 0);
    assert.deepStrictEqual(s.map(shown), [
      '6 info service-selector: Service selector app=demo matches no workload in the workspace',
    ]);
    const d = await client.waitForDiagnostics(deployment, (x) => x.length > 0);
    assert.deepStrictEqual(d.map(shown).sort(), [
      `19 warning image-tag: Image "demo-image" ${UNTAGGED}`,
      '22 warning missing-reference: ConfigMap "demo-config" is not defined in the workspace (namespace demo)',
    ]);
  });

  it('completes and describes kustomization fields from kustomize’s schema', async () => {
    const uri = uriOf(path.join(root, 'typo', 'kustomization.yaml'));
    const text = 'resources:\n  - ../base\nnameP\n';
    await client.open(uri, text);
    const at = find(text, 'nameP', 5);
    const list = await client.request<{ items: { label: string; detail?: string }[] }>('textDocument/completion', {
      textDocument: { uri },
      position: at,
    });
    const labels = list.items.map((i) => i.label);
    for (const field of ['namePrefix', 'commonLabels', 'configMapGenerator', 'helmCharts', 'patches', 'images'])
      assert.ok(labels.includes(field), `${field} in ${labels.join(', ')}`);
    assert.ok(!labels.includes('resources'), 'a key already there is not offered again');
    assert.ok(!labels.includes('spec'), 'no cluster resource fields');
    const kinds = await client.request<{ items: { label: string }[] }>('textDocument/completion', {
      textDocument: { uri },
      position: find(text, 'nameP', 0),
    });
    assert.ok(kinds.items.some((i) => i.label === 'kind'));
    const kindText = 'kind: \nresources:\n  - ../base\n';
    await client.change(uri, kindText);
    const kindValues = await client.request<{ items: { label: string }[] }>('textDocument/completion', {
      textDocument: { uri },
      position: { line: 0, character: 6 },
    });
    assert.deepStrictEqual(kindValues.items.map((i) => i.label).sort(), ['Component', 'Kustomization']);
    await client.change(uri, text);
    const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri },
      position: find(text, 'resources', 2),
    });
    assert.match(hover.contents.value, /^\*\*resources\*\* `\[\]string`/);
    assert.match(hover.contents.value, /directories \(with their own kustomization\)/);
  });

  it('describes Chart.yaml fields from the chart schema', async () => {
    const chart = path.join(FIXTURES, 'helm', 'demo', 'Chart.yaml');
    const text = read(chart);
    await client.open(uriOf(chart), text);
    const hover = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri: uriOf(chart) },
      position: find(text, 'appVersion', 2),
    });
    assert.match(hover.contents.value, /^\*\*appVersion\*\*/);
    assert.match(hover.contents.value, /version of the application the chart installs/);
  });

  it('places an inline patch’s diagnostics on their words inside the block, and a one-line patch’s on its value', async () => {
    const file = path.join(FIXTURES, 'kustomize-inline', 'overlay', 'kustomization.yaml');
    const text = read(file);
    await client.open(uriOf(file), text);
    const byMessage = new Map((await client.waitForDiagnostics(uriOf(file))).map((d) => [d.message, d.range]));
    const range = (needle: string, length: number) => {
      const start = find(text, needle);
      return { start, end: { line: start.line, character: start.character + length } };
    };
    assert.deepStrictEqual(
      byMessage.get('[1].op: Unsupported value: "replce": supported values: add, remove, replace, move, copy, test'),
      range('replce', 'replce'.length),
    );
    assert.deepStrictEqual(
      byMessage.get(
        'unknown field "spec.template.spec.containers[0].imagePullPolice": did you mean "imagePullPolicy"?',
      ),
      range('imagePullPolice', 'imagePullPolice'.length),
    );
    const oneLine = text.slice(text.indexOf("'[{"), text.indexOf("]'") + 2);
    assert.deepStrictEqual(byMessage.get('[1].from: Required value: "move" needs from'), range("'[{", oneLine.length));
  });
});
