// The explicit repair of a store whose log is damaged where recovery will not cut it on its own
// (`slipway cluster --repair-store`): the log is cut at the first damaged record, after keeping a
// copy of the segment; later segments are set aside the same way. Revisions after the cut are lost,
// so the report says how many records go, before anything is changed.
import * as fs from 'fs';
import { lockDir } from './dirLock';
import { findNextFrame, scanFrames } from './frame';
import { fsyncDir, truncateDurably } from './fsio';
import { parseLogRecord } from './records';
import { listSegments } from './segments';

export interface RepairPlan {
  /** the segment cut, and the byte it is cut at */
  file: string;
  offset: number;
  /** later segments, set aside whole */
  laterSegments: string[];
  /** readable records dropped, and their revisions */
  droppedRecords: number;
  firstDroppedRevision?: number;
  lastDroppedRevision?: number;
}

/** What a repair would do; undefined when every segment reads to its end. */
async function planRepair(dir: string): Promise<RepairPlan | undefined> {
  const segments = await listSegments(dir);
  for (let i = 0; i < segments.length; i++) {
    const buf = await fs.promises.readFile(segments[i].file);
    const scan = scanFrames(buf, () => undefined);
    if (!scan.damaged) continue;
    const plan: RepairPlan = { file: segments[i].file, offset: scan.validBytes, laterSegments: [], droppedRecords: 0 };
    const count = (payload: string) => {
      let revision: number;
      try {
        revision = parseLogRecord(payload).revision;
      } catch {
        return;
      }
      plan.droppedRecords++;
      plan.firstDroppedRevision ??= revision;
      plan.lastDroppedRevision = revision;
    };
    const next = findNextFrame(buf, scan.validBytes + 1);
    if (next >= 0) scanFrames(buf.subarray(next), count);
    for (const later of segments.slice(i + 1)) {
      plan.laterSegments.push(later.file);
      scanFrames(await fs.promises.readFile(later.file), count);
    }
    return plan;
  }
  return undefined;
}

/**
 * Cuts the log of the store in dir at its first damaged record, keeping copies of what it changes. report hears
 * the plan before anything changes. Resolves with the plan and the copies kept; no plan when nothing is damaged.
 */
export async function repairStore(
  dir: string,
  report: (plan: RepairPlan) => void,
): Promise<{ plan?: RepairPlan; kept: string[] }> {
  const lock = await lockDir(dir);
  try {
    const plan = await planRepair(dir);
    if (!plan) return { kept: [] };
    report(plan);
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const copy = `${plan.file}.damaged-${stamp}`;
    await fs.promises.copyFile(plan.file, copy, fs.constants.COPYFILE_EXCL);
    const kept = [copy];
    await truncateDurably(plan.file, plan.offset);
    for (const later of plan.laterSegments) {
      const aside = `${later}.damaged-${stamp}`;
      await fs.promises.rename(later, aside);
      kept.push(aside);
    }
    await fsyncDir(dir);
    return { plan, kept };
  } finally {
    await lock.release();
  }
}
