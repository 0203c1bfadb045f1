// One long-lived `git cat-file --batch` process per source, answering object requests in order: resolving
// "<sha>:<path>" to a tree and reading trees and blobs costs a pipe round trip, not a process start, so a
// resync of an unchanged folder costs about a millisecond.
import { ChildProcess, spawn } from 'child_process';
import { processEnvWithoutGit } from './gitCommand';
import { SourceError } from './errors';
import { BlobReadStats } from './blobReader';
import { TreeEntry } from './tree';

export interface GitObject {
  id: string;
  type: string;
  data: Buffer;
}

interface Pending {
  name: string;
  resolve: (o: GitObject | undefined) => void;
  reject: (e: Error) => void;
}

export class ObjectReader {
  private child?: ChildProcess;
  private readonly queue: Pending[] = [];
  private buf: Buffer = Buffer.alloc(0);
  private closed = false;

  constructor(
    private readonly repoDir: string,
    private readonly stats?: BlobReadStats,
  ) {}

  private start(): ChildProcess {
    if (this.child) return this.child;
    if (this.stats) this.stats.runs++;
    const child = spawn('git', ['cat-file', '--batch'], {
      cwd: this.repoDir,
      env: processEnvWithoutGit(),
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stdout!.on('data', (c: Buffer) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, c]) : c;
      this.drain();
    });
    child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
    child.stdin!.on('error', () => undefined); // reported by 'close'
    const fail = (message: string) => {
      if (this.child === child) this.child = undefined;
      this.buf = Buffer.alloc(0);
      for (const p of this.queue.splice(0)) p.reject(new SourceError(message));
    };
    child.on('error', (e) => fail(`${this.repoDir}: could not run git cat-file: ${e.message}`));
    child.on('close', (code) => fail(`${this.repoDir}: git cat-file ended (${stderr.trim() || `exit ${code}`})`));
    this.child = child;
    return child;
  }

  private drain(): void {
    while (this.queue.length) {
      const nl = this.buf.indexOf(0x0a);
      if (nl < 0) return;
      const header = this.buf.subarray(0, nl).toString();
      const m = /^(\S+) (\S+) (\d+)$/.exec(header);
      if (!m) {
        // "<name> missing" or "<name> ambiguous": no body follows
        this.buf = this.buf.subarray(nl + 1);
        this.queue.shift()!.resolve(undefined);
        continue;
      }
      const size = Number(m[3]);
      if (this.buf.length < nl + 1 + size + 1) return;
      const data = Buffer.from(this.buf.subarray(nl + 1, nl + 1 + size));
      this.buf = this.buf.subarray(nl + 1 + size + 1);
      if (this.stats && m[2] === 'blob') this.stats.objects++;
      this.queue.shift()!.resolve({ id: m[1], type: m[2], data });
    }
  }

  /** The object a name (an id, or "<commit>:<path>") resolves to; undefined when there is none. */
  read(name: string): Promise<GitObject | undefined> {
    if (this.closed) return Promise.reject(new SourceError(`${this.repoDir}: the source is closed`));
    if (/[\n\r]/.test(name)) return Promise.reject(new SourceError(`not an object name: ${JSON.stringify(name)}`));
    const child = this.start();
    return new Promise((resolve, reject) => {
      this.queue.push({ name, resolve, reject });
      child.stdin!.write(name + '\n');
    });
  }

  close(): void {
    this.closed = true;
    this.child?.stdin?.end();
    this.child = undefined;
  }
}

/** The entries of a raw tree object, as `git ls-tree` names them (mode padded to six digits, type, id, name). */
export function parseTree(data: Buffer, idBytes: number): TreeEntry[] {
  const out: TreeEntry[] = [];
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    const nul = data.indexOf(0x00, sp);
    const mode = data.subarray(pos, sp).toString();
    const name = data.subarray(sp + 1, nul).toString('utf8');
    const id = data.subarray(nul + 1, nul + 1 + idBytes).toString('hex');
    pos = nul + 1 + idBytes;
    const type = mode === '40000' ? 'tree' : mode === '160000' ? 'commit' : 'blob';
    out.push({ mode: mode.padStart(6, '0'), type, id, path: name });
  }
  return out;
}
