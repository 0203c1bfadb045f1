// Controller expectations (kubernetes' ControllerExpectations and UIDTrackingControllerExpectations): after
// asking the API server to create or delete pods, a controller waits until its informer has shown those
// writes before it counts pods again, so a stale cache never makes it create or delete twice. Each
// expectation is given up after ttlMs (five minutes) in case a watch event was missed.

interface Pending {
  /** creations by count, for pods made with generateName whose names are not known up front */
  adds: number;
  addsAt: number;
  /** creations by pod name */
  creations: Map<string, number>;
  /** deletions by pod key or uid */
  deletions: Map<string, number>;
}

export class Expectations {
  private readonly byKey = new Map<string, Pending>();

  constructor(
    private readonly now: () => number,
    private readonly ttlMs = 5 * 60_000,
  ) {}

  /** ControllerExpectations.ExpectCreations: n pods are about to be created (replaces what was expected). */
  expectCreations(key: string, n: number): void {
    this.byKey.set(key, { ...this.empty(), adds: n });
  }

  /** ExpectDeletions: these pods are about to be deleted (replaces what was expected). */
  expectDeletions(key: string, ids: readonly string[]): void {
    const e = this.empty();
    for (const id of ids) e.deletions.set(id, e.addsAt);
    this.byKey.set(key, e);
  }

  /** One more pod, by name, is about to be created. */
  expectCreation(key: string, name: string): void {
    this.entry(key).creations.set(name, this.now());
  }

  /** One more pod, by key or uid, is about to be deleted. */
  expectDeletion(key: string, id: string): void {
    this.entry(key).deletions.set(id, this.now());
  }

  /** A pod created for key was seen; with a name, that named expectation is met, otherwise one counted one. */
  creationObserved(key: string, name?: string): void {
    const e = this.byKey.get(key);
    if (!e) return;
    if (name !== undefined) e.creations.delete(name);
    else if (e.adds > 0) e.adds--;
  }

  deletionObserved(key: string, id: string): void {
    this.byKey.get(key)?.deletions.delete(id);
  }

  /** Pod names expected to appear and not seen yet (expired ones dropped). */
  pendingCreations(key: string): Set<string> {
    const e = this.live(key);
    return new Set(e?.creations.keys() ?? []);
  }

  /** Pod keys or uids expected to go and not seen gone yet (expired ones dropped). */
  pendingDeletions(key: string): Set<string> {
    const e = this.live(key);
    return new Set(e?.deletions.keys() ?? []);
  }

  /** true when the controller may act on its cache for this key: everything expected was seen, or expired. */
  satisfied(key: string): boolean {
    const e = this.live(key);
    return !e || (e.adds <= 0 && e.creations.size === 0 && e.deletions.size === 0);
  }

  forget(key: string): void {
    this.byKey.delete(key);
  }

  private empty(): Pending {
    return { adds: 0, addsAt: this.now(), creations: new Map(), deletions: new Map() };
  }

  private entry(key: string): Pending {
    let e = this.byKey.get(key);
    if (!e) this.byKey.set(key, (e = this.empty()));
    return e;
  }

  /** The entry with expired expectations dropped; undefined (and forgotten) when nothing is pending. */
  private live(key: string): Pending | undefined {
    const e = this.byKey.get(key);
    if (!e) return undefined;
    const cutoff = this.now() - this.ttlMs;
    if (e.addsAt < cutoff) e.adds = 0;
    for (const m of [e.creations, e.deletions]) for (const [id, at] of m) if (at < cutoff) m.delete(id);
    if (e.adds <= 0 && !e.creations.size && !e.deletions.size) {
      this.byKey.delete(key);
      return undefined;
    }
    return e;
  }
}
