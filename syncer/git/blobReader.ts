// Reads many objects with one `git cat-file --batch` process (simple-git cannot write to stdin).
import { spawn } from 'child_process';
import { processEnvWithoutGit } from './gitCommand';
import { SourceError } from './errors';

export interface BlobReadStats {
  /** cat-file processes started */
  runs: number;
  /** objects read through them */
  objects: number;
}

/** The contents of git objects by id, read in one process. */
export function readObjects(repoDir: string, ids: string[], stats?: BlobReadStats): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  if (!ids.length) return Promise.resolve(out);
  if (stats) {
    stats.runs++;
    stats.objects += ids.length;
  }
  return new Promise((resolve, reject) => {
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd: repoDir,
      env: processEnvWithoutGit(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const chunks: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', (e) => reject(new SourceError(`${repoDir}: could not run git cat-file: ${e.message}`)));
    child.stdin.on('error', () => undefined); // an early exit is reported by 'close'
    child.on('close', (code) => {
      if (code !== 0)
        return reject(new SourceError(`${repoDir}: git cat-file failed: ${stderr.trim() || `exit ${code}`}`));
      const buf = Buffer.concat(chunks);
      let pos = 0;
      for (const id of ids) {
        const nl = buf.indexOf(0x0a, pos);
        if (nl < 0) return reject(new SourceError(`${repoDir}: git cat-file ended early, at object ${id}`));
        const header = buf.subarray(pos, nl).toString();
        const m = /^(\S+) (\S+) (\d+)$/.exec(header);
        if (!m) return reject(new SourceError(`${repoDir}: object ${id} is missing from the repository (${header})`));
        const size = Number(m[3]);
        out.set(id, buf.subarray(nl + 1, nl + 1 + size));
        pos = nl + 1 + size + 1;
      }
      resolve(out);
    });
    child.stdin.end(ids.join('\n') + '\n');
  });
}
