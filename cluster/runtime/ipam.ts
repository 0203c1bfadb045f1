// Pod addresses from the node's pod CIDR, handed out the way CNI's host-local IPAM does: the network and
// gateway (.1) and broadcast addresses are reserved, and allocation continues after the last address
// given so a freed address is not reused at once.

function toInt(ip: string): number {
  const p = ip.split('.').map(Number);
  if (p.length !== 4 || p.some((x) => !Number.isInteger(x) || x < 0 || x > 255))
    throw new Error(`not an IPv4 address: ${ip}`);
  return ((p[0] << 24) >>> 0) + (p[1] << 16) + (p[2] << 8) + p[3];
}

function toIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export class Ipam {
  private readonly first: number;
  private readonly last: number;
  private readonly used = new Set<number>();
  private next: number;

  constructor(readonly cidr: string) {
    const [base, bits] = cidr.split('/');
    const prefix = Number(bits);
    if (!Number.isInteger(prefix) || prefix < 8 || prefix > 30) throw new Error(`unusable pod CIDR ${cidr}`);
    const size = 2 ** (32 - prefix);
    const network = toInt(base) - (toInt(base) % size);
    this.first = network + 2;
    this.last = network + size - 2;
    this.next = this.first;
  }

  get size(): number {
    return this.last - this.first + 1;
  }

  /** an address, the preferred one when it is in range and free; undefined when the range is exhausted */
  allocate(preferred?: string): string | undefined {
    if (preferred) {
      try {
        const n = toInt(preferred);
        if (n >= this.first && n <= this.last && !this.used.has(n)) {
          this.used.add(n);
          return preferred;
        }
      } catch {
        // not an address: allocate as usual
      }
    }
    if (this.used.size >= this.size) return undefined;
    for (let i = 0; i < this.size; i++) {
      const n = this.next;
      this.next = n >= this.last ? this.first : n + 1;
      if (!this.used.has(n)) {
        this.used.add(n);
        return toIp(n);
      }
    }
    return undefined;
  }

  release(ip: string): void {
    try {
      this.used.delete(toInt(ip));
    } catch {
      // nothing to release
    }
  }

  /** "10.244.1.2-10.244.1.254", as host-local names a range set */
  rangeText(): string {
    return `${toIp(this.first)}-${toIp(this.last)}`;
  }
}
