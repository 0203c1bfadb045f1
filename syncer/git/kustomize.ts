// Renders a kustomization with `kubectl kustomize`, from files written to a temporary folder.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { RenderCancelled, SourceError } from './errors';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface CheckoutFile {
  /** posix path relative to the checkout root */
  path: string;
  data: Buffer;
}

export interface RenderOptions {
  /** kubectl is stopped after this long (a remote base that never answers); default 60 s */
  timeoutMs?: number;
  /** aborting stops kubectl at once and rejects with RenderCancelled */
  signal?: AbortSignal;
}

export const DEFAULT_RENDER_TIMEOUT_MS = 60_000;

/**
 * Writes `files` under a temporary root, runs `kubectl kustomize <root>/<dir>` and returns its YAML.
 * `where` names the kustomization for messages ("/repo: app/kustomization.yaml at 1a2b3c4").
 */
export async function renderKustomization(
  files: CheckoutFile[],
  dir: string,
  where: string,
  opts: RenderOptions = {},
): Promise<string> {
  if (opts.signal?.aborted) throw new RenderCancelled(where);
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'slipway-kustomize-'));
  try {
    for (const f of files) {
      const full = path.join(root, ...f.path.split('/'));
      await fs.promises.mkdir(path.dirname(full), { recursive: true });
      await fs.promises.writeFile(full, f.data);
    }
    const target = dir === '.' ? root : path.join(root, ...dir.split('/'));
    await fs.promises.mkdir(target, { recursive: true });
    return await runKubectlKustomize(target, where, opts);
  } finally {
    await fs.promises.rm(root, { recursive: true, force: true });
  }
}

function runKubectlKustomize(dir: string, where: string, opts: RenderOptions): Promise<string> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_RENDER_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    // its own process group, so the git and network helpers kubectl starts for remote bases are stopped with it
    const child = spawn('kubectl', ['kustomize', dir], {
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
      const message =
        `${where}: kubectl kustomize did not finish within ${s} s and was stopped (a remote base that does not ` +
        'answer?); fix the kustomization and commit, or raise the render timeout';
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
            ? `${where}: Slipway needs kubectl on the PATH to render kustomization.yaml; install kubectl or render the manifests into the repository`
            : `${where}: could not run kubectl kustomize: ${e.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      done();
      if (stopped) return reject(stopped);
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      // kubectl names files by their temporary location; show them relative to the repository instead
      const msg = err
        .split(dir + path.sep)
        .join('')
        .split(dir)
        .join('.')
        .trim()
        .replace(/^error:\s*/i, '');
      reject(new SourceError(`${where}: kubectl kustomize failed: ${msg || `exit ${code}`}`));
    });
  });
}
