// Rebuilds the live state of a store directory: the snapshot, then every log record with a
// later revision. Only the newest segment may end in a damaged record (a write torn by a
// crash, never acknowledged) with nothing valid after it; that tail is cut off so new records
// follow valid ones. Damage anywhere else (a sealed segment, or valid records after the damage),
// or a gap in revisions, means acknowledged data is at stake: the store does not open, and
// repair.ts cuts the log there only when asked to.
import * as fs from 'fs';
import * as path from 'path';
import { EntryTable } from './entryTable';
import { findNextFrame, scanFrames } from './frame';
import { truncateDurably } from './fsio';
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

/** The log is damaged where cutting it would drop acknowledged records. */
export class StoreDamagedError extends Error {
  constructor(
    readonly file: string,
    readonly offset: number,
    detail: string,
  ) {
    super(
      `${file}: damaged record at byte ${offset} (${detail}); cutting the log there would drop acknowledged writes, ` +
        `so the store does not open. To keep the records before byte ${offset} and drop the rest (a copy of the ` +
        `segment is kept), run \`slipway cluster --state DIR --repair-store\` on the state folder DIR that holds ` +
        `${path.dirname(file)}.`,
    );
    this.name = 'StoreDamagedError';
  }
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
    if (i !== segments.length - 1) throw new StoreDamagedError(file, scan.validBytes, 'in a sealed log segment');
    const next = findNextFrame(buf, scan.validBytes + 1);
    if (next >= 0) throw new StoreDamagedError(file, scan.validBytes, `valid records follow from byte ${next}`);
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
