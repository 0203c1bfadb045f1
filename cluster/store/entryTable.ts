// The live entries, indexed by key and kept in key order so list(prefix) is a binary search
// plus a scan of the matching range rather than a filter and sort of the whole table.
import type { StoreEntry } from './types';

export class EntryTable {
  private readonly byKey = new Map<string, StoreEntry>();
  private sorted: string[] = [];
  /** while loading, key order is rebuilt once at the end instead of on every insert */
  private loading = false;

  get size(): number {
    return this.byKey.size;
  }

  get(key: string): StoreEntry | undefined {
    return this.byKey.get(key);
  }

  set(entry: StoreEntry): void {
    const isNew = !this.byKey.has(entry.key);
    this.byKey.set(entry.key, entry);
    if (isNew && !this.loading) this.sorted.splice(this.lowerBound(entry.key), 0, entry.key);
  }

  delete(key: string): void {
    if (!this.byKey.delete(key) || this.loading) return;
    const i = this.lowerBound(key);
    if (this.sorted[i] === key) this.sorted.splice(i, 1);
  }

  /** Entries whose key starts with prefix, in key order. */
  list(prefix: string): StoreEntry[] {
    const items: StoreEntry[] = [];
    for (let i = this.lowerBound(prefix); i < this.sorted.length; i++) {
      const key = this.sorted[i];
      if (!key.startsWith(prefix)) break;
      items.push(this.byKey.get(key)!);
    }
    return items;
  }

  values(): IterableIterator<StoreEntry> {
    return this.byKey.values();
  }

  beginLoad(): void {
    this.loading = true;
  }

  endLoad(): void {
    this.loading = false;
    this.sorted = Array.from(this.byKey.keys()).sort();
  }

  private lowerBound(key: string): number {
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid] < key) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}
