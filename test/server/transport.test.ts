// The server starts over node IPC (as the VS Code extension starts it) as well as over stdio, and
// says how to start it when no transport is given.

import * as assert from 'assert';
import { spawnSync } from 'child_process';
import { LspClient, SERVER_MAIN, uriOf } from './lspClient';

describe('language server: transports', function () {
  it('answers over node IPC', async () => {
    const client = await LspClient.start({ transport: 'ipc' });
    try {
      const uri = uriOf('/tmp/slipway-ipc.yaml');
      await client.open(uri, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  k: 1\n');
      const d = await client.waitForDiagnostics(uri);
      assert.deepStrictEqual(
        d.map((x) => x.message),
        ['data[k]: Invalid value: 1: must be of type string'],
      );
    } finally {
      await client.stop();
    }
    assert.strictEqual(client.exitCode, 0);
  });

  it('exits with usage when no transport is given', () => {
    const r = spawnSync(process.execPath, [SERVER_MAIN], { encoding: 'utf8' });
    assert.strictEqual(r.status, 2);
    assert.match(r.stderr, /Usage: slipway-language-server --stdio/);
  });
});
