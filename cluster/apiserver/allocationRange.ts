// Numbered values handed out and given back: a Service's cluster IP (as an offset in the service CIDR) and
// node ports, as Kubernetes' pkg/registry/core/service/allocator. Used by serviceAllocator.ts.
import { isIPv4 } from 'net';

export interface Holder {
  uid: string;
  /** store key of the Service */
  key: string;
}

interface Slot {
  holder: Holder;
  /** consecutive repairs that found no stored Service using this value */
  strikes: number;
}

/**
 * A range of numbered values (IP offsets or ports). Dynamic allocation prefers the upper part of the
 * range and leaves a lower "static" band to users who ask for specific values, as Kubernetes does since
 * 1.24 (IPs) and 1.27 (node ports).
 */
export class Range {
  private readonly used = new Map<number, Slot>();

  constructor(
    /** lowest and highest valid value */
    readonly lo: number,
    readonly hi: number,
    /** values [lo, lo + staticBand) are handed out dynamically only when the rest is full */
    private readonly staticBand: number,
  ) {}

  contains(v: number): boolean {
    return Number.isInteger(v) && v >= this.lo && v <= this.hi;
  }

  holderOf(v: number): Holder | undefined {
    return this.used.get(v)?.holder;
  }

  /** true when v is now held by holder (newly or already); false when someone else holds it */
  take(v: number, holder: Holder): boolean {
    const slot = this.used.get(v);
    if (slot) {
      if (slot.holder.uid !== holder.uid) return false;
      slot.holder = holder;
      slot.strikes = 0;
      return true;
    }
    this.used.set(v, { holder, strikes: 0 });
    return true;
  }

  /** a free value, preferring the dynamic band; undefined when the range is full */
  free(): number | undefined {
    const split = Math.min(this.hi + 1, this.lo + this.staticBand);
    return this.scan(split, this.hi) ?? this.scan(this.lo, split - 1);
  }

  /** starts at a random point of [from, to] and walks forward, wrapping, to the first free value */
  private scan(from: number, to: number): number | undefined {
    const n = to - from + 1;
    if (n <= 0) return undefined;
    const start = Math.floor(Math.random() * n);
    for (let i = 0; i < n; i++) {
      const v = from + ((start + i) % n);
      if (!this.used.has(v)) return v;
    }
    return undefined;
  }

  release(v: number, uid: string): void {
    if (this.used.get(v)?.holder.uid === uid) this.used.delete(v);
  }

  slots(): IterableIterator<[number, Slot]> {
    return this.used.entries();
  }
}

export function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

export function numberToIP(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCIDR(cidr: string): { base: number; bits: number } {
  const [ip, len] = cidr.split('/');
  const bits = Number(len);
  if (!isIPv4(ip) || !Number.isInteger(bits) || bits < 1 || bits > 30) throw new Error(`invalid service CIDR ${cidr}`);
  const mask = bits === 32 ? 0xffffffff : (0xffffffff << (32 - bits)) >>> 0;
  return { base: (ipToNumber(ip) & mask) >>> 0, bits };
}

/** Values taken during one write, given back if the write is refused or only a dry run. */
export class Txn {
  private readonly taken: [Range, number, string][] = [];

  take(range: Range, v: number, holder: Holder): boolean {
    const had = range.holderOf(v)?.uid === holder.uid;
    if (!range.take(v, holder)) return false;
    if (!had) this.taken.push([range, v, holder.uid]);
    return true;
  }

  revert(): void {
    for (const [range, v, uid] of this.taken.splice(0)) range.release(v, uid);
  }
}
