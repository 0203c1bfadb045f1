// Watch fan-out and the bounded event history watches replay from.
// Subscribers are indexed by prefix; an event is matched by looking up each distinct
// subscribed prefix length's slice of its key, so the cost per event grows with the number of
// distinct prefix lengths and the number of actual recipients, not with the number of watchers.
// Delivery is asynchronous (a microtask per burst) and ordered per subscriber, so callbacks
// never run inside watch() or inside a write, and may themselves write or watch.
import { StoreError, type StoreEvent, type Watcher } from './types';

export interface HistoryLimits {
  /** events retained for replay */
  maxEvents: number;
  /** approximate bytes of event payloads retained for replay */
  maxBytes: number;
}

class Subscription implements Watcher {
  private queue: StoreEvent[] = [];
  private scheduled = false;
  cancelled = false;

  constructor(
    readonly prefix: string,
    private readonly after: number,
    private readonly onEvent: (e: StoreEvent) => void,
    private readonly onCancel: (s: Subscription) => void,
  ) {}

  enqueue(e: StoreEvent): void {
    if (this.cancelled || e.revision <= this.after) return;
    this.queue.push(e);
    if (!this.scheduled) {
      this.scheduled = true;
      queueMicrotask(() => this.flush());
    }
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.queue = [];
    this.onCancel(this);
  }

  private flush(): void {
    this.scheduled = false;
    const batch = this.queue;
    this.queue = [];
    for (const e of batch) {
      if (this.cancelled) return;
      try {
        this.onEvent(e);
      } catch (err) {
        // One faulty consumer must not stall the others or the writer that published.
        process.emitWarning(`store watch callback for prefix "${this.prefix}" threw: ${(err as Error)?.stack ?? err}`);
      }
    }
  }
}

export class WatchHub {
  private readonly ring: (StoreEvent | undefined)[];
  private readonly sizes: number[];
  private head = 0;
  private count = 0;
  private bytes = 0;
  private readonly byPrefix = new Map<string, Set<Subscription>>();
  /** distinct subscribed prefix lengths, ascending, with how many prefixes use each */
  private lengths: number[] = [];
  private readonly lengthUse = new Map<number, number>();

  constructor(private readonly limits: HistoryLimits) {
    if (!(limits.maxEvents >= 1)) throw new RangeError('history must retain at least one event');
    this.ring = new Array(limits.maxEvents);
    this.sizes = new Array(limits.maxEvents).fill(0);
  }

  /** Revision before the oldest retained event; currentRevision when nothing is retained. */
  compactedRevision(currentRevision: number): number {
    return this.count > 0 ? this.at(0).revision - 1 : currentRevision;
  }

  get watcherCount(): number {
    let n = 0;
    for (const subs of this.byPrefix.values()) n += subs.size;
    return n;
  }

  /** Records a durable event and hands it to matching watchers. Events arrive in revision order. */
  publish(e: StoreEvent, approxBytes: number): void {
    this.remember(e, approxBytes);
    for (const len of this.lengths) {
      if (len > e.key.length) break;
      const subs = this.byPrefix.get(e.key.slice(0, len));
      if (subs) for (const s of subs) s.enqueue(e);
    }
  }

  watch(prefix: string, afterRevision: number, currentRevision: number, onEvent: (e: StoreEvent) => void): Watcher {
    const compacted = this.compactedRevision(currentRevision);
    if (!Number.isSafeInteger(afterRevision) || afterRevision < 0) {
      throw new RangeError(`invalid watch revision ${afterRevision}`);
    }
    if (afterRevision < compacted) {
      throw new StoreError('Gone', `revision ${afterRevision} is older than the oldest retained revision ${compacted}`);
    }
    const sub = new Subscription(prefix, afterRevision, onEvent, (s) => this.remove(s));
    for (let i = this.firstAfter(afterRevision); i < this.count; i++) {
      const e = this.at(i);
      if (e.key.startsWith(prefix)) sub.enqueue(e);
    }
    this.add(sub);
    return sub;
  }

  /** Stops every watcher (the store is closing). */
  cancelAll(): void {
    for (const subs of Array.from(this.byPrefix.values())) for (const s of Array.from(subs)) s.cancel();
  }

  private at(i: number): StoreEvent {
    return this.ring[(this.head + i) % this.ring.length]!;
  }

  private remember(e: StoreEvent, approxBytes: number): void {
    const cap = this.ring.length;
    if (this.count === cap) this.dropOldest();
    const slot = (this.head + this.count) % cap;
    this.ring[slot] = e;
    this.sizes[slot] = approxBytes;
    this.count++;
    this.bytes += approxBytes;
    while (this.bytes > this.limits.maxBytes && this.count > 1) this.dropOldest();
  }

  private dropOldest(): void {
    this.bytes -= this.sizes[this.head];
    this.ring[this.head] = undefined;
    this.sizes[this.head] = 0;
    this.head = (this.head + 1) % this.ring.length;
    this.count--;
  }

  /** Index of the first retained event with revision > r. */
  private firstAfter(r: number): number {
    let lo = 0;
    let hi = this.count;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.at(mid).revision <= r) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  private add(s: Subscription): void {
    let subs = this.byPrefix.get(s.prefix);
    if (!subs) {
      subs = new Set();
      this.byPrefix.set(s.prefix, subs);
      const len = s.prefix.length;
      const uses = this.lengthUse.get(len) ?? 0;
      this.lengthUse.set(len, uses + 1);
      if (uses === 0) this.lengths = [...this.lengths, len].sort((a, b) => a - b);
    }
    subs.add(s);
  }

  private remove(s: Subscription): void {
    const subs = this.byPrefix.get(s.prefix);
    if (!subs || !subs.delete(s) || subs.size > 0) return;
    this.byPrefix.delete(s.prefix);
    const len = s.prefix.length;
    const uses = this.lengthUse.get(len)! - 1;
    if (uses > 0) this.lengthUse.set(len, uses);
    else {
      this.lengthUse.delete(len);
      this.lengths = this.lengths.filter((l) => l !== len);
    }
  }
}
