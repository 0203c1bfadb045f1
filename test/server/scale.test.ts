// Files that once made the server stop answering: many definitions of one object (the duplicate check
// was cubic, selectors and references quadratic), and megabytes of broken manifests; requests are
// answered while such a file is checked.

import * as assert from 'assert';
import { WEB_DEPLOYMENT } from '../helpers/manifests';
import { Diagnostic, LspClient, uriOf } from './lspClient';
import { duplicateConfigMaps, fuzzedFile, rng } from './mutations';

describe('language server: scale', function () {
  this.timeout(90_000);
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ workDoneProgress: true });
  });
  after(async () => {
    const alive = client.exitCode === undefined;
    await client?.stop();
    assert.ok(alive, `the server exited: ${client.stderr}`);
  });

  it('flags each of 800 copies of one ConfigMap on its own name, within seconds', async () => {
    const { text, nameLines } = duplicateConfigMaps(800);
    const uri = uriOf('/tmp/slipway-scale-duplicates.yaml');
    const duplicates = (d: Diagnostic[]) => d.filter((x) => x.code === 'duplicate-resource');
    await client.open(uri, text);
    const d = duplicates(await client.waitForDiagnostics(uri, (x) => duplicates(x).length > 0, 5000));
    assert.deepStrictEqual(
      d.map((x) => x.range.start.line),
      nameLines,
    );
    assert.strictEqual(
      d[0].message,
      // a file outside the workspace folders is named by its whole path
      'ConfigMap "twin" in namespace shop is also defined in /tmp/slipway-scale-duplicates.yaml:12, ' +
        '/tmp/slipway-scale-duplicates.yaml:20, /tmp/slipway-scale-duplicates.yaml:28, ' +
        '/tmp/slipway-scale-duplicates.yaml:36, /tmp/slipway-scale-duplicates.yaml:44 and 794 more',
    );
    assert.match(d[799].message, /also defined in \/tmp\/slipway-scale-duplicates\.yaml:4, .* and 794 more$/);
    await client.close(uri);
  });

  it('checks 600 Services selecting 600 copies of a workload, and lists each reference once', async () => {
    const copies = 600;
    const config = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  k: v\n';
    const service =
      'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n' +
      '  ports:\n    - port: 80\n      targetPort: http\n';
    const pod =
      'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web\nspec:\n  containers:\n' +
      '    - name: web\n      image: nginx:1.27\n      envFrom:\n        - configMapRef:\n            name: settings\n';
    const text = Array(copies)
      .fill(config + '---\n' + service + '---\n' + pod)
      .join('---\n');
    const uri = uriOf('/tmp/slipway-scale-selectors.yaml');
    await client.open(uri, text);
    const ports = (d: Diagnostic[]) => d.filter((x) => x.code === 'target-port');
    const d = ports(await client.waitForDiagnostics(uri, (x) => ports(x).length > 0, 5000));
    assert.strictEqual(d.length, copies);
    assert.strictEqual(
      d[0].message,
      'targetPort "http" names no container port of the selected pods ' +
        '(Pod/web, Pod/web, Pod/web, Pod/web, Pod/web and 595 more)',
    );
    // every copy of the ConfigMap is referred to by the same 600 places: each is listed once
    const refs = await client.request<unknown[]>('textDocument/references', {
      textDocument: { uri },
      position: { line: 3, character: 8 },
      context: { includeDeclaration: false },
    });
    assert.strictEqual(refs.length, copies);
    await client.close(uri);
  });

  it('answers hover while 2 MB of fuzzed manifests are checked, and reports them in bounded time', async () => {
    const text = WEB_DEPLOYMENT + '---\n' + fuzzedFile(rng(1), 2 * 1024 * 1024);
    const uri = uriOf('/tmp/slipway-scale-fuzzed.yaml');
    const opened = Date.now();
    await client.open(uri, text);
    // the server shows progress for a long check: it is still at work when that begins
    // (re-checks of the documents earlier tests left open may show progress too)
    const begun = () =>
      client.progress.find((p) => p.at >= opened && p.value.kind === 'begin' && /fuzzed/.test(p.value.title ?? ''));
    const begin = await client.until(begun, 'progress', 30_000);
    assert.match(begin.value.title ?? '', /Checking slipway-scale-fuzzed\.yaml/);
    const asked = Date.now();
    const onReplicas = { textDocument: { uri }, position: { line: 5, character: 4 } };
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', onReplicas);
    const answeredIn = Date.now() - asked;
    const checkedYet = client.diagnostics.has(uri);
    assert.match(hover?.contents.value ?? '', /\*\*replicas\*\* `integer`/);
    assert.ok(!checkedYet, 'the hover was answered before the check of the file ended');
    assert.ok(answeredIn < 1000, `hover took ${answeredIn} ms during the check`);
    const d = await client.waitForDiagnostics(uri, undefined, 60_000);
    assert.ok(
      d.some((x) => x.code === 'yaml-syntax'),
      'the broken documents are reported',
    );
    assert.ok(
      client.progress.some((p) => p.token === begin.token && p.value.kind === 'end'),
      'the progress ends',
    );
  });

  it('checks a document opened while a long check of another runs, without waiting for that one', async () => {
    const big = uriOf('/tmp/slipway-scale-fuzzed-2.yaml');
    const opened = Date.now();
    await client.open(big, WEB_DEPLOYMENT + '---\n' + fuzzedFile(rng(2), 2 * 1024 * 1024));
    await client.until(
      () => client.progress.find((p) => p.at >= opened && p.value.kind === 'begin' && /fuzzed-2/.test(p.value.title!)),
      'progress of the long check',
      30_000,
    );
    const small = uriOf('/tmp/slipway-scale-small.yaml');
    const text = 'settings:\n  retries: [1, 2\n';
    await client.open(small, text);
    const d = await client.waitForDiagnostics(small, undefined, 10_000);
    assert.deepStrictEqual(
      d.map((x) => x.code),
      ['yaml-syntax'],
    );
    assert.ok(!client.diagnostics.has(big), 'the small document was checked before the long check ended');
    await client.waitForDiagnostics(big, undefined, 60_000);
    await client.close(small);
    await client.close(big);
  });
});
