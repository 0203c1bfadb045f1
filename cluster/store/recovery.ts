// Rebuilds the live state of a store directory: the snapshot, then every log record with a
// later revision. Only the newest segment may end in a damaged record (a write torn by a
// crash, never acknowledged); it is cut off so new records follow valid ones. Damage
// anywhere else, or a gap in revisions, means acknowledged data is missing: that is an error.
import * as fs from 'fs';
import * as path from 'path';
import { EntryTable } from './entryTable';
import { scanFrames } from './frame';
import { fsyncFile, openFile, closeFile } from './fsio';
import { parseLogRecord } from './records';
import { listSegments, SNAPSHOT_TMP_FILE } from './segments';
import { readSnapshot } from './snapshot';
import { deepFreeze } from './values';

export interface RecoveryReport {
  /** revision of the snapshot loaded, 0 when there was none */
  snapshotRevision: number;
  /** log records applied on top of the snapshot */
  replayedRecords: number;
  /** bytes cut from the end of the newest segment because they did not form a valid record */
  droppedTailBytes: number;
  durationMs: number;
}

export interface RecoveredState {
  table: EntryTable;
  revision: number;
  /** segment to keep appending to */
  lastSeq: number;
  /** records already in that segment, so a record-count compaction threshold survives restarts */
  lastSegmentRecords: number;
  report: RecoveryReport;
}

export async function recover(dir: string): Promise<RecoveredState> {
  const started = process.hrtime.bigint();
  await fs.promises.rm(path.join(dir, SNAPSHOT_TMP_FILE), { force: true });

  const table = new EntryTable();
  table.beginLoad();
  const snapshot = await readSnapshot(dir);
  const snapshotRevision = snapshot?.revision ?? 0;
  for (const e of snapshot?.entries ?? []) {
    table.set(Object.freeze({ key: e.key, modRevision: e.modRevision, value: deepFreeze(e.value) }));
  }

  let revision = snapshotRevision;
  let replayedRecords = 0;
  let droppedTailBytes = 0;
  let lastSegmentRecords = 0;
  const segments = await listSegments(dir);
  for (let i = 0; i < segments.length; i++) {
    const { file } = segments[i];
    const buf = await fs.promises.readFile(file);
    lastSegmentRecords = 0;
    const scan = scanFrames(buf, (payload) => {
      const rec = parseLogRecord(payload);
      lastSegmentRecords++;
      if (rec.revision <= snapshotRevision) return;
      if (rec.revision !== revision + 1) {
        throw new Error(`${file}: revision ${rec.revision} follows ${revision}; records are missing`);
      }
      revision = rec.revision;
      replayedRecords++;
      if (rec.kind === 'put') {
        table.set(Object.freeze({ key: rec.key, modRevision: rec.revision, value: deepFreeze(rec.value) }));
      } else {
        if (!table.get(rec.key)) throw new Error(`${file}: revision ${rec.revision} deletes missing key ${rec.key}`);
        table.delete(rec.key);
      }
    });
    if (!scan.damaged) continue;
    if (i !== segments.length - 1) {
      throw new Error(`${file}: damaged record at byte ${scan.validBytes} in a sealed log segment`);
    }
    droppedTailBytes = buf.length - scan.validBytes;
    await truncateDurably(file, scan.validBytes);
  }
  table.endLoad();

  const durationMs = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    table,
    revision,
    lastSeq: segments.length > 0 ? segments[segments.length - 1].seq : 1,
    lastSegmentRecords,
    report: { snapshotRevision, replayedRecords, droppedTailBytes, durationMs },
  };
}

async function truncateDurably(file: string, length: number): Promise<void> {
  const fd = await openFile(file, 'r+');
  try {
    await new Promise<void>((resolve, reject) => fs.ftruncate(fd, length, (err) => (err ? reject(err) : resolve())));
    await fsyncFile(fd);
  } finally {
    await closeFile(fd);
  }
}
