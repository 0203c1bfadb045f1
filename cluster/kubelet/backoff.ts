// Per-key exponential back-off as client-go's flowcontrol.Backoff keeps it for the kubelet: the first
// failure starts at the initial delay, each further one doubles it up to the maximum, and a key that
// stayed quiet for twice the maximum starts over.
export class Backoff {
  private readonly entries = new Map<string, { delay: number; lastUpdate: number }>();

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly now: () => number,
  ) {}

  private expired(eventTime: number, lastUpdate: number): boolean {
    return eventTime - lastUpdate > this.maxMs * 2;
  }

  /** records a failure at eventTime */
  next(key: string, eventTime: number): void {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e.lastUpdate))
      this.entries.set(key, { delay: this.initialMs, lastUpdate: this.now() });
    else {
      e.delay = Math.min(e.delay * 2, this.maxMs);
      e.lastUpdate = this.now();
    }
  }

  /** the current delay of the key (0 when none) */
  get(key: string): number {
    return this.entries.get(key)?.delay ?? 0;
  }

  /** whether less than the key's delay has passed since eventTime */
  inBackOffSince(key: string, eventTime: number): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(eventTime, e.lastUpdate)) return false;
    return this.now() - eventTime < e.delay;
  }

  /** whether less than the key's delay has passed since its last failure */
  inBackOffSinceUpdate(key: string): boolean {
    const e = this.entries.get(key);
    if (!e || this.expired(this.now(), e.lastUpdate)) return false;
    return this.now() - e.lastUpdate < e.delay;
  }

  /** ms until the back-off since the key's last failure ends (0 when it has) */
  remainingSinceUpdate(key: string): number {
    const e = this.entries.get(key);
    if (!e) return 0;
    return Math.max(0, e.lastUpdate + e.delay - this.now());
  }

  /** when the key's back-off since eventTime ends */
  until(key: string, eventTime: number): number {
    return eventTime + this.get(key);
  }

  forget(prefix: string): void {
    for (const k of [...this.entries.keys()]) if (k.startsWith(prefix)) this.entries.delete(k);
  }
}
