// Wires the LSP handlers: documents in, diagnostics out; completion, hover, definitions, references,
// symbols and code actions answered from the parsed files and the workspace index.

import { fileURLToPath, pathToFileURL } from 'url';
import {
  CodeActionKind,
  Connection,
  Diagnostic,
  DidChangeWatchedFilesNotification,
  FileChangeType,
  InitializeParams,
  InitializeResult,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { codeActions } from './codeActions';
import { completion } from './completion/completion';
import { definition, references } from './definitions';
import { validateFile } from './diagnostics/validateFile';
import { ParsedFile } from './documents/parsedFile';
import { hover } from './hover';
import { DEFAULT_SETTINGS, readSettings, sameSettings, Settings } from './settings';
import { documentSymbols } from './symbols';
import { TimeSlices } from './timeSlices';
import { ValidationProgress } from './validationProgress';
import { warmUp } from './warmup';
import { ClusterCrds } from './workspace/crds';
import { findYamlFiles, isYamlPath, readYamlFile } from './workspace/scanner';
import { WorkspaceIndex } from './workspace/workspaceIndex';

/** The notification the editor sends with the connected cluster's CRDs. */
export const CUSTOM_RESOURCE_DEFINITIONS_NOTIFICATION = 'slipway/customResourceDefinitions';

/** Debounce of validation while a document changes; opening validates at once. */
const CHANGE_DELAY_MS = 5;
const WORKSPACE_DELAY_MS = 30;
/** How long the first validation waits for the workspace scan before it goes ahead. */
const SCAN_WAIT_MS = 1500;

export function normalizeUri(uri: string): string {
  if (!uri.startsWith('file:')) return uri;
  try {
    return pathToFileURL(fileURLToPath(uri)).toString();
  } catch {
    return uri;
  }
}

export function startServer(connection: Connection): void {
  const documents = new TextDocuments(TextDocument);
  const cluster = new ClusterCrds();
  const index = new WorkspaceIndex(cluster);
  let settings: Settings = DEFAULT_SETTINGS;
  let configurationSupported = false;
  let dynamicWatchers = false;
  let folders: string[] = [];
  let scanning: Promise<void> = Promise.resolve();
  let scanned = true;
  let validatedBeforeScan = false;
  let shuttingDown = false;
  const timers = new Map<string, NodeJS.Timeout>();
  const published = new Map<string, string>();
  const seenVersion = new Map<string, number>();
  let othersTimer: NodeJS.Timeout | undefined;

  const log = (msg: string): void => {
    try {
      connection.console.log(msg);
    } catch {
      /* connection gone */
    }
  };
  const guard = <T>(what: string, fallback: T, fn: () => T): T => {
    try {
      return fn();
    } catch (e) {
      log(`${what} failed: ${(e as Error).stack ?? e}`);
      return fallback;
    }
  };

  /** The parsed file for an open document's current text (parsed once per text). */
  const fileOf = (uri: string): ParsedFile | undefined => {
    const doc = documents.get(uri);
    if (!doc) return undefined;
    // only the documents the request looks at are parsed (the file may be a big one being validated)
    return index.setText(normalizeUri(uri), doc.getText(), true);
  };

  async function validate(uri: string, onlyIfChanged: boolean): Promise<void> {
    if (!scanned) {
      // a huge workspace must not hold back the first diagnostics for long; they are redone after the scan
      await Promise.race([scanning, new Promise((resolve) => setTimeout(resolve, SCAN_WAIT_MS))]);
      if (!scanned) validatedBeforeScan = true;
    }
    const doc = documents.get(uri);
    if (!doc || shuttingDown) return;
    const version = doc.version;
    const key = normalizeUri(uri);
    // a big file is parsed and checked in slices: requests are answered in between, a newer edit stops it
    const slices = new TimeSlices(() => documents.get(uri)?.version === version && !shuttingDown);
    const name = decodeURIComponent(uri.slice(uri.lastIndexOf('/') + 1));
    const progress = new ValidationProgress(connection, `Checking ${name}`);
    let diagnostics: Diagnostic[] | undefined;
    let changedOthers = false;
    try {
      const before = index.stamp();
      const file = await index.setTextInSlices(key, doc.getText(), slices);
      changedOthers = index.stamp() !== before;
      const report = (checked: number, total: number): void => progress.report(checked, total);
      diagnostics = file && (await validateFile(key, file, index, settings, slices, report));
    } catch (e) {
      log(`validation of ${uri} failed: ${(e as Error).stack ?? e}`);
      diagnostics = [];
    } finally {
      progress.end();
    }
    if (!diagnostics) return;
    const json = JSON.stringify(diagnostics);
    if (!(onlyIfChanged && published.get(uri) === json)) {
      published.set(uri, json);
      void connection.sendDiagnostics({ uri, version, diagnostics });
    }
    if (changedOthers) scheduleOthers(uri);
  }

  function schedule(uri: string, delay: number): void {
    clearTimeout(timers.get(uri));
    timers.set(
      uri,
      setTimeout(() => {
        timers.delete(uri);
        void validate(uri, false);
      }, delay),
    );
  }

  /** Other open documents may see what changed (references, selectors, CRDs): check them again. */
  function scheduleOthers(except?: string): void {
    clearTimeout(othersTimer);
    othersTimer = setTimeout(() => {
      othersTimer = undefined;
      for (const d of documents.all()) if (d.uri !== except && !timers.has(d.uri)) void validate(d.uri, true);
    }, WORKSPACE_DELAY_MS);
  }

  function revalidateAll(): void {
    for (const d of documents.all()) schedule(d.uri, 0);
  }

  async function scan(): Promise<void> {
    const files = await findYamlFiles(folders, () => shuttingDown);
    for (const f of files) {
      const uri = pathToFileURL(f).toString();
      if (documents.all().some((d) => normalizeUri(d.uri) === uri)) continue;
      const read = await readYamlFile(f);
      if (read) guard('indexing ' + f, undefined, () => index.setText(read.uri, read.text));
    }
  }

  async function refreshSettings(pushed?: unknown): Promise<void> {
    let next = settings;
    if (configurationSupported) {
      try {
        const section = await connection.workspace.getConfiguration('slipway');
        next = readSettings(section, initialSettings);
      } catch {
        next = pushed !== undefined ? readSettings(pushed, initialSettings) : settings;
      }
    } else if (pushed !== undefined) {
      next = readSettings(pushed, initialSettings);
    }
    if (!sameSettings(next, settings)) {
      settings = next;
      revalidateAll();
    }
  }

  let initialSettings: Settings = DEFAULT_SETTINGS;

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    configurationSupported = !!caps.workspace?.configuration;
    dynamicWatchers = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    const uris = params.workspaceFolders?.map((f) => f.uri) ?? (params.rootUri ? [params.rootUri] : []);
    folders = uris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
    initialSettings = readSettings(
      params.initializationOptions?.settings ?? params.initializationOptions,
      DEFAULT_SETTINGS,
    );
    settings = initialSettings;
    // start reading the workspace at once; validation waits for it so the first diagnostics are complete
    scanned = false;
    scanning = scan()
      .catch((e) => log(`workspace scan failed: ${e}`))
      .finally(() => {
        scanned = true;
        if (validatedBeforeScan) revalidateAll();
      });
    // compile the common kinds' validators now rather than on the first document opened
    guard('warm-up', undefined, warmUp);
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
    if (configurationSupported) void refreshSettings();
  });

  documents.onDidOpen((e) => {
    seenVersion.set(e.document.uri, e.document.version);
    schedule(e.document.uri, 0);
  });
  documents.onDidChangeContent((e) => {
    if (seenVersion.get(e.document.uri) === e.document.version) return; // the open event's own content
    seenVersion.set(e.document.uri, e.document.version);
    schedule(e.document.uri, CHANGE_DELAY_MS);
  });
  documents.onDidClose((e) => {
    const uri = e.document.uri;
    clearTimeout(timers.get(uri));
    timers.delete(uri);
    seenVersion.delete(uri);
    published.delete(uri);
    void connection.sendDiagnostics({ uri, diagnostics: [] });
    // the file on disk is what the workspace holds again
    void (async () => {
      const key = normalizeUri(uri);
      const read = key.startsWith('file:') ? await readYamlFile(fileURLToPath(key)) : undefined;
      if (documents.get(uri)) return;
      if (read) index.setText(key, read.text);
      else index.remove(key);
      scheduleOthers();
    })();
  });

  connection.onDidChangeWatchedFiles(async (params) => {
    for (const change of params.changes) {
      const uri = normalizeUri(change.uri);
      if (!uri.startsWith('file:') || !isYamlPath(uri)) continue;
      if (documents.all().some((d) => normalizeUri(d.uri) === uri)) continue;
      if (change.type === FileChangeType.Deleted) {
        index.remove(uri);
        continue;
      }
      const read = await readYamlFile(fileURLToPath(uri)).catch(() => undefined);
      if (read) guard('indexing ' + uri, undefined, () => index.setText(uri, read.text));
      else index.remove(uri);
    }
    revalidateAll();
  });

  connection.onNotification(CUSTOM_RESOURCE_DEFINITIONS_NOTIFICATION, (params: { items?: unknown[] }) => {
    guard('cluster CRDs', undefined, () => cluster.replace(Array.isArray(params?.items) ? params.items : []));
    revalidateAll();
  });

  connection.onDidChangeConfiguration((params) => {
    void refreshSettings(params.settings);
  });

  connection.onCompletion((params, token) =>
    guard('completion', null, () => {
      const file = fileOf(params.textDocument.uri);
      if (!file || token.isCancellationRequested) return null;
      return completion({ uri: normalizeUri(params.textDocument.uri), file, index }, params.position);
    }),
  );

  connection.onHover((params) =>
    guard('hover', null, () => {
      const file = fileOf(params.textDocument.uri);
      return file ? hover({ uri: normalizeUri(params.textDocument.uri), file, index }, params.position) : null;
    }),
  );

  connection.onDefinition((params) =>
    guard('definition', [], () => {
      const file = fileOf(params.textDocument.uri);
      return file ? definition({ uri: normalizeUri(params.textDocument.uri), file, index }, params.position) : [];
    }),
  );

  connection.onReferences((params) =>
    guard('references', [], () => {
      const file = fileOf(params.textDocument.uri);
      return file
        ? references(
            { uri: normalizeUri(params.textDocument.uri), file, index },
            params.position,
            params.context.includeDeclaration,
          )
        : [];
    }),
  );

  connection.onDocumentSymbol((params) =>
    guard('symbols', [], () => {
      const file = fileOf(params.textDocument.uri);
      return file ? documentSymbols(file) : [];
    }),
  );

  connection.onCodeAction((params) =>
    guard('code actions', [], () => {
      const file = fileOf(params.textDocument.uri);
      return file ? codeActions({ uri: params.textDocument.uri, file, index }, params) : [];
    }),
  );

  connection.onShutdown(() => {
    shuttingDown = true;
    for (const t of timers.values()) clearTimeout(t);
    clearTimeout(othersTimer);
  });

  process.on('uncaughtException', (e) => log(`unexpected error: ${e.stack ?? e}`));
  process.on('unhandledRejection', (e) => log(`unexpected rejection: ${(e as Error)?.stack ?? e}`));

  documents.listen(connection);
}
