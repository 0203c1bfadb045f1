// Diagnostics over LSP, each on the exact range of the offending key or value, and the quick fixes
// that repair them.

import * as assert from 'assert';
import * as path from 'path';
import { applyEdits, Diagnostic, FIXTURES, LspClient, textAt, uriOf } from './lspClient';

const ROOT = path.join(FIXTURES, 'workspace');
let n = 0;
const fresh = () => uriOf(path.join(ROOT, `unsaved-${process.pid}-${n++}.yaml`));

function one(d: Diagnostic[], code: string): Diagnostic {
  const found = d.filter((x) => x.code === code);
  assert.strictEqual(found.length, 1, `one ${code} in ${JSON.stringify(d.map((x) => `${x.code} ${x.message}`))}`);
  return found[0];
}

interface CodeAction {
  title: string;
  edit?: { changes: Record<string, { range: any; newText: string }[]> };
  isPreferred?: boolean;
}

describe('language server: diagnostics', function () {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ root: ROOT });
  });
  after(async () => client?.stop());

  async function diagnose(text: string): Promise<{ uri: string; d: Diagnostic[] }> {
    const uri = fresh();
    await client.open(uri, text);
    return { uri, d: await client.waitForDiagnostics(uri) };
  }

  async function fixesFor(uri: string, diag: Diagnostic): Promise<CodeAction[]> {
    return client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: diag.range,
      context: { diagnostics: [diag] },
    });
  }

  it('puts a syntax error on the line of the unclosed quote, and a duplicate key on the repeated key', async () => {
    const text = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  x: "open\n';
    const { d } = await diagnose(text);
    const e = one(d, 'yaml-syntax');
    assert.strictEqual(e.range.start.line, 5);
    assert.strictEqual(textAt(text, e.range), '"open');
    assert.strictEqual(e.severity, 1);
    const dup = 'a: 1\nb:\n  c: 2\n  c: 3\n';
    const r = await diagnose(dup);
    const k = one(r.d, 'duplicate-key');
    assert.deepStrictEqual(k.range, { start: { line: 3, character: 2 }, end: { line: 3, character: 3 } });
  });

  it('reads the documents around a directive or `...` as YAML streams them, each error on its own line', async () => {
    const cm = (name: string, value: string) =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: ${value}\n`;
    const text = [
      cm('before', '"ok"'),
      '...\n',
      '%YAML 1.2\n',
      '---\n',
      cm('directed', '[1'),
      '...\n',
      '---\n',
      cm('after', '"open'),
    ].join('');
    const { uri, d } = await diagnose(text);
    const lines = text.split('\n');
    const syntax = d.filter((x) => x.code === 'yaml-syntax').map((x) => x.range.start.line);
    const directed = [lines.indexOf('  name: directed'), lines.lastIndexOf('...')];
    assert.strictEqual(syntax.length, 2, JSON.stringify(d));
    assert.ok(syntax[0] > directed[0] && syntax[0] <= directed[1], `bracket error at ${syntax[0]}`);
    assert.strictEqual(syntax[1], lines.indexOf('  k: "open'), 'the unclosed quote after the region');
    // hover finds the document of the region the position is in
    const hover = async (line: number) => {
      const params = { textDocument: { uri }, position: { line, character: 3 } };
      const r = await client.request<{ contents: { value: string } } | null>('textDocument/hover', params);
      return r?.contents.value ?? '';
    };
    assert.match(await hover(lines.indexOf('  name: directed')), /\*\*name\*\*/);
    assert.match(await hover(lines.indexOf('  name: after')), /\*\*name\*\*/);
  });

  it('gives YAML that is not Kubernetes only syntax diagnostics', async () => {
    const ok = await diagnose(
      'name: build\non:\n  push:\n    branches: [main]\njobs:\n  test:\n    runs-on: ubuntu-latest\n',
    );
    assert.deepStrictEqual(ok.d, []);
    const bad = await diagnose('name: build\njobs: [\n');
    assert.deepStrictEqual(
      bad.d.map((x) => x.code),
      ['yaml-syntax'],
    );
  });

  it('places schema errors: value for bad values, key for unknown fields, parent key for missing ones', async () => {
    const text = [
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web',
      'spec:',
      '  replicas: "two"',
      '  paused: maybe',
      '  selector:',
      '    matchLabels: {app: web}',
      '  template:',
      '    metadata:',
      '      labels: {app: web}',
      '    spec:',
      '      restartPolicy: Sometimes',
      '      containerz: []',
      '',
    ].join('\n');
    const { d } = await diagnose(text);
    const byPath = (p: string) => {
      const x = d.find((y) => y.message.startsWith(p) || y.message.includes(`"${p}"`));
      assert.ok(x, `${p} in ${d.map((y) => y.message).join('\n')}`);
      return textAt(text, x.range);
    };
    assert.strictEqual(byPath('spec.replicas'), '"two"');
    assert.strictEqual(byPath('spec.paused'), 'maybe');
    assert.strictEqual(byPath('spec.template.spec.restartPolicy'), 'Sometimes');
    assert.strictEqual(byPath('spec.template.spec.containerz'), 'containerz');
    const missing = d.find((x) => x.message.startsWith('spec.template.spec.containers: Required'));
    assert.ok(missing, d.map((y) => y.message).join('\n'));
    assert.strictEqual(textAt(text, missing.range), 'spec', 'the missing field is reported on its parent key');
    assert.ok(d.every((x) => x.severity === 1 || x.code !== 'schema'));
  });

  it('names map keys as kube-apiserver does (`requests[cpu]`, `data[key]`), each error on its entry', async () => {
    const text = [
      'apiVersion: v1',
      'kind: Pod',
      'metadata:',
      '  name: p',
      'spec:',
      '  containers:',
      '  - name: app',
      '    image: nginx:1.25',
      '    resources:',
      '      limits: {memory: 1Gi}',
      '      requests:',
      '        memory: 2Gi',
      '        cpu: "-1"',
      '---',
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata: {name: c}',
      'data:',
      '  ok: fine',
      '  my key: value',
      '  count: 3',
      '',
    ].join('\n');
    const { d } = await diagnose(text);
    const schema = d.filter((x) => x.code === 'schema');
    assert.deepStrictEqual(
      schema.map((x) => [x.message, x.range.start.line, textAt(text, x.range)]),
      [
        [
          'spec.containers[0].resources.requests[cpu]: Invalid value: "-1": must be greater than or equal to 0',
          12,
          '"-1"',
        ],
        [
          'spec.containers[0].resources.requests: Invalid value: "2Gi": ' +
            'must be less than or equal to memory limit of 1Gi',
          10,
          'requests',
        ],
        ['data[count]: Invalid value: 3: must be of type string', 20, '3'],
        [
          'data[my key]: Invalid value: "my key": a valid config key must consist of alphanumeric characters, ' +
            "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is " +
            "'[-._a-zA-Z0-9]+')",
          19,
          'value',
        ],
      ],
    );
  });

  it('validates each document of a multi-document file on its own lines', async () => {
    const text =
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  k: v\n---\n# a comment\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: Magic\n  ports:\n    - port: 80\n';
    const { d } = await diagnose(text);
    assert.deepStrictEqual(
      d.filter((x) => x.code === 'schema').map((x) => [x.range.start.line, textAt(text, x.range)]),
      [[14, 'Magic']],
    );
  });

  it('names the replacement of a removed apiVersion and fixes it', async () => {
    const text =
      'apiVersion: apps/v1beta2\nkind: Deployment\nmetadata:\n  name: old\nspec:\n  selector:\n    matchLabels: {app: old}\n  template:\n    metadata:\n      labels: {app: old}\n    spec:\n      containers:\n        - name: c\n          image: busybox:1.36\n';
    const { uri, d } = await diagnose(text);
    const removed = one(d, 'removed-api');
    assert.strictEqual(textAt(text, removed.range), 'apps/v1beta2');
    assert.match(removed.message, /use apps\/v1/);
    const actions = await fixesFor(uri, removed);
    assert.strictEqual(actions[0].title, 'Change apiVersion to apps/v1');
    const fixed = applyEdits(text, actions[0].edit!.changes[uri]);
    assert.ok(fixed.startsWith('apiVersion: apps/v1\nkind: Deployment'));
    await client.change(uri, fixed);
    const after = await client.waitForDiagnostics(uri);
    assert.deepStrictEqual(
      after.filter((x) => x.severity === 1),
      [],
    );
  });

  it('suggests the field an unknown one was meant to be, and a supported value for an unsupported one', async () => {
    const text =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selectr:\n    app: x\n  type: nodeport\n  ports:\n    - port: 80\n';
    const { uri, d } = await diagnose(text);
    const unknown = one(d, 'unknown-field');
    assert.strictEqual(textAt(text, unknown.range), 'selectr');
    const rename = await fixesFor(uri, unknown);
    assert.strictEqual(applyEdits(text, rename[0].edit!.changes[uri]).split('\n')[5], '  selector:');
    const enumError = d.find((x) => x.message.startsWith('spec.type'))!;
    const values = await fixesFor(uri, enumError);
    const nodePort = values.find((a) => a.title === 'Change to NodePort')!;
    assert.strictEqual(applyEdits(text, nodePort.edit!.changes[uri]).split('\n')[7], '  type: NodePort');
  });

  it('makes a selector match the template labels', async () => {
    const text =
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: w\nspec:\n  selector:\n    matchLabels:\n      app: w\n      tier: api\n  template:\n    metadata:\n      labels:\n        app: w\n        tier: batch\n    spec:\n      containers:\n        - name: c\n          image: busybox:1.36\n';
    const { uri, d } = await diagnose(text);
    const mismatch = one(d, 'selector-mismatch');
    assert.strictEqual(textAt(text, mismatch.range), 'labels');
    const [action] = await fixesFor(uri, mismatch);
    assert.strictEqual(action.title, 'Make the selector match the template labels');
    const fixed = applyEdits(text, action.edit!.changes[uri]);
    assert.ok(fixed.includes('    matchLabels:\n      app: w\n      tier: batch\n  template:'), fixed);
    await client.change(uri, fixed);
    const after = await client.waitForDiagnostics(uri);
    assert.deepStrictEqual(
      after.filter((x) => x.code === 'selector-mismatch'),
      [],
    );
  });

  it('resolves references against other files of the workspace and warns about the missing ones', async () => {
    const text =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  namespace: shop\nspec:\n  containers:\n    - name: c\n      image: busybox:1.36\n      resources: {requests: {cpu: 10m}}\n      envFrom:\n        - configMapRef:\n            name: web-config\n        - secretRef:\n            name: nowhere\n      readinessProbe: {exec: {command: ["true"]}}\n';
    const { d } = await diagnose(text);
    const missing = one(d, 'missing-reference');
    assert.strictEqual(textAt(text, missing.range), 'nowhere');
    // Secrets are usually made outside git: an information, not a warning
    assert.strictEqual(missing.severity, 3);
    assert.strictEqual(
      missing.message,
      'Secret "nowhere" is not defined in the workspace (namespace shop): make sure it exists in the cluster',
    );
  });

  it('updates a document that refers to another one when that one changes', async () => {
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p2\nspec:\n  serviceAccountName: robot\n  containers:\n    - name: c\n      image: busybox:1.36\n      resources: {requests: {cpu: 10m}}\n      readinessProbe: {exec: {command: ["true"]}}\n';
    const { uri, d } = await diagnose(pod);
    assert.strictEqual(one(d, 'missing-reference').message, 'ServiceAccount "robot" is not defined in the workspace');
    const other = fresh();
    await client.open(other, 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: robot\n');
    await client.waitForDiagnostics(uri, (x) => !x.some((y) => y.code === 'missing-reference'));
  });

  it('updates the documents that refer to an edited one when a request about it comes before its check', async () => {
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: p3\nspec:\n  serviceAccountName: crawler\n  containers:\n    - name: c\n      image: busybox:1.36\n      resources: {requests: {cpu: 10m}}\n      readinessProbe: {exec: {command: ["true"]}}\n';
    const account = 'apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: crawler\n';
    const other = fresh();
    await client.open(other, account);
    await client.waitForDiagnostics(other);
    const { uri } = await diagnose(pod);
    await client.waitForDiagnostics(uri, (x) => !x.some((y) => y.code === 'missing-reference'));
    // the hover reads the edited text before the edit's own check runs
    const renamed = account.replace('crawler', 'spider');
    await client.change(other, renamed);
    await client.request('textDocument/hover', { textDocument: { uri: other }, position: { line: 3, character: 8 } });
    const after = await client.waitForDiagnostics(uri, (x) => x.some((y) => y.code === 'missing-reference'));
    assert.strictEqual(
      one(after, 'missing-reference').message,
      'ServiceAccount "crawler" is not defined in the workspace',
    );
  });
});
