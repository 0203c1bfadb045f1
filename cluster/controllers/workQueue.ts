import type { Clock, Timer } from '../clock';

// A keyed work queue: a key is processed by one worker at a time, added keys coalesce, and a key whose
// processing fails is retried with back-off, as client-go's rate-limited queues do.
export class WorkQueue {
  private readonly pending = new Set<string>();
  private readonly active = new Set<string>();
  private readonly dirty = new Set<string>();
  private readonly failures = new Map<string, number>();
  private running = 0;
  private stopped = false;
  private readonly delayed = new Map<string, { timer: Timer; due: number }>();

  constructor(
    private readonly handler: (key: string) => Promise<void>,
    private readonly workers = 4,
  ) {}

  add(key: string): void {
    if (this.stopped) return;
    if (this.active.has(key)) {
      this.dirty.add(key);
      return;
    }
    this.pending.add(key);
    this.pump();
  }

  /** Adds key after ms of cluster time; of several requests for one key the earliest wins. */
  addAfter(key: string, ms: number, clock: Clock): void {
    if (this.stopped) return;
    const due = clock.now() + ms;
    const existing = this.delayed.get(key);
    if (existing && existing.due <= due) return;
    existing?.timer.cancel();
    const timer = clock.after(ms, () => {
      this.delayed.delete(key);
      this.add(key);
    });
    this.delayed.set(key, { timer, due });
  }

  stop(): void {
    this.stopped = true;
    this.pending.clear();
    for (const d of this.delayed.values()) d.timer.cancel();
    this.delayed.clear();
  }

  private pump(): void {
    while (!this.stopped && this.running < this.workers && this.pending.size) {
      const key = this.pending.values().next().value as string;
      this.pending.delete(key);
      this.active.add(key);
      this.running++;
      this.handler(key)
        .then(() => this.failures.delete(key))
        .catch(() => {
          const n = (this.failures.get(key) ?? 0) + 1;
          this.failures.set(key, n);
          setTimeout(() => this.add(key), Math.min(5000, 10 * 2 ** n)).unref();
        })
        .finally(() => {
          this.running--;
          this.active.delete(key);
          if (this.dirty.delete(key)) this.pending.add(key);
          this.pump();
        });
    }
  }
}
