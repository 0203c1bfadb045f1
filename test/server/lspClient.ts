// A minimal LSP client for the tests: spawns `node out/server/main.js` (stdio or node IPC), speaks
// JSON-RPC to it, answers workspace/configuration, and collects published diagnostics.

import { ChildProcess, spawn } from 'child_process';
import * as path from 'path';
import { pathToFileURL } from 'url';
import {
  createMessageConnection,
  IPCMessageReader,
  IPCMessageWriter,
  MessageConnection,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-jsonrpc/node';

export const SERVER_MAIN = path.join(__dirname, '../../server/main.js');
export const REPO = path.join(__dirname, '../../..');
export const FIXTURES = path.join(REPO, 'test/fixtures/server');

export interface Position {
  line: number;
  character: number;
}
export interface Range {
  start: Position;
  end: Position;
}
export interface Diagnostic {
  range: Range;
  severity?: number;
  code?: string | number;
  source?: string;
  message: string;
  data?: unknown;
}

export interface StartOptions {
  /** workspace folder to scan */
  root?: string;
  initializationOptions?: unknown;
  /** what workspace/configuration answers for the `slipway` section; undefined: the client does not support it */
  configuration?: unknown;
  transport?: 'stdio' | 'ipc';
  /** the client shows progress the server reports (window.workDoneProgress) */
  workDoneProgress?: boolean;
}

export interface ProgressValue {
  kind: 'begin' | 'report' | 'end';
  title?: string;
  message?: string;
  percentage?: number;
}

export function uriOf(file: string): string {
  return pathToFileURL(file).toString();
}

export class LspClient {
  readonly diagnostics = new Map<string, Diagnostic[]>();
  /** `$/progress` notifications, in order, with when they arrived (Date.now()) */
  readonly progress: { token: string | number; value: ProgressValue; at: number }[] = [];
  private waiters: (() => void)[] = [];
  stderr = '';
  exitCode: number | null | undefined;
  configuration: unknown;
  private versions = new Map<string, number>();
  private texts = new Map<string, string>();

  private constructor(
    readonly proc: ChildProcess,
    readonly conn: MessageConnection,
  ) {}

  static async start(opts: StartOptions = {}): Promise<LspClient> {
    const ipc = opts.transport === 'ipc';
    const proc = spawn(process.execPath, [SERVER_MAIN, ipc ? '--node-ipc' : '--stdio'], {
      stdio: ipc ? ['pipe', 'pipe', 'pipe', 'ipc'] : ['pipe', 'pipe', 'pipe'],
    });
    const conn = ipc
      ? createMessageConnection(new IPCMessageReader(proc), new IPCMessageWriter(proc))
      : createMessageConnection(new StreamMessageReader(proc.stdout!), new StreamMessageWriter(proc.stdin!));
    const client = new LspClient(proc, conn);
    client.configuration = opts.configuration;
    proc.stderr!.on('data', (d) => (client.stderr += d.toString()));
    proc.on('exit', (code) => {
      client.exitCode = code;
      client.notifyWaiters();
    });
    conn.onNotification('textDocument/publishDiagnostics', (p: { uri: string; diagnostics: Diagnostic[] }) => {
      client.diagnostics.set(p.uri, p.diagnostics);
      client.notifyWaiters();
    });
    conn.onNotification('$/progress', (p: { token: string | number; value: ProgressValue }) => {
      client.progress.push({ ...p, at: Date.now() });
      client.notifyWaiters();
    });
    conn.onNotification('window/logMessage', () => undefined);
    conn.onRequest('workspace/configuration', (p: { items: { section?: string }[] }) =>
      p.items.map(() => client.configuration ?? null),
    );
    conn.onRequest('client/registerCapability', () => null);
    conn.onRequest('window/workDoneProgress/create', () => null);
    conn.listen();
    const root = opts.root;
    await conn.sendRequest('initialize', {
      processId: process.pid,
      rootUri: root ? uriOf(root) : null,
      workspaceFolders: root ? [{ uri: uriOf(root), name: path.basename(root) }] : null,
      capabilities: {
        workspace: {
          configuration: opts.configuration !== undefined,
          didChangeWatchedFiles: { dynamicRegistration: true },
        },
        textDocument: {
          publishDiagnostics: { relatedInformation: true },
          completion: { completionItem: { snippetSupport: true } },
        },
        ...(opts.workDoneProgress ? { window: { workDoneProgress: true } } : {}),
      },
      initializationOptions: opts.initializationOptions ?? null,
    });
    await conn.sendNotification('initialized', {});
    return client;
  }

  private notifyWaiters(): void {
    const ws = this.waiters;
    this.waiters = [];
    ws.forEach((w) => w());
  }

  /** Resolves when `check` returns a value other than undefined, re-checked on every notification. */
  async until<T>(check: () => T | undefined, what: string, timeoutMs = 10000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const v = check();
      if (v !== undefined) return v;
      if (this.exitCode !== undefined)
        throw new Error(`server exited (${this.exitCode}) while waiting for ${what}\n${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  /** Diagnostics of a document once published (and, with a predicate, once they satisfy it). */
  waitForDiagnostics(
    uri: string,
    predicate: (d: Diagnostic[]) => boolean = () => true,
    timeoutMs?: number,
  ): Promise<Diagnostic[]> {
    return this.until(
      () => {
        const d = this.diagnostics.get(uri);
        return d && predicate(d) ? d : undefined;
      },
      `diagnostics of ${uri}`,
      timeoutMs,
    );
  }

  async open(uri: string, text: string): Promise<void> {
    this.diagnostics.delete(uri);
    this.versions.set(uri, 1);
    this.texts.set(uri, text);
    await this.conn.sendNotification('textDocument/didOpen', {
      textDocument: { uri, languageId: 'yaml', version: 1, text },
    });
  }

  /** Replaces the text by an incremental edit covering the changed middle part. */
  async change(uri: string, text: string): Promise<void> {
    const old = this.texts.get(uri) ?? '';
    let s = 0;
    while (s < old.length && s < text.length && old[s] === text[s]) s++;
    let e = 0;
    while (e < old.length - s && e < text.length - s && old[old.length - 1 - e] === text[text.length - 1 - e]) e++;
    const version = (this.versions.get(uri) ?? 1) + 1;
    this.versions.set(uri, version);
    this.texts.set(uri, text);
    this.diagnostics.delete(uri);
    await this.conn.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [
        {
          range: { start: positionOf(old, s), end: positionOf(old, old.length - e) },
          text: text.slice(s, text.length - e),
        },
      ],
    });
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification('textDocument/didClose', { textDocument: { uri } });
  }

  request<T>(method: string, params: unknown): Promise<T> {
    return this.conn.sendRequest(method, params) as Promise<T>;
  }

  notify(method: string, params: unknown): Promise<void> {
    return this.conn.sendNotification(method, params);
  }

  async stop(): Promise<void> {
    if (this.exitCode === undefined) {
      try {
        await Promise.race([this.conn.sendRequest('shutdown'), new Promise((r) => setTimeout(r, 2000))]);
        await this.conn.sendNotification('exit');
      } catch {
        /* already gone */
      }
      await new Promise<void>((resolve) => {
        if (this.exitCode !== undefined) return resolve();
        const t = setTimeout(() => {
          this.proc.kill();
          resolve();
        }, 2000);
        this.proc.on('exit', () => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    this.conn.dispose();
  }
}

export function positionOf(text: string, offset: number): Position {
  let line = 0;
  let last = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    last = i + 1;
  }
  return { line, character: offset - last };
}

/** The position of the n-th occurrence (0-based) of `needle` in text, plus `delta` characters. */
export function find(text: string, needle: string, delta = 0, nth = 0): Position {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = text.indexOf(needle, i + 1);
    if (i < 0) throw new Error(`"${needle}" not found`);
  }
  return positionOf(text, i + delta);
}

/** The text a range covers. */
export function textAt(text: string, r: Range): string {
  const lines = text.split('\n');
  if (r.start.line === r.end.line) return lines[r.start.line].slice(r.start.character, r.end.character);
  return [
    lines[r.start.line].slice(r.start.character),
    ...lines.slice(r.start.line + 1, r.end.line),
    lines[r.end.line].slice(0, r.end.character),
  ].join('\n');
}

/** Applies non-overlapping text edits. */
export function applyEdits(text: string, edits: { range: Range; newText: string }[]): string {
  const offsetOf = (p: Position) => {
    const lines = text.split('\n');
    let o = 0;
    for (let i = 0; i < p.line; i++) o += lines[i].length + 1;
    return o + p.character;
  };
  const sorted = [...edits].sort((a, b) => offsetOf(b.range.start) - offsetOf(a.range.start));
  let out = text;
  for (const e of sorted) out = out.slice(0, offsetOf(e.range.start)) + e.newText + out.slice(offsetOf(e.range.end));
  return out;
}
