// Reads what is appended to a container's current log file, across its rotations: the file stays open, so when the
// writer renames it aside (podLogFiles.ts) the rest of it is still read, then the rotated files written since, then
// the new current file from its start. Nothing is read twice and, while the rotated files are kept, nothing missed.
import * as fs from 'fs';
import { rotatedLogFiles } from './podLogFiles';

export class LogFileReader {
  private fd?: number;
  private ino?: number;
  private offset = 0;

  constructor(private readonly file: string) {}

  /** The text appended since the last call (the whole current file on the first); '' while there is none. */
  read(): string {
    if (this.fd === undefined && !this.open(this.file)) return '';
    let text = this.rest();
    const now = statIno(this.file);
    if (now === undefined || now === this.ino) return text;
    // rotated: the old file is finished (its last lines may have come after the read above); the files rotated
    // after it, then the new current one
    text += this.rest();
    const rotated = rotatedLogFiles(this.file);
    const at = rotated.findIndex((f) => statIno(f) === this.ino);
    for (const f of at < 0 ? [] : rotated.slice(at + 1)) text += readWhole(f);
    this.close();
    if (this.open(this.file)) text += this.rest();
    return text;
  }

  close(): void {
    if (this.fd !== undefined) fs.closeSync(this.fd);
    this.fd = undefined;
  }

  private open(file: string): boolean {
    try {
      this.fd = fs.openSync(file, 'r');
    } catch {
      return false;
    }
    this.ino = fs.fstatSync(this.fd).ino;
    this.offset = 0;
    return true;
  }

  private rest(): string {
    const size = fs.fstatSync(this.fd!).size;
    if (size <= this.offset) return '';
    const buf = Buffer.alloc(size - this.offset);
    const n = fs.readSync(this.fd!, buf, 0, buf.length, this.offset);
    this.offset += n;
    return buf.subarray(0, n).toString('utf8');
  }
}

function statIno(file: string): number | undefined {
  try {
    return fs.statSync(file).ino;
  } catch {
    return undefined;
  }
}

function readWhole(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return ''; // removed meanwhile
  }
}
