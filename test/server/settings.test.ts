// Hints can be switched off: through workspace/configuration (and didChangeConfiguration), or
// through initializationOptions for clients that do not answer configuration requests.

import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { LspClient, REPO, uriOf } from './lspClient';

const HINTS = path.join(REPO, 'samples/broken/hints.yaml');
const text = fs.readFileSync(HINTS, 'utf8');
const codes = (d: { code?: string | number }[]) => [...new Set(d.map((x) => String(x.code)))].sort();

describe('language server: settings', function () {
  let client: LspClient;
  afterEach(async () => client?.stop());

  it('switches hints off and on through workspace/configuration', async () => {
    client = await LspClient.start({
      configuration: { hints: { imageTag: false, resources: true, readinessProbe: false } },
    });
    await client.open(uriOf(HINTS), text);
    // the first publication may precede the configuration answer; wait for the configured one
    const d = await client.waitForDiagnostics(uriOf(HINTS), (x) => !x.some((y) => y.code === 'image-tag'));
    assert.deepStrictEqual(codes(d), ['resources']);
    client.configuration = { hints: { imageTag: true, resources: false, readinessProbe: false } };
    await client.notify('workspace/didChangeConfiguration', { settings: null });
    const after = await client.waitForDiagnostics(uriOf(HINTS), (x) => x.some((y) => y.code === 'image-tag'));
    assert.deepStrictEqual(codes(after), ['image-tag']);
  });

  it('reads initializationOptions when the client has no configuration', async () => {
    client = await LspClient.start({
      initializationOptions: { settings: { slipway: { hints: { imageTag: false, resources: false } } } },
    });
    await client.open(uriOf(HINTS), text);
    const d = await client.waitForDiagnostics(uriOf(HINTS));
    assert.deepStrictEqual(codes(d), ['readiness-probe']);
  });
});
