// Wires the LSP: the capabilities, the document events that drive validation (handlers/validationScheduler.ts),
// and one handler module per feature in handlers/ (completion, hover, definitions and references, symbols, code
// actions, workspace files and CRDs, settings), each answering from the parsed files and the workspace index.

import { fileURLToPath } from 'url';
import {
  CodeActionKind,
  Connection,
  DidChangeWatchedFilesNotification,
  InitializeParams,
  InitializeResult,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { registerCodeActions } from './handlers/codeActionHandler';
import { registerCompletion } from './handlers/completionHandler';
import { registerDefinitions } from './handlers/definitionHandlers';
import { registerHover } from './handlers/hoverHandler';
import { ServerContext } from './handlers/serverContext';
import { SettingsHandlers } from './handlers/settingsHandlers';
import { registerSymbols } from './handlers/symbolHandler';
import { CHANGE_DELAY_MS, ValidationScheduler } from './handlers/validationScheduler';
import { WorkspaceHandlers } from './handlers/workspaceHandlers';
import { warmUpSteps } from './warmup';
import { ClusterCrds } from './workspace/crds';
import { WorkspaceIndex } from './workspace/workspaceIndex';

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const cluster = new ClusterCrds();
  let shuttingDown = false;
  const ctx: ServerContext = {
    connection,
    documents,
    index: new WorkspaceIndex(cluster),
    get shuttingDown() {
      return shuttingDown;
    },
    log: (msg) => {
      try {
        connection.console.log(msg);
      } catch {
        /* connection gone */
      }
    },
  };
  const settings = new SettingsHandlers(connection, () => validation.revalidateAll());
  const validation = new ValidationScheduler(ctx, () => settings.settings);
  const workspace = new WorkspaceHandlers(ctx, cluster, validation);
  let dynamicWatchers = false;
  /** the version each document was last seen at: an open event also reports its content as a change */
  const seenVersion = new Map<string, number>();

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    dynamicWatchers = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    const folders = uris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    ctx.index.units.setRoots(folders);
    settings.initialize(params.initializationOptions, !!caps.workspace?.configuration);
    // start reading the workspace at once; validation waits for it so the first diagnostics are complete
    validation.waitFor(workspace.scan(folders).catch((e) => ctx.log(`workspace scan failed: ${e}`)));
    // compile the common kinds' validators and optimize the hot code while no document waits for its diagnostics
    validation.whenIdle(warmUpSteps());
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental },
        completionProvider: { triggerCharacters: [':', ' ', '-', '/', '.'] },
        hoverProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        documentSymbolProvider: true,
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
        workspace: { workspaceFolders: { supported: true } },
      },
      serverInfo: { name: 'slipway-language-server', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (dynamicWatchers) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.{yaml,yml}' }] })
        .catch(() => undefined);
    }
    settings.initialized();
  });

  documents.onDidOpen((e) => {
    seenVersion.set(e.document.uri, e.document.version);
    validation.schedule(e.document.uri, 0);
  });
  documents.onDidChangeContent((e) => {
    if (seenVersion.get(e.document.uri) === e.document.version) return; // the open event's own content
    seenVersion.set(e.document.uri, e.document.version);
    validation.schedule(e.document.uri, CHANGE_DELAY_MS);
  });
  documents.onDidClose((e) => {
    seenVersion.delete(e.document.uri);
    validation.forget(e.document.uri);
    void workspace.documentClosed(e.document.uri);
  });

  settings.register();
  workspace.register();
  registerCompletion(ctx);
  registerHover(ctx);
  registerDefinitions(ctx);
  registerSymbols(ctx);
  registerCodeActions(ctx);

  connection.onShutdown(() => {
    shuttingDown = true;
    validation.stop();
  });

  process.on('uncaughtException', (e) => ctx.log(`unexpected error: ${e.stack ?? e}`));
  process.on('unhandledRejection', (e) => ctx.log(`unexpected rejection: ${(e as Error)?.stack ?? e}`));

  documents.listen(connection);
}
