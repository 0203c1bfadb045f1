// Appends container output to CRI log files off the event loop: lines for one file are written in order,
// one write at a time, and directories are made once. The line format is the one podLogFiles.ts reads
// ("<RFC3339Nano> <stream> F <text>").
import * as fs from 'fs';
import * as path from 'path';

function criTime(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace('Z', '000000Z')
    .replace(/(\.\d{9})\d*Z$/, '$1Z');
}

export class LogWriter {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly dirs = new Set<string>();

  append(file: string, stream: 'stdout' | 'stderr', lines: string[], atMs: number): void {
    const ts = criTime(atMs);
    const text = lines.map((l) => `${ts} ${stream} F ${l}\n`).join('');
    const prev = this.chains.get(file) ?? Promise.resolve();
    const next = prev
      .then(async () => {
        const dir = path.dirname(file);
        if (!this.dirs.has(dir)) {
          await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
          this.dirs.add(dir);
        }
        await fs.promises.appendFile(file, text, { mode: 0o600 });
      })
      .catch(() => {
        // a log that cannot be written does not stop the container
        this.dirs.delete(path.dirname(file));
      });
    this.chains.set(file, next);
    void next.then(() => {
      if (this.chains.get(file) === next) this.chains.delete(file);
    });
  }

  /** forgets the directories of a pod that is gone (they are removed with it) */
  forgetDir(prefix: string): void {
    for (const d of this.dirs) if (d.startsWith(prefix)) this.dirs.delete(d);
  }

  /** resolves once everything appended so far is written */
  async flush(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }
}
