// What a controller has asked the API server for but not yet seen in its informer cache: pods it created,
// pods it deleted and finalizers it removed. Until the cache catches up, acting again on the stale view would
// create pods twice or count a finished pod twice.
export class Expectations {
  private readonly creations = new Map<string, Map<string, number>>();
  private readonly deletions = new Map<string, Map<string, number>>();
  private readonly finalizers = new Map<string, Map<string, number>>();

  /** ttlMs: after this long an expectation is given up (an event may have been missed). */
  constructor(private readonly now: () => number, private readonly ttlMs = 5 * 60_000) {}

  expectCreation(key: string, podName: string): void { this.put(this.creations, key, podName); }
  expectDeletion(key: string, podUid: string): void { this.put(this.deletions, key, podUid); }
  expectFinalizerRemoval(key: string, podUid: string): void { this.put(this.finalizers, key, podUid); }

  /** A pod was seen in the cache (created, updated or gone). */
  observe(key: string, pod: any, gone: boolean): void {
    const name = pod.metadata?.name;
    const uid = pod.metadata?.uid;
    this.creations.get(key)?.delete(name);
    if (gone || pod.metadata?.deletionTimestamp) this.deletions.get(key)?.delete(uid);
    if (gone || !(pod.metadata?.finalizers ?? []).includes('batch.kubernetes.io/job-tracking')) this.finalizers.get(key)?.delete(uid);
  }

  /** Creation and deletion expectations met: the cache shows what this controller last did. */
  satisfied(key: string): boolean {
    return this.pending(this.creations, key) === 0 && this.pending(this.deletions, key) === 0;
  }

  /** Pods whose finalizer removal was sent but not yet seen. */
  finalizerRemovals(key: string): Set<string> {
    this.pending(this.finalizers, key);
    return new Set(this.finalizers.get(key)?.keys() ?? []);
  }

  forget(key: string): void {
    this.creations.delete(key);
    this.deletions.delete(key);
    this.finalizers.delete(key);
  }

  private put(map: Map<string, Map<string, number>>, key: string, id: string): void {
    let m = map.get(key);
    if (!m) map.set(key, (m = new Map()));
    m.set(id, this.now());
  }

  private pending(map: Map<string, Map<string, number>>, key: string): number {
    const m = map.get(key);
    if (!m) return 0;
    const cutoff = this.now() - this.ttlMs;
    for (const [id, at] of m) if (at < cutoff) m.delete(id);
    if (!m.size) map.delete(key);
    return m.size;
  }
}
