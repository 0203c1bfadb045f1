// Drives any language server over stdio as an editor would: initialize/initialized, settings through
// workspace/configuration (and didChangeConfiguration), didOpen/didChange, publishDiagnostics,
// completion, shutdown/exit. Timestamps are performance.now() milliseconds.
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import { pathToFileURL } from 'url';
import { RpcConnection } from './rpcConnection';
import { ProcessTreeMemory } from './processTreeMemory';

export interface ServerCommand {
  /** short name for tables: slipway, yaml */
  name: string;
  command: string;
  args: string[];
  cwd?: string;
  /** settings by top-level section ('yaml', 'slipway', ...), answered to workspace/configuration */
  settings: Record<string, unknown>;
}

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
  message: string;
  source?: string;
  code?: string | number;
}

export interface Publish {
  uri: string;
  version?: number;
  diagnostics: Diagnostic[];
  receivedAt: number;
}

export interface CompletionItem {
  label: string;
  kind?: number;
}

const STDERR_TAIL = 4000;

export class LanguageServerSession {
  readonly memory: ProcessTreeMemory;
  private readonly publishes = new Map<string, Publish[]>();
  private waiters: { test: (p: Publish) => boolean; resolve: (p: Publish) => void }[] = [];
  private lastMessageAt = performance.now();
  private stderrTail = '';
  private exited: Error | undefined;
  private exitListeners: ((e: Error) => void)[] = [];
  /** `$/progress` notifications with when they arrived */
  readonly progress: { value: { kind?: string; title?: string }; receivedAt: number }[] = [];
  private progressListeners: (() => void)[] = [];
  private stopping = false;

  private constructor(
    readonly server: ServerCommand,
    private readonly child: ChildProcess,
    private readonly rpc: RpcConnection,
    readonly workspaceDir: string,
  ) {
    this.memory = new ProcessTreeMemory(child.pid!);
    child.stderr!.on('data', (d: Buffer) => {
      this.stderrTail = (this.stderrTail + d.toString('utf8')).slice(-STDERR_TAIL);
    });
    child.on('exit', (code, signal) => {
      this.exited = new Error(
        `${server.name} exited (${signal ?? code})${this.stderrTail ? `; its last output:\n${this.stderrTail}` : ''}`,
      );
      rpc.close(this.exited);
      for (const l of this.exitListeners) l(this.exited);
    });
    rpc.onNotification((method, params, receivedAt) => {
      this.lastMessageAt = receivedAt;
      if (method === '$/progress') {
        this.progress.push({ value: params.value ?? {}, receivedAt });
        for (const l of this.progressListeners.splice(0)) l();
      }
      if (method !== 'textDocument/publishDiagnostics') return;
      const p: Publish = {
        uri: params.uri,
        version: typeof params.version === 'number' ? params.version : undefined,
        diagnostics: params.diagnostics ?? [],
        receivedAt,
      };
      const list = this.publishes.get(p.uri) ?? [];
      list.push(p);
      this.publishes.set(p.uri, list);
      const waiting = this.waiters;
      this.waiters = [];
      for (const w of waiting) {
        if (w.test(p)) w.resolve(p);
        else this.waiters.push(w);
      }
    });
  }

  /** Spawns the server, initializes it with the workspace folder, hands it the settings and waits until it is quiet. */
  static async start(
    server: ServerCommand,
    workspaceDir: string,
    timeoutMs: number,
    options: { workDoneProgress?: boolean } = {},
  ): Promise<LanguageServerSession> {
    const child = spawn(server.command, server.args, { cwd: server.cwd, stdio: ['pipe', 'pipe', 'pipe'] });
    if (child.pid === undefined)
      throw new Error(`cannot start ${server.name}: ${server.command} ${server.args.join(' ')}`);
    const folderUri = pathToFileURL(workspaceDir).href;
    const folders = [{ uri: folderUri, name: 'bench' }];
    let session: LanguageServerSession | undefined;
    const rpc = new RpcConnection(child.stdout!, child.stdin!, (method, params) => {
      if (session) session.lastMessageAt = performance.now();
      switch (method) {
        case 'workspace/configuration':
          return (params.items as { section?: string }[]).map((item) => settingAt(server.settings, item.section));
        case 'workspace/workspaceFolders':
          return folders;
        default:
          return null; // client/registerCapability, window/workDoneProgress/create, ...
      }
    });
    session = new LanguageServerSession(server, child, rpc, workspaceDir);
    try {
      await session.untilExit(
        rpc.request(
          'initialize',
          {
            processId: process.pid,
            clientInfo: { name: 'slipway-bench' },
            rootUri: folderUri,
            rootPath: workspaceDir,
            workspaceFolders: folders,
            initializationOptions: server.settings,
            capabilities: {
              workspace: {
                configuration: true,
                workspaceFolders: true,
                didChangeConfiguration: { dynamicRegistration: true },
                didChangeWatchedFiles: { dynamicRegistration: true },
              },
              textDocument: {
                synchronization: { dynamicRegistration: false, didSave: true },
                publishDiagnostics: { relatedInformation: true, versionSupport: true },
                completion: {
                  completionItem: { snippetSupport: true, documentationFormat: ['markdown', 'plaintext'] },
                  contextSupport: true,
                },
                hover: { contentFormat: ['markdown', 'plaintext'] },
              },
              ...(options.workDoneProgress ? { window: { workDoneProgress: true } } : {}),
            },
          },
          timeoutMs,
        ),
      );
      rpc.notify('initialized', {});
      rpc.notify('workspace/didChangeConfiguration', { settings: server.settings });
      await session.quiet(500, Math.min(timeoutMs, 15000));
      return session;
    } catch (e) {
      await session.stop();
      throw e;
    }
  }

  /** CPU time (user + system) the server process has used so far, in ms (10 ms resolution). */
  cpuMs(): number {
    return cpuTicks(this.pid) * 10;
  }

  get pid(): number {
    return this.child.pid!;
  }

  /**
   * Resolves once the server sent nothing for quietMs and its process used almost no CPU over the last
   * poll (so work it does silently, such as reading the workspace, is over), or once maxMs passed.
   */
  async quiet(quietMs: number, maxMs: number): Promise<void> {
    const t0 = performance.now();
    let cpu = cpuTicks(this.pid);
    for (;;) {
      if (this.exited) throw this.exited;
      await sleep(Math.min(100, quietMs));
      const nowCpu = cpuTicks(this.pid);
      const idle = nowCpu - cpu <= 1; // at most one clock tick (10 ms) of CPU in the last poll
      cpu = nowCpu;
      const now = performance.now();
      if ((idle && now - this.lastMessageAt >= quietMs) || now - t0 >= maxMs) return;
    }
  }

  /** Sends didOpen; returns the time it was handed to the pipe. */
  open(uri: string, text: string, version = 1): number {
    const t = performance.now();
    this.rpc.notify('textDocument/didOpen', { textDocument: { uri, languageId: 'yaml', version, text } });
    return t;
  }

  /** Sends an incremental didChange; returns the time it was handed to the pipe. */
  change(uri: string, version: number, changes: { range: Range; text: string }[]): number {
    const t = performance.now();
    this.rpc.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges: changes });
    return t;
  }

  close(uri: string): void {
    this.rpc.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /**
   * The first publishDiagnostics for uri received after `after` (a timestamp from open/change). A publish
   * that names an older document version than minVersion does not count.
   */
  diagnosticsAfter(uri: string, after: number, timeoutMs: number, minVersion?: number): Promise<Publish> {
    const test = (p: Publish) =>
      p.uri === uri &&
      p.receivedAt >= after &&
      (minVersion === undefined || p.version === undefined || p.version >= minVersion);
    const already = (this.publishes.get(uri) ?? []).find(test);
    if (already) return Promise.resolve(already);
    return this.untilExit(
      new Promise<Publish>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.waiters = this.waiters.filter((w) => w.resolve !== done);
          reject(new Error(`${this.server.name}: no diagnostics for ${uri} within ${timeoutMs} ms`));
        }, timeoutMs);
        const done = (p: Publish) => {
          clearTimeout(timer);
          resolve(p);
        };
        this.waiters.push({ test, resolve: done });
      }),
    );
  }

  /** The last diagnostics published for uri, once the server has been quiet for quietMs. */
  async settledDiagnostics(uri: string, quietMs: number, maxMs: number): Promise<Publish | undefined> {
    await this.quiet(quietMs, maxMs);
    const list = this.publishes.get(uri);
    return list?.[list.length - 1];
  }

  publishesFor(uri: string): Publish[] {
    return this.publishes.get(uri) ?? [];
  }

  /** A completion request; items whether the server answers with a list or an array. */
  async completion(
    uri: string,
    position: Position,
    timeoutMs: number,
  ): Promise<{ ms: number; items: CompletionItem[] }> {
    const t0 = performance.now();
    const result = await this.untilExit(
      this.rpc.request<any>(
        'textDocument/completion',
        { textDocument: { uri }, position, context: { triggerKind: 1 } },
        timeoutMs,
      ),
    );
    const ms = performance.now() - t0;
    const items: CompletionItem[] = Array.isArray(result) ? result : (result?.items ?? []);
    return { ms, items };
  }

  /** The first `$/progress` begin received after `after`, or undefined when none came within timeoutMs. */
  async progressBegin(after: number, timeoutMs: number): Promise<number | undefined> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      const begin = this.progress.find((p) => p.receivedAt >= after && p.value.kind === 'begin');
      if (begin) return begin.receivedAt;
      const left = deadline - performance.now();
      if (left <= 0 || this.exited || this.stopping) return undefined;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.progressListeners.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** Any request; resolves with the answer and how long it took in ms. */
  async request<T>(method: string, params: unknown, timeoutMs: number): Promise<{ ms: number; result: T }> {
    const t0 = performance.now();
    const result = await this.untilExit(this.rpc.request<T>(method, params, timeoutMs));
    return { ms: performance.now() - t0, result };
  }

  /** shutdown + exit, then SIGKILL if it lingers; always resolves. */
  async stop(timeoutMs = 5000): Promise<void> {
    this.stopping = true;
    for (const l of this.progressListeners.splice(0)) l();
    this.memory.poll();
    this.memory.stop();
    if (this.exited || this.child.exitCode !== null || this.child.signalCode !== null) return;
    const gone = new Promise<void>((r) => this.exitListeners.push(() => r()));
    try {
      await this.rpc.request('shutdown', null, timeoutMs);
      this.rpc.notify('exit', null);
    } catch {
      // killed below
    }
    const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
    await gone;
    clearTimeout(timer);
  }

  stderr(): string {
    return this.stderrTail;
  }

  /** Rejects with the exit reason if the server dies first. */
  private untilExit<T>(p: Promise<T>): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<T>((resolve, reject) => {
      const onExit = (e: Error) => reject(e);
      this.exitListeners.push(onExit);
      p.then(resolve, reject).finally(() => {
        this.exitListeners = this.exitListeners.filter((l) => l !== onExit);
      });
    });
  }
}

/** The value at a dotted section ('yaml', 'yaml.schemas', '[yaml]'); null when not set, as VS Code answers. */
function settingAt(settings: Record<string, unknown>, section: string | undefined): unknown {
  if (!section) return settings;
  let v: unknown = settings;
  for (const part of section.split('.')) {
    if (v === null || typeof v !== 'object' || !(part in (v as object))) return null;
    v = (v as Record<string, unknown>)[part];
  }
  return v;
}

/** utime + stime of a process, in clock ticks; 0 once it is gone. */
function cpuTicks(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
