// Renders a kustomization with `kubectl kustomize`, from files written to a temporary folder.
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SourceError } from './errors';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface CheckoutFile {
  /** posix path relative to the checkout root */
  path: string;
  data: Buffer;
}

/**
 * Writes `files` under a temporary root, runs `kubectl kustomize <root>/<dir>` and returns its YAML.
 * `where` names the kustomization for messages ("/repo: app/kustomization.yaml at 1a2b3c4").
 */
export async function renderKustomization(files: CheckoutFile[], dir: string, where: string): Promise<string> {
  const root = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'slipway-kustomize-'));
  try {
    for (const f of files) {
      const full = path.join(root, ...f.path.split('/'));
      await fs.promises.mkdir(path.dirname(full), { recursive: true });
      await fs.promises.writeFile(full, f.data);
    }
    const target = dir === '.' ? root : path.join(root, ...dir.split('/'));
    await fs.promises.mkdir(target, { recursive: true });
    return await runKubectlKustomize(target, where);
  } finally {
    await fs.promises.rm(root, { recursive: true, force: true });
  }
}

function runKubectlKustomize(dir: string, where: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['kustomize', dir], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
    const out: Buffer[] = [];
    let err = '';
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e: NodeJS.ErrnoException) => {
      reject(
        new SourceError(
          e.code === 'ENOENT'
            ? `${where}: Slipway needs kubectl on the PATH to render kustomization.yaml; install kubectl or render the manifests into the repository`
            : `${where}: could not run kubectl kustomize: ${e.message}`,
        ),
      );
    });
    child.on('close', (code) => {
      if (code === 0) return resolve(Buffer.concat(out).toString('utf8'));
      // kubectl names files by their temporary location; show them relative to the repository instead
      const msg = err.split(dir + path.sep).join('').split(dir).join('.').trim().replace(/^error:\s*/i, '');
      reject(new SourceError(`${where}: kubectl kustomize failed: ${msg || `exit ${code}`}`));
    });
  });
}
