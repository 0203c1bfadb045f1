// Files that once made the server stop answering: many definitions of one object (the duplicate check
// was cubic).

import * as assert from 'assert';
import { Diagnostic, LspClient, uriOf } from './lspClient';
import { duplicateConfigMaps } from './mutations';

describe('language server: scale', function () {
  this.timeout(90_000);
  let client: LspClient;
  before(async () => { client = await LspClient.start({}); });
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
    assert.deepStrictEqual(d.map((x) => x.range.start.line), nameLines);
    assert.strictEqual(d[0].message, 'ConfigMap "twin" in namespace shop is also defined in slipway-scale-duplicates.yaml:12, '
      + 'slipway-scale-duplicates.yaml:20, slipway-scale-duplicates.yaml:28, slipway-scale-duplicates.yaml:36, '
      + 'slipway-scale-duplicates.yaml:44 and 794 more');
    assert.match(d[799].message, /also defined in slipway-scale-duplicates\.yaml:4, .* and 794 more$/);
    await client.close(uri);
  });
});
