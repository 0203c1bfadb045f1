// Protocol buffers wire format: a bounds-checked reader over one message's bytes, and a writer.
// Every read checks the end of the buffer so a truncated or hostile body fails with a
// WireError (turned into a 400 by the caller) instead of reading past the end.

export class WireError extends Error {}

export const WireType = { Varint: 0, Fixed64: 1, Bytes: 2, Fixed32: 5 } as const;

export class WireReader {
  private pos: number;

  constructor(
    readonly buf: Buffer,
    start = 0,
    private readonly end = buf.length,
  ) {
    this.pos = start;
  }

  get eof(): boolean {
    return this.pos >= this.end;
  }

  get offset(): number {
    return this.pos;
  }

  /** The next field key: its number and wire type. */
  tag(): { field: number; wire: number } {
    const key = this.varint();
    const field = Number(key >> 3n);
    const wire = Number(key & 7n);
    if (field === 0 || field > 0x1fffffff) throw new WireError(`invalid field number ${field} at offset ${this.pos}`);
    return { field, wire };
  }

  /** A base-128 varint as an unsigned 64-bit value. */
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('truncated varint');
      const b = this.buf[this.pos++];
      result |= BigInt(b & 0x7f) << shift;
      if (b < 0x80) return BigInt.asUintN(64, result);
      shift += 7n;
    }
    throw new WireError('varint longer than 10 bytes');
  }

  fixed32(): Buffer {
    return this.take(4);
  }

  fixed64(): Buffer {
    return this.take(8);
  }

  /** The payload of a length-delimited field, as a view (not a copy). */
  bytes(): Buffer {
    const len = this.varint();
    if (len > BigInt(this.end - this.pos)) throw new WireError(`length ${len} runs past the end of the message`);
    return this.take(Number(len));
  }

  /** Skips a field we have no table entry for; groups are obsolete and never used by Kubernetes. */
  skip(wire: number): void {
    switch (wire) {
      case WireType.Varint:
        this.varint();
        return;
      case WireType.Fixed64:
        this.take(8);
        return;
      case WireType.Bytes:
        this.bytes();
        return;
      case WireType.Fixed32:
        this.take(4);
        return;
      default:
        throw new WireError(`unsupported wire type ${wire}`);
    }
  }

  private take(n: number): Buffer {
    if (n > this.end - this.pos) throw new WireError('unexpected end of message');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
}

/**
 * Writes one message's fields into a growing buffer. A nested message is written into its own writer first,
 * then copied in with message(), since its length comes ahead of it.
 */
export class WireWriter {
  private buf = Buffer.allocUnsafe(64);
  private len = 0;

  private room(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(bigger, 0, 0, this.len);
    this.buf = bigger;
  }

  private rawVarint(v: number | bigint): void {
    this.room(10);
    if (typeof v === 'number' && v >= 0 && v <= 0x7fffffff) {
      // lengths, keys and most values: no BigInt needed
      while (v >= 0x80) {
        this.buf[this.len++] = (v & 0x7f) | 0x80;
        v >>>= 7;
      }
      this.buf[this.len++] = v;
      return;
    }
    let n = BigInt.asUintN(64, BigInt(v));
    while (n >= 0x80n) {
      this.buf[this.len++] = Number(n & 0x7fn) | 0x80;
      n >>= 7n;
    }
    this.buf[this.len++] = Number(n);
  }

  private key(field: number, wire: number): void {
    this.rawVarint(field * 8 + wire);
  }

  /** An integer or bool field (negative numbers as 64-bit two's complement, as int64 writes them). */
  varint(field: number, v: number | bigint | boolean): void {
    this.key(field, WireType.Varint);
    this.rawVarint(typeof v === 'boolean' ? (v ? 1 : 0) : v);
  }

  double(field: number, v: number): void {
    this.key(field, WireType.Fixed64);
    this.room(8);
    this.len = this.buf.writeDoubleLE(v, this.len);
  }

  bytes(field: number, b: Uint8Array): void {
    this.key(field, WireType.Bytes);
    this.rawVarint(b.length);
    this.room(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  string(field: number, s: string): void {
    const n = Buffer.byteLength(s, 'utf8');
    this.key(field, WireType.Bytes);
    this.rawVarint(n);
    this.room(n);
    this.len += this.buf.write(s, this.len, n, 'utf8');
  }

  message(field: number, m: WireWriter): void {
    this.bytes(field, m.finish());
  }

  /** The bytes written (a view of the writer's buffer). */
  finish(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}
