// The language server reads YAML through the shared reader: a file nested 1,000 levels deep (the one that
// aborted the API server) or with deep mapping keys gets a clear diagnostic at once, and the server answers on.
import * as assert from 'assert';
import * as path from 'path';
import { FIXTURES, LspClient, uriOf } from './lspClient';

const ROOT = path.join(FIXTURES, 'workspace');

describe('language server: hostile YAML', function () {
  this.timeout(30_000);
  let client: LspClient;
  before(async () => {
    client = await LspClient.start({ root: ROOT });
  });
  after(async () => client?.stop());

  it('a 1,000-deep document and 800-deep mapping keys get a nesting diagnostic quickly', async () => {
    const texts = [
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: deep\nnested: ${'{a: '.repeat(1000)}1${'}'.repeat(1000)}\n`,
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: keys\ndata:\n  ${'? '.repeat(800)}x\n`,
    ];
    for (const [i, text] of texts.entries()) {
      const uri = uriOf(path.join(ROOT, `hostile-${process.pid}-${i}.yaml`));
      const start = Date.now();
      await client.open(uri, text);
      const d = await client.waitForDiagnostics(uri);
      assert.ok(Date.now() - start < 5000, `${Date.now() - start} ms`);
      assert.ok(
        d.some((x) => /nested more than 100 levels deep/.test(x.message)),
        JSON.stringify(d.map((x) => x.message)),
      );
    }
  });
});
