// The cluster's clock. Everything time-driven (back-off, probes, progress deadlines, CronJob schedules,
// grace periods, timestamps the cluster writes) reads this clock, so tests can run it faster than real
// time instead of sleeping.

export interface Timer {
  cancel(): void;
}

export interface Clock {
  /** milliseconds since the epoch, in cluster time */
  now(): number;
  /** calls fn after ms of cluster time */
  after(ms: number, fn: () => void): Timer;
  /** calls fn every ms of cluster time */
  every(ms: number, fn: () => void): Timer;
  sleep(ms: number): Promise<void>;
  /** how many cluster milliseconds pass per real millisecond */
  readonly speed: number;
}

/** Longest delay a Node timer takes; a longer one overflows and fires after 1 ms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export class ScaledClock implements Clock {
  private readonly realStart = Date.now();

  constructor(
    readonly speed = 1,
    private readonly start = Date.now(),
  ) {
    if (!(speed > 0)) throw new Error(`clock speed must be positive, got ${speed}`);
  }

  now(): number {
    return this.start + (Date.now() - this.realStart) * this.speed;
  }

  after(ms: number, fn: () => void): Timer {
    const t = setTimeout(fn, Math.min(MAX_TIMER_MS, Math.max(0, ms / this.speed)));
    t.unref?.();
    return { cancel: () => clearTimeout(t) };
  }

  every(ms: number, fn: () => void): Timer {
    const t = setInterval(fn, Math.min(MAX_TIMER_MS, Math.max(1, ms / this.speed)));
    t.unref?.();
    return { cancel: () => clearInterval(t) };
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.after(ms, resolve));
  }
}

let current: Clock = new ScaledClock(1);

/** The clock of this process's cluster. */
export function clock(): Clock {
  return current;
}

/** Replaces the clock (at cluster start, before anything reads it). */
export function setClock(c: Clock): void {
  current = c;
}

/** RFC 3339 with second precision, as Kubernetes writes most timestamps. */
export function timestamp(ms = current.now()): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    // thousands of writes a second share one text
    lastSecond = second;
    lastTimestamp = new Date(second * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  return lastTimestamp;
}

let lastSecond = NaN;
let lastTimestamp = '';

/** RFC 3339 with microseconds (metav1.MicroTime), as Events and Leases use. */
export function microTimestamp(ms = current.now()): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}
