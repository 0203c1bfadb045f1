// Appends container output to CRI log files off the event loop: lines for one file are written in order,
// one write at a time, and directories are made once. The line format is the one podLogFiles.ts reads
// ("<RFC3339Nano> <stream> F <text>"). A file that would grow past the size limit is rotated first, as the kubelet's
// container log manager rotates (containerLogMaxSize, containerLogMaxFiles): renamed aside, the oldest rotated files
// removed so that at most maxFiles remain with the current one, and the next lines start a new file. A line is never
// split, so a file holds at most the limit, or one line when that line alone is longer.
import * as fs from 'fs';
import * as path from 'path';
import { rotatedLogFiles, rotatedLogName } from '../logs/podLogFiles';

export interface LogRotation {
  /** bytes a log file may hold before the next line starts a new one (the kubelet's containerLogMaxSize) */
  maxSize: number;
  /** files kept per container run, the current one included (containerLogMaxFiles, at least 2) */
  maxFiles: number;
}

/** The kubelet's defaults: 10Mi and 5 files. */
export const DEFAULT_LOG_ROTATION: LogRotation = { maxSize: 10 * 1024 * 1024, maxFiles: 5 };

function criTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('Z', '000000Z')
    .replace(/(\.\d{9})\d*Z$/, '$1Z');
}

export class LogWriter {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly dirs = new Set<string>();
  /** the current size of each file written to, once known */
  private readonly sizes = new Map<string, number>();

  constructor(private readonly rotation: LogRotation = DEFAULT_LOG_ROTATION) {}

  append(file: string, stream: 'stdout' | 'stderr', lines: string[], atMs: number): void {
    const ts = criTime(atMs);
    const entries = lines.map((l) => `${ts} ${stream} F ${l}\n`);
    const prev = this.chains.get(file) ?? Promise.resolve();
    const next = prev
      .then(async () => {
        const dir = path.dirname(file);
        if (!this.dirs.has(dir)) {
          await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
          this.dirs.add(dir);
        }
        await this.write(file, entries);
      })
      .catch(() => {
        // a log that cannot be written does not stop the container
        this.dirs.delete(path.dirname(file));
        this.sizes.delete(file);
      });
    this.chains.set(file, next);
    void next.then(() => {
      if (this.chains.get(file) === next) this.chains.delete(file);
    });
  }

  /** Appends the entries, rotating the file whenever the next one would take it past the limit. */
  private async write(file: string, entries: string[]): Promise<void> {
    let size =
      this.sizes.get(file) ??
      (await fs.promises.stat(file).then(
        (s) => s.size,
        () => 0,
      ));
    let chunk = '';
    let chunkBytes = 0;
    for (const entry of entries) {
      const bytes = Buffer.byteLength(entry);
      if (size + chunkBytes > 0 && size + chunkBytes + bytes > this.rotation.maxSize) {
        if (chunk) await fs.promises.appendFile(file, chunk, { mode: 0o600 });
        await this.rotate(file);
        size = 0;
        chunk = '';
        chunkBytes = 0;
      }
      chunk += entry;
      chunkBytes += bytes;
    }
    if (chunk) await fs.promises.appendFile(file, chunk, { mode: 0o600 });
    this.sizes.set(file, size + chunkBytes);
  }

  private async rotate(file: string): Promise<void> {
    await fs.promises.rename(file, rotatedLogName(file, new Date()));
    const rotated = rotatedLogFiles(file);
    const excess = rotated.length - Math.max(1, this.rotation.maxFiles - 1);
    await Promise.all(rotated.slice(0, Math.max(0, excess)).map((f) => fs.promises.rm(f, { force: true })));
  }

  /** forgets the directories of a pod that is gone (they are removed with it) */
  forgetDir(prefix: string): void {
    for (const d of this.dirs) if (d.startsWith(prefix)) this.dirs.delete(d);
    for (const f of this.sizes.keys()) if (f.startsWith(prefix)) this.sizes.delete(f);
  }

  /** resolves once everything appended so far is written */
  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }
}
