// Snapshots: every live entry at one revision, in the same checksummed framing as the log.
// A snapshot is written to a temp file, fsynced, renamed over the previous one and the
// directory fsynced, so the file named snapshot.db is always complete.
import * as fs from 'fs';
import * as path from 'path';
import { encodeFrame, scanFrames } from './frame';
import { closeFile, fsyncDir, fsyncFile, openFile, writeAll } from './fsio';
import { parseSnapshotEntry, parseSnapshotHeader, snapshotEntryPayload, snapshotHeaderPayload } from './records';
import { SNAPSHOT_FILE, SNAPSHOT_TMP_FILE } from './segments';
import { storedJson } from './values';
import type { KubeObject } from '../../kube/objects';

export interface SnapshotEntry {
  key: string;
  modRevision: number;
  value: KubeObject;
}

/** Writes out in chunks of about this size so the event loop keeps serving between them. */
const CHUNK_BYTES = 1024 * 1024;

export async function writeSnapshot(dir: string, revision: number, entries: readonly SnapshotEntry[]): Promise<void> {
  const tmp = path.join(dir, SNAPSHOT_TMP_FILE);
  try {
    await writeSnapshotFile(tmp, revision, entries);
  } catch (err) {
    // a partial snapshot would keep holding the space whose lack (a full disk) is the likely cause
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  await fs.promises.rename(tmp, path.join(dir, SNAPSHOT_FILE));
  await fsyncDir(dir);
}

async function writeSnapshotFile(tmp: string, revision: number, entries: readonly SnapshotEntry[]): Promise<void> {
  const fd = await openFile(tmp, 'w');
  try {
    let chunk: Buffer[] = [encodeFrame(snapshotHeaderPayload({ revision, count: entries.length }))];
    let chunkBytes = chunk[0].length;
    for (const e of entries) {
      const frame = encodeFrame(
        snapshotEntryPayload(e.key, e.modRevision, storedJson(e.value) ?? JSON.stringify(e.value)),
      );
      chunk.push(frame);
      chunkBytes += frame.length;
      if (chunkBytes >= CHUNK_BYTES) {
        await writeAll(fd, Buffer.concat(chunk));
        chunk = [];
        chunkBytes = 0;
      }
    }
    if (chunk.length > 0) await writeAll(fd, Buffer.concat(chunk));
    await fsyncFile(fd);
  } finally {
    await closeFile(fd);
  }
}

export interface LoadedSnapshot {
  revision: number;
  entries: SnapshotEntry[];
}

/** Reads the snapshot in dir, if any. A damaged snapshot is an error, never a partial state. */
export async function readSnapshot(dir: string): Promise<LoadedSnapshot | undefined> {
  const file = path.join(dir, SNAPSHOT_FILE);
  let buf: Buffer;
  try {
    buf = await fs.promises.readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
  let revision = -1;
  let expected = 0;
  const entries: SnapshotEntry[] = [];
  const scan = scanFrames(buf, (payload) => {
    if (revision < 0) {
      const header = parseSnapshotHeader(payload);
      revision = header.revision;
      expected = header.count;
    } else {
      entries.push(parseSnapshotEntry(payload));
    }
  });
  if (scan.damaged || revision < 0 || entries.length !== expected) {
    throw new Error(`snapshot ${file} is damaged (${entries.length} of ${expected} entries readable)`);
  }
  return { revision, entries };
}
