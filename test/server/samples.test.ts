// Every sample manifest is free of diagnostics; each manifest under samples/broken gets exactly the
// diagnostics its `# expect <code>` comments announce, line by line.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { Diagnostic, LspClient, REPO, uriOf } from './lspClient';

const SAMPLES = path.join(REPO, 'samples');
const BROKEN = path.join(SAMPLES, 'broken');

function yamlFiles(dir: string): string[] {
  const out: string[] = [];
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) out.push(...yamlFiles(full));
    else if (/\.ya?ml$/.test(e.name)) out.push(full);
  }
  return out.sort();
}

function expected(text: string): string[] {
  const out: string[] = [];
  text.split('\n').forEach((line, i) => {
    const m = /# expect ([\w\- ]+)$/.exec(line);
    if (m) for (const code of m[1].trim().split(/\s+/)) out.push(`${i + 1} ${code}`);
  });
  return out.sort();
}

function actual(diags: Diagnostic[]): string[] {
  return diags.map((d) => `${d.range.start.line + 1} ${d.code}`).sort();
}

describe('language server: samples', function () {
  let client: LspClient;
  after(async () => client?.stop());

  it('reports nothing on the samples that are meant to be right', async () => {
    client = await LspClient.start({ root: SAMPLES });
    const files = yamlFiles(SAMPLES).filter((f) => !f.startsWith(BROKEN + path.sep));
    assert.ok(files.length >= 4, 'samples found');
    for (const f of files) await client.open(uriOf(f), fs.readFileSync(f, 'utf8'));
    for (const f of files) {
      const d = await client.waitForDiagnostics(uriOf(f));
      assert.deepStrictEqual(
        d.map((x) => `${path.relative(SAMPLES, f)}:${x.range.start.line + 1} ${x.code} ${x.message}`),
        [],
      );
    }
  });

  for (const name of fs
    .readdirSync(BROKEN)
    .filter((n) => /\.ya?ml$/.test(n))
    .sort()) {
    it(`reports what samples/broken/${name} announces, line by line`, async () => {
      const file = path.join(BROKEN, name);
      const text = fs.readFileSync(file, 'utf8');
      await client.open(uriOf(file), text);
      const d = await client.waitForDiagnostics(uriOf(file));
      assert.deepStrictEqual(
        actual(d),
        expected(text),
        d.map((x) => `${x.range.start.line + 1}:${x.range.start.character} ${x.code} ${x.message}`).join('\n'),
      );
    });
  }
});
