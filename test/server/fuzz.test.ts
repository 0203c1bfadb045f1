// Any input gets diagnostics or nothing, never a crash or a hang: mutated manifests, binary
// garbage, alias bombs, deep nesting and a 50,000-line file, with requests at random positions.

import * as assert from 'assert';
import { find, LspClient, uriOf } from './lspClient';
import { aliasBomb, binaryGarbage, corpus, longFile, mutate, rng } from './mutations';

describe('language server: fuzz', function () {
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({});
  });
  after(async () => {
    const alive = client.exitCode === undefined;
    await client?.stop();
    assert.ok(alive, `the server exited: ${client.stderr}`);
  });

  async function survive(uri: string, text: string, random: () => number): Promise<void> {
    await client.change(uri, text);
    await client.waitForDiagnostics(uri, undefined, 20000);
    const lines = text.split('\n');
    const line = Math.floor(random() * lines.length);
    const position = { line, character: Math.floor(random() * ((lines[line]?.length ?? 0) + 2)) };
    const params = { textDocument: { uri }, position };
    await Promise.all([
      client.request('textDocument/completion', params),
      client.request('textDocument/hover', params),
      client.request('textDocument/definition', params),
      client.request('textDocument/references', { ...params, context: { includeDeclaration: true } }),
      client.request('textDocument/documentSymbol', { textDocument: { uri } }),
      client.request('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: position, end: position },
        context: { diagnostics: client.diagnostics.get(uri) ?? [] },
      }),
    ]);
  }

  it('answers every request on mutated manifests and binary garbage', async () => {
    const random = rng(7);
    const files = corpus();
    const uri = uriOf('/tmp/slipway-fuzz.yaml');
    await client.open(uri, '');
    for (let i = 0; i < 150; i++) {
      const text =
        i % 10 === 9
          ? binaryGarbage(random, 200 + Math.floor(random() * 2000))
          : mutate(files[i % files.length], random);
      await survive(uri, text, random);
    }
  });

  it('caps alias expansion in YAML bombs and reports it', async () => {
    const uri = uriOf('/tmp/slipway-bomb.yaml');
    await client.open(uri, aliasBomb());
    const d = await client.waitForDiagnostics(uri, undefined, 20000);
    assert.ok(
      d.some((x) => /Alias expansion exceeds the limit/.test(x.message)),
      JSON.stringify(d),
    );
    const nested = '['.repeat(20000) + ']'.repeat(20000);
    await survive(uri, nested, rng(1));
  });

  it('validates a 50,000-line file and still completes in it', async () => {
    const text = longFile(50000);
    assert.ok(text.split('\n').length >= 50000);
    const uri = uriOf('/tmp/slipway-long.yaml');
    await client.open(uri, text.replace('value 4000', 'value 4000\n  bad: [1'));
    const d = await client.waitForDiagnostics(uri, undefined, 60000);
    assert.ok(
      d.some((x) => x.code === 'yaml-syntax'),
      'the syntax error deep in the file is found',
    );
    const r = await client.request<{ items: { label: string }[] }>('textDocument/completion', {
      textDocument: { uri },
      position: find(text, '  labels:', 2, 3000),
    });
    assert.ok(
      r.items.some((i) => i.label === 'annotations'),
      'metadata fields are offered deep in the file',
    );
    const s = await client.request<unknown[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.ok(s.length > 4000);
  });
});
