// The append-only log with group commit. Records appended while a write+fsync is in flight
// queue up and the next write+fsync covers all of them, so N concurrent writers cost one
// fsync per round rather than N. Completion is reported synchronously through onDurable, in
// append order, so the caller can apply a batch before anything else (such as a rotation)
// observes its state.
//
// A batch that cannot be written (disk full, I/O error) is refused, with everything queued behind it. The
// log then stays failed until the next append, which first cuts the segment back to its last durable byte
// (a partly written batch must not stay in front of later records) and, if that works, carries on: freeing
// space is enough, no restart needed, and nothing acknowledged is lost or written twice.
import * as fs from 'fs';
import { closeFile, createFileDurably, fsyncDir, fsyncFile, openFile, writeAll } from './fsio';
import { listSegments, segmentFile } from './segments';

export interface WalHandlers<T> {
  /** records of one batch are on disk and fsynced */
  onDurable(items: T[]): void;
  /** the batch could not be made durable; it and everything queued are refused until a later append recovers */
  onFailure(items: T[], err: Error): void;
}

interface Rotation {
  atBoundary: () => void;
  resolve: (oldSeq: number) => void;
  reject: (err: Error) => void;
}

export class Wal<T> {
  private frames: Buffer[] = [];
  private items: T[] = [];
  private rotation: Rotation | undefined;
  /** set and cleared synchronously by drain(), so an append right after a batch is never stranded */
  private active = false;
  private running: Promise<void> = Promise.resolve();
  private kickScheduled = false;
  private closed = false;
  private failure: Error | undefined;
  /** bytes in the current segment */
  private bytes: number;

  private constructor(
    private readonly dir: string,
    private fd: number,
    private currentSeq: number,
    bytes: number,
    private readonly handlers: WalHandlers<T>,
  ) {
    this.bytes = bytes;
  }

  /** Opens segment seq for appending, creating it if needed; its content must already be valid. */
  static async open<T>(dir: string, seq: number, handlers: WalHandlers<T>): Promise<Wal<T>> {
    const file = segmentFile(dir, seq);
    if (!fs.existsSync(file)) await createFileDurably(file);
    const fd = await openFile(file, 'a');
    const { size } = fs.fstatSync(fd);
    return new Wal(dir, fd, seq, size, handlers);
  }

  get segmentBytes(): number {
    return this.bytes;
  }

  /** Queues one framed record; the outcome arrives through the handlers. */
  append(frame: Buffer, item: T): void {
    if (this.closed) throw new Error('log is closed');
    this.frames.push(frame);
    this.items.push(item);
    this.kick();
  }

  /**
   * Starts a new segment at the next batch boundary: every record written so far is durable and
   * reported, records still queued go to the new segment. atBoundary runs synchronously at that
   * point, before any later record is written or reported. Resolves with the sequence number of
   * the segment that was sealed.
   */
  rotate(atBoundary: () => void): Promise<number> {
    if (this.closed) return Promise.reject(new Error('log is closed'));
    if (this.failure) return Promise.reject(this.failure);
    if (this.rotation) return Promise.reject(new Error('rotation already pending'));
    return new Promise((resolve, reject) => {
      this.rotation = { atBoundary, resolve, reject };
      this.kick();
    });
  }

  /** Removes segments older than seq (their records are covered by a durable snapshot). */
  async removeSegmentsBefore(seq: number): Promise<void> {
    for (const s of await listSegments(this.dir)) {
      if (s.seq < seq) await fs.promises.unlink(s.file);
    }
    await fsyncDir(this.dir);
  }

  /** Flushes what is queued, then closes the segment. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    while (this.active || this.kickScheduled) {
      if (this.active) await this.running;
      else await new Promise((r) => setImmediate(r));
    }
    if (!this.failure) await fsyncFile(this.fd);
    await closeFile(this.fd);
  }

  private kick(): void {
    if (this.active || this.kickScheduled) return;
    // Deferring to the next turn lets appends issued in the same turn share the first fsync.
    this.kickScheduled = true;
    setImmediate(() => {
      this.kickScheduled = false;
      if (!this.active) this.running = this.drain();
    });
  }

  private async drain(): Promise<void> {
    // The flag is cleared in this function's own finally, synchronously with the last batch's
    // acknowledgements, so writers continuing from them find the log idle and kick it again.
    this.active = true;
    try {
      for (;;) {
        if (this.failure) {
          if (this.frames.length === 0) return;
          try {
            await this.cutToDurable();
          } catch (err) {
            this.fail([], err as Error);
            return;
          }
        }
        if (this.rotation) {
          await this.rotateNow(this.rotation);
          this.rotation = undefined;
          continue;
        }
        if (this.frames.length === 0) return;
        const frames = this.frames;
        const items = this.items;
        this.frames = [];
        this.items = [];
        const buf = frames.length === 1 ? frames[0] : Buffer.concat(frames);
        try {
          await writeAll(this.fd, buf);
          await fsyncFile(this.fd);
        } catch (err) {
          this.fail(items, err as Error);
          return;
        }
        this.bytes += buf.length;
        this.handlers.onDurable(items);
      }
    } finally {
      this.active = false;
    }
  }

  private async rotateNow(r: Rotation): Promise<void> {
    const oldSeq = this.currentSeq;
    try {
      r.atBoundary();
      const next = oldSeq + 1;
      const file = segmentFile(this.dir, next);
      // An earlier failed attempt may have created the (still empty) file already.
      if (!fs.existsSync(file)) await createFileDurably(file);
      const fd = await openFile(file, 'a');
      await closeFile(this.fd);
      this.fd = fd;
      this.currentSeq = next;
      this.bytes = 0;
    } catch (err) {
      // Appends keep going to the old segment; the caller may retry later.
      r.reject(err as Error);
      return;
    }
    r.resolve(oldSeq);
  }

  /** Drops whatever a failed batch left after the last durable byte, so the segment can be appended to again. */
  private async cutToDurable(): Promise<void> {
    const fd = this.fd;
    await new Promise<void>((resolve, reject) =>
      fs.ftruncate(fd, this.bytes, (err) => (err ? reject(err) : resolve())),
    );
    await fsyncFile(this.fd);
    this.failure = undefined;
  }

  private fail(items: T[], err: Error): void {
    this.failure = err;
    const queued = this.items;
    this.frames = [];
    this.items = [];
    this.handlers.onFailure(items.concat(queued), err);
    if (this.rotation) this.rotation.reject(err);
    this.rotation = undefined;
  }
}
