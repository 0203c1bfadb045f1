// Runs a rendering tool (kubectl kustomize, helm template) on files written to a temporary folder and returns
// the YAML it prints: stopped after a timeout or when aborted, its messages naming files as the repository does.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RenderCancelled, SourceError } from './errors';

export interface CheckoutFile {
  /** posix path relative to the checkout root */
  path: string;
  data: Buffer;
}

export interface RenderOptions {
  /** the tool is stopped after this long (a remote base that never answers); default 60 s */
  timeoutMs?: number;
  /** aborting stops the tool at once and rejects with RenderCancelled */
  signal?: AbortSignal;
}

export interface RenderCommand {
  program: string;
  /** its arguments, given the folder to render (absolute) */
  args(target: string): string[];
  /** how messages name the run: "kubectl kustomize" */
  label: string;
  /** the message when the program is not on the PATH (after "<where>: ") */
  missing: string;
  /** a likely cause, told when it times out */
  timeoutHint?: string;
}

export const DEFAULT_RENDER_TIMEOUT_MS = 60_000;

/**
 * Writes `files` under a temporary root, runs `command` on `<root>/<dir>` and returns its standard output.
 * `where` names what is rendered for messages ("/repo: app/kustomization.yaml at 1a2b3c4").
 */
export async function renderCheckout(
  files: CheckoutFile[],
  dir: string,
  where: string,
  command: RenderCommand,
  opts: RenderOptions = {},
): Promise<string> {
  if (opts.signal?.aborted) throw new RenderCancelled(where);
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'slipway-render-'));
  try {
    for (const f of files) {
      const full = path.join(root, ...f.path.split('/'));
      await fs.promises.mkdir(path.dirname(full), { recursive: true });
      await fs.promises.writeFile(full, f.data);
    }
    const target = dir === '.' ? root : path.join(root, ...dir.split('/'));
    await fs.promises.mkdir(target, { recursive: true });
    return await run(target, where, command, opts);
  } finally {
    await fs.promises.rm(root, { recursive: true, force: true });
  }
}

function run(dir: string, where: string, command: RenderCommand, opts: RenderOptions): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    // its own process group, so the git and network helpers the tool starts are stopped with it
    const child = spawn(command.program, command.args(dir), {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: process.env,
      detached: true,
    });
    const out: Buffer[] = [];
    let err = '';
    let stopped: Error | undefined;
    const stop = (why: Error) => {
      if (stopped) return;
      stopped = why;
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    };
    const timer = setTimeout(() => {
      const s = Math.round(timeoutMs / 100) / 10;
      const hint = command.timeoutHint ? ` (${command.timeoutHint})` : '';
      const message =
        `${where}: ${command.label} did not finish within ${s} s and was stopped${hint}; ` +
        'fix it and commit, or raise the render timeout';
      stop(new SourceError(message));
    }, timeoutMs);
    const onAbort = () => stop(new RenderCancelled(where));
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
    };
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => {
      done();
      reject(
        new SourceError(
          e.code === 'ENOENT'
            ? `${where}: ${command.missing}`
            : `${where}: could not run ${command.label}: ${e.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      done();
      if (stopped) return reject(stopped);
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      // the tool names files by their temporary location; show them relative to the repository instead
      const msg = err
        .split(dir + path.sep)
        .join('')
        .split(dir)
        .join('.')
        .trim()
        .replace(/^error:\s*/i, '');
      reject(new SourceError(`${where}: ${command.label} failed: ${msg || `exit ${code}`}`));
    });
  });
}
