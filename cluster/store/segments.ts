// File layout of a store directory:
//   wal-<seq>.log   log segments; a new one starts whenever a snapshot is taken
//   snapshot.db     latest snapshot (replaced atomically by rename)
//   *.tmp           an unfinished snapshot from a crash; ignored and removed on open
import * as fs from 'fs';
import * as path from 'path';

export const SNAPSHOT_FILE = 'snapshot.db';
export const SNAPSHOT_TMP_FILE = 'snapshot.db.tmp';

const SEGMENT_PATTERN = /^wal-(\d{10})\.log$/;

export function segmentFile(dir: string, seq: number): string {
  return path.join(dir, `wal-${String(seq).padStart(10, '0')}.log`);
}

export interface Segment {
  seq: number;
  file: string;
}

/** Log segments in dir, oldest first. */
export async function listSegments(dir: string): Promise<Segment[]> {
  const names = await fs.promises.readdir(dir);
  const segments: Segment[] = [];
  for (const name of names) {
    const m = SEGMENT_PATTERN.exec(name);
    if (m) segments.push({ seq: Number(m[1]), file: path.join(dir, name) });
  }
  return segments.sort((a, b) => a.seq - b.seq);
}
