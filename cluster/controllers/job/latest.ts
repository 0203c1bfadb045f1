// The newer of an informer's copy of an object and the copy this controller last wrote: right after a write the
// cache may still hold the old version, and working from it would undo the write or conflict.

function revision(obj: any): bigint {
  try {
    return BigInt(obj?.metadata?.resourceVersion ?? '0');
  } catch {
    return 0n;
  }
}

export class LatestWrites {
  private readonly written = new Map<string, any>();

  remember(key: string, obj: any): void {
    this.written.set(key, obj);
  }

  forget(key: string): void {
    this.written.delete(key);
  }

  /** The cached object unless this controller's own write (of the same object) is newer. */
  pick(key: string, cached: any): any {
    const mine = this.written.get(key);
    if (!mine || !cached || mine.metadata?.uid !== cached.metadata?.uid) return cached;
    if (revision(mine) > revision(cached)) return mine;
    this.written.delete(key);
    return cached;
  }
}
