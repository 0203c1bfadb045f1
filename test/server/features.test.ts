// Completion, hover, go to definition, find references and document symbols over LSP, on the
// workspace fixture (test/fixtures/server/workspace).

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { find, FIXTURES, LspClient, Range, textAt, uriOf } from './lspClient';

const ROOT = path.join(FIXTURES, 'workspace');
const APP = path.join(ROOT, 'app.yaml');
const CONFIG = path.join(ROOT, 'config.yaml');
const appText = fs.readFileSync(APP, 'utf8');
const configText = fs.readFileSync(CONFIG, 'utf8');

interface Item {
  label: string;
  detail?: string;
  documentation?: { value: string };
  textEdit?: { newText: string };
  sortText?: string;
}
interface Location {
  uri: string;
  range: Range;
}

describe('language server: editor features', function () {
  let client: LspClient;
  let n = 0;
  before(async () => {
    client = await LspClient.start({ root: ROOT });
    await client.open(uriOf(APP), appText);
    await client.waitForDiagnostics(uriOf(APP));
  });
  after(async () => client?.stop());

  async function complete(text: string, marker = '|'): Promise<Item[]> {
    const uri = uriOf(path.join(ROOT, `typing-${n++}.yaml`));
    const at = find(text, marker);
    await client.open(uri, text.replace(marker, ''));
    const r = await client.request<{ items: Item[] } | Item[]>('textDocument/completion', {
      textDocument: { uri },
      position: at,
    });
    await client.close(uri);
    return Array.isArray(r) ? r : r.items;
  }
  const labels = (items: Item[]) => items.map((i) => i.label);

  it('completes top-level keys, required ones first, with documentation', async () => {
    const items = await complete('apiVersion: apps/v1\nkind: Deployment\n|\n');
    assert.deepStrictEqual(labels(items).sort(), ['metadata', 'spec', 'status']);
    const spec = items.find((i) => i.label === 'spec')!;
    assert.match(spec.documentation!.value, /Specification of the desired behavior/);
  });

  it('completes keys deep in a pod template, without the ones already there, required marked', async () => {
    const items = await complete(
      'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: web\n          |\n          image: x:1\n',
    );
    const l = labels(items);
    assert.ok(l.includes('imagePullPolicy') && l.includes('readinessProbe') && l.includes('ports'), l.join());
    assert.ok(!l.includes('name') && !l.includes('image'), 'present keys are not offered');
    const items2 = await complete(
      'apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - |\n',
    );
    const name = items2.find((i) => i.label === 'name')!;
    assert.strictEqual(name.detail, 'string (required)');
    assert.ok(name.sortText! < items2.find((i) => i.label === 'image')!.sortText!);
  });

  it('leaves out keys that follow a list written at their own column', async () => {
    // `ports:` holds a list whose dashes sit at the container's key column; `image` comes after it
    const items = await complete(
      'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: web\n      |\n      ports:\n' +
        '      - containerPort: 80\n      image: nginx:1\n',
    );
    const l = labels(items);
    assert.ok(l.includes('env') && l.includes('readinessProbe'), l.join());
    assert.ok(!l.includes('name') && !l.includes('ports') && !l.includes('image'), 'present keys are not offered');
  });

  it('completes enum and boolean values', async () => {
    const pull = await complete(
      'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      imagePullPolicy: |\n',
    );
    assert.deepStrictEqual(labels(pull).sort(), ['Always', 'IfNotPresent', 'Never']);
    const bool = await complete('apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: |\n');
    assert.deepStrictEqual(labels(bool), ['true', 'false']);
    const protocol = await complete(
      'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      ports:\n        - containerPort: 53\n          protocol: |\n',
    );
    assert.deepStrictEqual(labels(protocol).sort(), ['SCTP', 'TCP', 'UDP']);
    const port = await complete(
      'apiVersion: v1\nkind: Pod\nspec:\n  containers:\n    - name: a\n      ports:\n        - |\n',
    );
    assert.ok(labels(port).includes('containerPort'), labels(port).join());
  });

  it('completes apiVersions, and kinds for the chosen apiVersion', async () => {
    const versions = labels(await complete('apiVersion: |\n'));
    for (const v of ['v1', 'apps/v1', 'batch/v1', 'networking.k8s.io/v1', 'example.com/v1'])
      assert.ok(versions.includes(v), v);
    const kinds = labels(await complete('apiVersion: apps/v1\nkind: |\n'));
    assert.deepStrictEqual(kinds.sort(), [
      'ControllerRevision',
      'DaemonSet',
      'Deployment',
      'ReplicaSet',
      'StatefulSet',
    ]);
    const custom = labels(await complete('apiVersion: example.com/v1\nkind: |\n'));
    assert.deepStrictEqual(custom, ['Backup']);
  });

  it('offers whole-resource templates in an empty document', async () => {
    const items = await complete('|');
    const deployment = items.find((i) => i.label === 'Deployment')!;
    assert.ok(deployment.textEdit!.newText.startsWith('apiVersion: apps/v1\nkind: Deployment'));
  });

  it('completes label keys and values known in the workspace inside selectors', async () => {
    const keys = labels(
      await complete('apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    |\n'),
    );
    assert.ok(keys.includes('app') && keys.includes('tier'), keys.join());
    const values = labels(
      await complete('apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    tier: |\n'),
    );
    assert.deepStrictEqual(values, ['frontend']);
  });

  it('completes names of ConfigMaps, Secrets, claims and Services inside references', async () => {
    const pod = (ref: string) =>
      `apiVersion: v1\nkind: Pod\nmetadata:\n  namespace: shop\nspec:\n  containers:\n    - name: a\n${ref}`;
    assert.deepStrictEqual(
      labels(await complete(pod('      envFrom:\n        - configMapRef:\n            name: |\n'))),
      ['web-config'],
    );
    assert.deepStrictEqual(
      labels(
        await complete(
          pod(
            '      env:\n        - name: K\n          valueFrom:\n            secretKeyRef:\n              name: |\n',
          ),
        ),
      ),
      ['web-secret'],
    );
    assert.deepStrictEqual(
      labels(
        await complete(
          'apiVersion: v1\nkind: Pod\nspec:\n  volumes:\n    - name: d\n      persistentVolumeClaim:\n        claimName: |\n',
        ),
      ),
      ['web-data'],
    );
    assert.deepStrictEqual(
      labels(
        await complete(
          'apiVersion: networking.k8s.io/v1\nkind: Ingress\nspec:\n  defaultBackend:\n    service:\n      name: |\n',
        ),
      ),
      ['web'],
    );
  });

  it('completes fields of custom resources from their CRD', async () => {
    const items = await complete('apiVersion: example.com/v1\nkind: Backup\nspec:\n  |\n');
    assert.deepStrictEqual(labels(items).sort(), ['retention', 'schedule', 'target']);
    assert.strictEqual(items.find((i) => i.label === 'schedule')!.detail, 'string (required)');
    assert.deepStrictEqual(labels(await complete('apiVersion: example.com/v1\nkind: Backup\nspec:\n  target: |\n')), [
      's3',
      'gcs',
      'disk',
    ]);
  });

  it('hovers a field with its type and description, and a reference with the object it names', async () => {
    const h = await client.request<{ contents: { value: string }; range: Range }>('textDocument/hover', {
      textDocument: { uri: uriOf(APP) },
      position: find(appText, 'replicas', 2),
    });
    assert.match(h.contents.value, /\*\*replicas\*\* `integer`/);
    assert.match(h.contents.value, /desired pods/);
    assert.strictEqual(textAt(appText, h.range), 'replicas');
    const ref = await client.request<{ contents: { value: string } }>('textDocument/hover', {
      textDocument: { uri: uriOf(APP) },
      position: find(appText, 'web-config', 1),
    });
    assert.match(ref.contents.value, /ConfigMap web-config\*\* — config\.yaml:4/);
    assert.match(ref.contents.value, /MODE: production/);
  });

  it('goes from a reference to its definition in another file, and from a Service selector to the workloads', async () => {
    const defs = await client.request<Location[]>('textDocument/definition', {
      textDocument: { uri: uriOf(APP) },
      position: find(appText, 'web-secret', 1),
    });
    assert.strictEqual(defs.length, 1);
    assert.strictEqual(defs[0].uri, uriOf(CONFIG));
    assert.strictEqual(textAt(configText, defs[0].range), 'web-secret');
    assert.strictEqual(defs[0].range.start.line, 11);
    for (const [needle, kind] of [
      ['web-data', 'PersistentVolumeClaim'],
      ['web-sa', 'ServiceAccount'],
    ]) {
      const d = await client.request<Location[]>('textDocument/definition', {
        textDocument: { uri: uriOf(APP) },
        position: find(appText, needle, 1),
      });
      assert.strictEqual(d.length, 1, kind);
      assert.ok(configText.split('\n')[d[0].range.start.line - 2].includes(kind), kind);
    }
    const selector = find(appText, 'selector:', 0, 1);
    const workloads = await client.request<Location[]>('textDocument/definition', {
      textDocument: { uri: uriOf(APP) },
      position: selector,
    });
    assert.deepStrictEqual(
      workloads.map((l) => [l.uri, l.range.start.line]),
      [[uriOf(APP), 3]],
    );
    const backend = await client.request<Location[]>('textDocument/definition', {
      textDocument: { uri: uriOf(APP) },
      position: find(appText, 'name: web\n                port', 6),
    });
    assert.deepStrictEqual(
      backend.map((l) => l.range.start.line),
      [find(appText, 'kind: Service').line + 2],
    );
  });

  it('finds the references to a ConfigMap across files', async () => {
    await client.open(uriOf(CONFIG), configText);
    const refs = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uriOf(CONFIG) },
      position: find(configText, 'web-config', 2),
      context: { includeDeclaration: true },
    });
    const where = refs.map((r) => [path.basename(r.uri), r.range.start.line]);
    assert.deepStrictEqual(where, [
      ['config.yaml', 3],
      ['app.yaml', find(appText, 'name: web-config').line],
    ]);
    const deployment = await client.request<Location[]>('textDocument/references', {
      textDocument: { uri: uriOf(APP) },
      position: find(appText, 'web', 0),
      context: { includeDeclaration: false },
    });
    assert.deepStrictEqual(
      deployment.map((r) => textAt(appText, r.range)),
      ['selector'],
      'the Service selecting its pods',
    );
  });

  it('lists one symbol per object for the outline', async () => {
    const symbols = await client.request<{ name: string; detail: string; selectionRange: Range; range: Range }[]>(
      'textDocument/documentSymbol',
      { textDocument: { uri: uriOf(APP) } },
    );
    assert.deepStrictEqual(
      symbols.map((s) => s.name),
      ['Deployment web', 'Service web', 'Ingress web'],
    );
    assert.deepStrictEqual(
      symbols.map((s) => s.selectionRange.start.line),
      [3, find(appText, 'kind: Service').line + 2, find(appText, 'kind: Ingress').line + 2],
    );
    assert.strictEqual(symbols[0].detail, 'apps/v1, namespace shop');
  });
});
