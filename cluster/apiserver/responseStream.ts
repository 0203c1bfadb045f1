// A long-running streamed response (a watch, a log follow). One place ends it and stops everything that
// writes to it (timers, store watchers), so nothing is ever written after the end: a write after end is an
// 'error' event on the response, which used to kill the process when a watch's timeout and its bookmark
// timer fired together. A reader that falls too far behind is cut off instead of pinning the server's
// memory, as kube-apiserver drops a watcher whose buffer is full (the client lists and watches again).
import type { ServerResponse } from 'http';
import { clock } from '../clock';

/** Output a stream may hold for a client that does not read, before the server closes it. */
export const MAX_STREAM_BUFFER_BYTES = 4 * 1024 * 1024;

/** The streams a server has open, what they hold for their clients and how many slow readers it cut off. */
export class OpenStreams {
  readonly open = new Set<ResponseStream>();
  /** streams closed because their client stopped reading */
  cutOff = 0;
  /** stream errors other than clients going away (each one is also logged) */
  errors = 0;

  /** Output written but not yet taken by the clients, over all open streams. */
  bufferedBytes(): number {
    let n = 0;
    for (const s of this.open) n += s.bufferedBytes;
    return n;
  }
}

export class ResponseStream {
  private done = false;
  private readonly stops: (() => void)[] = [];
  private written = 0;
  private initialBytes = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly streams?: OpenStreams,
    private readonly maxBufferedBytes = MAX_STREAM_BUFFER_BYTES,
  ) {
    streams?.open.add(this);
    // the client went away, or the response finished: stop writing
    res.once('close', () => this.stop());
  }

  /** in-process responses hand data over at once and buffer nothing (no writableLength) */
  get bufferedBytes(): number {
    return this.res.writableLength ?? 0;
  }

  get ended(): boolean {
    return this.done;
  }

  /** fn runs once when the stream ends, however it ends (at once if it has ended already). */
  onEnd(fn: () => void): void {
    if (this.done) fn();
    else this.stops.push(fn);
  }

  /** Calls fn after ms of cluster time unless the stream has ended. */
  after(ms: number, fn: () => void): void {
    const t = clock().after(ms, () => !this.done && fn());
    this.onEnd(() => t.cancel());
  }

  /** Calls fn every ms of cluster time until the stream ends. */
  every(ms: number, fn: () => void): void {
    const t = clock().every(ms, () => !this.done && fn());
    this.onEnd(() => t.cancel());
  }

  /**
   * Writes unless ended; false when the stream has ended (now or before). The initial state (a watch's ADDED
   * events, the log so far) is written at once, as a list answer would be, and does not count against the
   * limit while it is still buffered: only what follows it does.
   */
  write(chunk: string | Buffer, initial = false): boolean {
    if (this.done) return false;
    this.res.write(chunk);
    const bytes = typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    this.written += bytes;
    if (initial) this.initialBytes += bytes;
    const buffered = this.bufferedBytes;
    // the response is first in, first out: what the client took came off the initial state first
    const initialLeft = Math.max(0, this.initialBytes - (this.written - buffered));
    if (buffered - initialLeft > this.maxBufferedBytes) {
      if (this.streams) this.streams.cutOff++;
      this.stop();
      // the buffered data cannot be taken back, so the connection goes, as when a real watcher is dropped
      this.res.destroy();
      return false;
    }
    return true;
  }

  /** Ends the response (once) and stops whatever writes to it. */
  end(chunk?: string | Buffer): void {
    if (this.done) return;
    if (chunk !== undefined) this.write(chunk, true);
    if (this.done) return;
    this.stop();
    this.res.end();
  }

  private stop(): void {
    if (this.done) return;
    this.done = true;
    this.streams?.open.delete(this);
    for (const fn of this.stops.splice(0)) fn();
  }
}
