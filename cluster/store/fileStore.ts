// The durable Store: an in-memory table of live entries backed by a write-ahead log and
// periodic snapshots in one directory.
//
// A write is validated and assigned its revision synchronously, against the committed state
// plus the writes still waiting for their fsync (the "pending" overlay), so concurrent
// callers are serialized exactly as they called. It becomes visible to get/list/watch only
// once durable: a reader can never observe a revision that a crash could take back and a
// restart hand out again for different data.
import * as fs from 'fs';
import { EntryTable } from './entryTable';
import { lockDir, type DirLock } from './dirLock';
import { encodeFrame } from './frame';
import { deletePayload, putPayload } from './records';
import { recover, type RecoveryReport } from './recovery';
import { writeSnapshot, type SnapshotEntry } from './snapshot';
import {
  StoreError,
  type PutOptions,
  type Store,
  type StoreEntry,
  type StoreEvent,
  type Watcher,
  type WatchEventType,
} from './types';
import { deletedView, stampValue } from './values';
import { Wal } from './wal';
import { WatchHub } from './watchHub';

export interface StoreOptions {
  /** take a snapshot and start a new log segment once the segment holds this many bytes (default 64 MiB) */
  maxLogBytes?: number;
  /** ...or this many records, whichever comes first (default: no record limit) */
  maxLogRecords?: number;
  /** events kept for watch replay (default 10,000) */
  historyEvents?: number;
  /** approximate payload bytes kept for watch replay (default 64 MiB) */
  historyBytes?: number;
}

const DEFAULTS: Required<StoreOptions> = {
  maxLogBytes: 64 * 1024 * 1024,
  maxLogRecords: Number.POSITIVE_INFINITY,
  historyEvents: 10_000,
  historyBytes: 64 * 1024 * 1024,
};

/** how long a failed compaction waits before the next try */
const COMPACTION_RETRY_MS = 10_000;

/** A write between validation and durability. */
interface PendingWrite {
  type: WatchEventType;
  /** the entry as it will be stored; for a delete, the last state stamped with the deletion's revision */
  entry: StoreEntry;
  prev?: StoreEntry;
  approxBytes: number;
  resolve(entry: StoreEntry): void;
  reject(err: Error): void;
}

interface Latest {
  revision: number;
  /** undefined: deleted by a pending write */
  entry: StoreEntry | undefined;
}

export class FileStore implements Store {
  private committed: number;
  private assigned: number;
  private readonly pending = new Map<string, Latest>();
  private readonly hub: WatchHub;
  private recordsInSegment = 0;
  private compaction: Promise<void> | undefined;
  /** after a failed compaction (a full disk), none is tried again before this time, and no new warning given */
  private compactionRetryAt = 0;
  private closing: Promise<void> | undefined;
  /** the error of the last write that failed, until a write succeeds again */
  private failure: Error | undefined;

  /** set by open(): the log's handlers refer back to the store */
  private wal!: Wal<PendingWrite>;

  private constructor(
    private readonly dir: string,
    private readonly options: Required<StoreOptions>,
    private readonly table: EntryTable,
    revision: number,
    private readonly lock: DirLock,
    /** what opening the directory found and how long it took */
    readonly recovery: RecoveryReport,
  ) {
    this.committed = revision;
    this.assigned = revision;
    this.hub = new WatchHub({ maxEvents: options.historyEvents, maxBytes: options.historyBytes });
  }

  static async open(dir: string, options: StoreOptions = {}): Promise<FileStore> {
    const opts = resolveOptions(options);
    await fs.promises.mkdir(dir, { recursive: true, mode: 0o700 });
    const lock = await lockDir(dir);
    try {
      const state = await recover(dir);
      const store = new FileStore(dir, opts, state.table, state.revision, lock, state.report);
      store.recordsInSegment = state.lastSegmentRecords;
      store.wal = await Wal.open<PendingWrite>(dir, state.lastSeq, {
        onDurable: (items) => store.commit(items),
        onFailure: (items, err) => store.fail(items, err),
      });
      return store;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  /** Revision of the latest durable write; reads reflect exactly the writes up to it. */
  get revision(): number {
    return this.committed;
  }

  get writeFailure(): string | undefined {
    return this.failure && `writes to ${this.dir} fail: ${this.failure.message}`;
  }

  get compactedRevision(): number {
    return this.hub.compactedRevision(this.committed);
  }

  get(key: string): StoreEntry | undefined {
    return this.table.get(key);
  }

  list(prefix: string): { items: StoreEntry[]; revision: number } {
    return { items: this.table.list(prefix), revision: this.committed };
  }

  create(key: string, value: object, opts?: PutOptions): Promise<StoreEntry> {
    try {
      this.checkWritable(key);
      if (this.latest(key)) throw new StoreError('AlreadyExists', `${key} already exists`);
      return this.put('ADDED', key, value, undefined, opts);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  update(key: string, value: object, expectedRevision?: number, opts?: PutOptions): Promise<StoreEntry> {
    try {
      this.checkWritable(key);
      const current = this.existing(key, expectedRevision);
      return this.put('MODIFIED', key, value, current, opts);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  delete(key: string, expectedRevision?: number): Promise<StoreEntry> {
    try {
      this.checkWritable(key);
      const current = this.existing(key, expectedRevision);
      const revision = this.assigned + 1;
      const entry: StoreEntry = Object.freeze({
        key,
        value: deletedView(current.value, revision),
        modRevision: revision,
      });
      return this.enqueue(encodeFrame(deletePayload(revision, key)), key, revision, undefined, {
        type: 'DELETED',
        entry,
        prev: current,
        approxBytes: key.length,
      });
    } catch (err) {
      return Promise.reject(err);
    }
  }

  watch(prefix: string, afterRevision: number, onEvent: (e: StoreEvent) => void): Watcher {
    return this.hub.watch(prefix, afterRevision, this.committed, onEvent);
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.compaction) await this.compaction;
      await this.wal.close();
      await this.lock.release();
    })();
    return this.closing;
  }

  private checkWritable(key: string): void {
    if (this.closing) throw new Error('store is closed');
    if (typeof key !== 'string' || key.length === 0) throw new TypeError('key must be a non-empty string');
  }

  /** The key's entry including pending writes, which is what a new write must be checked against. */
  private latest(key: string): StoreEntry | undefined {
    const p = this.pending.get(key);
    return p ? p.entry : this.table.get(key);
  }

  private existing(key: string, expectedRevision: number | undefined): StoreEntry {
    const current = this.latest(key);
    if (!current) throw new StoreError('NotFound', `${key} not found`);
    if (expectedRevision !== undefined && current.modRevision !== expectedRevision) {
      throw new StoreError('Conflict', `${key} is at revision ${current.modRevision}, not ${expectedRevision}`);
    }
    return current;
  }

  private put(
    type: WatchEventType,
    key: string,
    value: object,
    prev: StoreEntry | undefined,
    opts: PutOptions | undefined,
  ): Promise<StoreEntry> {
    const revision = this.assigned + 1;
    const { json, stored } = stampValue(value, revision, opts?.handOver);
    const entry: StoreEntry = Object.freeze({ key, value: stored, modRevision: revision });
    return this.enqueue(encodeFrame(putPayload(revision, key, json)), key, revision, entry, {
      type,
      entry,
      prev,
      approxBytes: json.length,
    });
  }

  private enqueue(
    frame: Buffer,
    key: string,
    revision: number,
    latest: StoreEntry | undefined,
    write: Omit<PendingWrite, 'resolve' | 'reject'>,
  ): Promise<StoreEntry> {
    return new Promise((resolve, reject) => {
      this.wal.append(frame, { ...write, resolve, reject });
      this.assigned = revision;
      this.pending.set(key, { revision, entry: latest });
    });
  }

  /** A batch is durable: apply it, publish its events, acknowledge its writers, in revision order. */
  private commit(items: PendingWrite[]): void {
    if (this.failure) {
      this.failure = undefined;
      console.error(`store ${this.dir}: writes succeed again`);
    }
    for (const w of items) {
      const { key, modRevision } = w.entry;
      if (w.type === 'DELETED') this.table.delete(key);
      else this.table.set(w.entry);
      this.committed = modRevision;
      if (this.pending.get(key)?.revision === modRevision) this.pending.delete(key);
      const event: StoreEvent = { type: w.type, key, value: w.entry.value, revision: modRevision };
      if (w.prev) event.prev = w.prev.value;
      this.hub.publish(event, w.approxBytes);
      w.resolve(w.entry);
    }
    this.recordsInSegment += items.length;
    if (this.wal.segmentBytes >= this.options.maxLogBytes || this.recordsInSegment >= this.options.maxLogRecords) {
      this.startCompaction();
    }
  }

  /** Every outstanding write is refused: validation starts again from the committed state. */
  private fail(items: PendingWrite[], err: Error): void {
    // one line per episode of failures, not one per write refused
    if (!this.failure) {
      console.error(`store ${this.dir}: writes fail (${err.message}); refusing them until one succeeds again`);
    }
    this.failure = err;
    this.assigned = this.committed;
    this.pending.clear();
    const refused = new StoreError('Unavailable', `the write could not be stored: ${err.message}`);
    for (const w of items) w.reject(refused);
  }

  /** Snapshot the state at a segment boundary, then drop the segments the snapshot covers. */
  private startCompaction(): void {
    if (this.compaction || this.closing || Date.now() < this.compactionRetryAt) return;
    this.compaction = (async () => {
      let revision = 0;
      let entries: SnapshotEntry[] = [];
      const sealedSeq = await this.wal.rotate(() => {
        // Entries are immutable, so an array of references is a consistent copy of this instant.
        revision = this.committed;
        entries = Array.from(this.table.values());
        this.recordsInSegment = 0;
      });
      await writeSnapshot(this.dir, revision, entries);
      await this.wal.removeSegmentsBefore(sealedSeq + 1);
      this.compactionRetryAt = 0;
    })()
      .catch((err) => {
        // Nothing is lost: the sealed segments stay until a later snapshot covers them.
        if (this.compactionRetryAt === 0) {
          const retry = `retried every ${COMPACTION_RETRY_MS / 1000} s`;
          process.emitWarning(`store ${this.dir}: compaction failed (${retry}): ${(err as Error).message}`);
        }
        this.compactionRetryAt = Date.now() + COMPACTION_RETRY_MS;
      })
      .finally(() => {
        this.compaction = undefined;
      });
  }
}

function resolveOptions(options: StoreOptions): Required<StoreOptions> {
  const opts = { ...DEFAULTS };
  for (const [name, value] of Object.entries(options) as [keyof StoreOptions, number | undefined][]) {
    if (value === undefined) continue;
    if (typeof value !== 'number' || !(value > 0))
      throw new RangeError(`store option ${name} must be a positive number`);
    opts[name] = value;
  }
  return opts;
}

export function openStore(dir: string, options?: StoreOptions): Promise<FileStore> {
  return FileStore.open(dir, options);
}
