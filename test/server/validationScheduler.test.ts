// When the diagnostics of open documents go out while the workspace is still being read: each document's first
// check does not wait for a long scan, and after the scan only the documents whose findings changed get new ones.

import * as assert from 'assert';
import { Connection, PublishDiagnosticsParams, TextDocuments } from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ServerContext } from '../../server/handlers/serverContext';
import { ValidationScheduler } from '../../server/handlers/validationScheduler';
import { DEFAULT_SETTINGS } from '../../server/settings';
import { WorkspaceIndex } from '../../server/workspace/workspaceIndex';
import { WEB_DEPLOYMENT } from '../helpers/manifests';

const SERVICE = `apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector:
    app: web
  ports:
    - port: 80
`;

const CONFIG_MAP = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
`;

/** The scheduler over open documents held here, publishing into `published` (one entry per notification). */
function setUp() {
  const open = new Map<string, TextDocument>();
  const published: PublishDiagnosticsParams[] = [];
  const connection = {
    sendDiagnostics: async (p: PublishDiagnosticsParams) => void published.push(p),
    // progress is not under test: the client does not support it
    window: { createWorkDoneProgress: () => Promise.reject(new Error('no progress')) },
  } as unknown as Connection;
  const documents = {
    get: (uri: string) => open.get(uri),
    all: () => [...open.values()],
  } as unknown as TextDocuments<TextDocument>;
  const index = new WorkspaceIndex();
  const ctx: ServerContext = { connection, documents, index, shuttingDown: false, log: () => undefined };
  const scheduler = new ValidationScheduler(ctx, () => DEFAULT_SETTINGS);
  const openDocument = (uri: string, text: string): void => {
    open.set(uri, TextDocument.create(uri, 'yaml', 1, text));
    scheduler.schedule(uri, 0);
  };
  const publishes = (uri: string) => published.filter((p) => p.uri === uri);
  return { index, scheduler, openDocument, publishes };
}

async function until(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('language server: validation during the workspace scan', function () {
  this.timeout(20_000);

  it('checks a file opened during a long scan once, and again only for what the scan changed', async () => {
    const { index, scheduler, openDocument, publishes } = setUp();
    let finishScan = (): void => undefined;
    scheduler.waitFor(new Promise<void>((resolve) => (finishScan = resolve)));
    try {
      const config = 'file:///repo/config.yaml';
      const service = 'file:///repo/service.yaml';
      openDocument(config, CONFIG_MAP);
      openDocument(service, SERVICE);
      await until('the first diagnostics', () => publishes(config).length > 0 && publishes(service).length > 0);
      const codes = (p: PublishDiagnosticsParams) => p.diagnostics.map((d) => d.code);
      assert.deepStrictEqual(codes(publishes(service)[0]), ['service-selector']);

      // the scan finds the Deployment the Service selects
      index.setText('file:///repo/deployment.yaml', WEB_DEPLOYMENT);
      finishScan();
      await until('the Service checked again', () => publishes(service).length > 1);
      assert.deepStrictEqual(codes(publishes(service)[1]), []);
      // the ConfigMap's findings did not change: it was published once, for its only version
      assert.deepStrictEqual(
        publishes(config).map((p) => [p.version, p.diagnostics]),
        [[1, []]],
      );
      assert.strictEqual(publishes(service).length, 2);
    } finally {
      scheduler.stop();
    }
  });
});
