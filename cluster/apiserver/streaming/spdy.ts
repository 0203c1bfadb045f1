// The server side of a SPDY/3.1 session, as much as Kubernetes' streaming protocols use: the client opens streams
// (SYN_STREAM with headers, answered by SYN_REPLY), both sides send data frames and half-close with FIN, PINGs are
// echoed, and SETTINGS, WINDOW_UPDATE and HEADERS are read and ignored (Kubernetes' SPDY library sends but never needs them).
// kubectl port-forward speaks it inside WebSocket binary messages (SPDY/3.1+portforward.k8s.io) or, when it falls
// back, directly on the upgraded connection; the session only sees bytes in and bytes out either way. A stream
// whose reader falls behind pauses the transport's reading, and a stream's writer waits while the transport is full
// (backPressure.ts): that is the session's flow control, window updates being ignored.
//
// Header blocks are zlib streams that run across the whole session, primed with SPDY/3's dictionary. The client's
// are inflated by one streaming inflater; the server's own (empty replies) are sent as stored deflate blocks, which
// any inflater reads without the dictionary.
import { EventEmitter } from 'events';
import { PassThrough } from 'stream';
import * as zlib from 'zlib';
import { backPressured, sharedSource, type ByteSink, type ByteSource } from './backPressure';

/** What a session is carried on (the upgraded socket, or a WebSocket's binary messages), with back-pressure. */
export interface SpdyTransport extends ByteSink, ByteSource {
  end(): void;
}

/** SPDY/3's header dictionary (draft-mbelshe-httpbis-spdy-00 2.6.10.1): length-prefixed words, then a tail. */
const DICTIONARY = (() => {
  const words = [
    'options', 'head', 'post', 'put', 'delete', 'trace', 'accept', 'accept-charset', 'accept-encoding',
    'accept-language', 'accept-ranges', 'age', 'allow', 'authorization', 'cache-control', 'connection',
    'content-base', 'content-encoding', 'content-language', 'content-length', 'content-location', 'content-md5',
    'content-range', 'content-type', 'date', 'etag', 'expect', 'expires', 'from', 'host', 'if-match',
    'if-modified-since', 'if-none-match', 'if-range', 'if-unmodified-since', 'last-modified', 'location',
    'max-forwards', 'pragma', 'proxy-authenticate', 'proxy-authorization', 'range', 'referer', 'retry-after',
    'server', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'user-agent', 'vary', 'via', 'warning',
    'www-authenticate', 'method', 'get', 'status', '200 OK', 'version', 'HTTP/1.1', 'url', 'public', 'set-cookie',
    'keep-alive', 'origin',
  ]; // prettier-ignore
  const tail =
    '100101201202205206300302303304305306307402405406407408409410411412413414415416417502504505' +
    '203 Non-Authoritative Information204 No Content301 Moved Permanently400 Bad Request401 Unauthorized' +
    '403 Forbidden404 Not Found500 Internal Server Error501 Not Implemented503 Service Unavailable' +
    'Jan Feb Mar Apr May Jun Jul Aug Sept Oct Nov Dec 00:00:00 Mon, Tue, Wed, Thu, Fri, Sat, Sun, GMT' +
    'chunked,text/html,image/png,image/jpg,image/gif,application/xml,application/xhtml+xml,text/plain,' +
    'text/javascript,publicprivatemax-age=gzip,deflate,sdchcharset=utf-8charset=iso-8859-1,utf-,*,enq=0.';
  const parts = words.map((w) => {
    const b = Buffer.alloc(4 + w.length);
    b.writeUInt32BE(w.length, 0);
    b.write(w, 4, 'latin1');
    return b;
  });
  return Buffer.concat([...parts, Buffer.from(tail, 'latin1')]);
})();

const SYN_STREAM = 1;
const SYN_REPLY = 2;
const RST_STREAM = 3;
const PING = 6;
const GOAWAY = 7;
const HEADERS = 8;
const FLAG_FIN = 0x01;
/** RST_STREAM status: the stream is refused or the session is going away */
const RST_CANCEL = 5;
const MAX_DATA = 32 * 1024;

/**
 * One stream a client opened: its headers, what it sends (incoming) and a way to answer, which is full (write
 * answers false, 'drain' follows) while the session's transport is.
 */
export class SpdyStream implements ByteSink {
  /** what the client sends on the stream; ends on its FIN */
  readonly incoming = new PassThrough();
  private closedLocally = false;

  /** hands what the client sent to incoming, holding the session's reading while incoming is full */
  readonly deliver: (data: Buffer) => void;

  constructor(
    readonly id: number,
    readonly headers: Record<string, string>,
    private readonly session: SpdySession,
    input: ByteSource,
  ) {
    this.deliver = backPressured(input, this.incoming);
  }

  write(data: Buffer): boolean {
    if (this.closedLocally) return true;
    let room = true;
    for (let at = 0; at < data.length; at += MAX_DATA)
      room = this.session.sendData(this.id, data.subarray(at, at + MAX_DATA), false) && room;
    return room;
  }

  once(_event: 'drain', listener: () => void): this {
    this.session.onDrain(listener);
    return this;
  }

  /** half-closes the server's side (FIN) */
  end(): void {
    if (this.closedLocally) return;
    this.closedLocally = true;
    this.session.sendData(this.id, Buffer.alloc(0), true);
  }

  /** abandons the stream (RST_STREAM) */
  reset(): void {
    this.closedLocally = true;
    this.session.sendReset(this.id);
    this.incoming.destroy();
  }
}

/**
 * A SPDY/3.1 session fed with the bytes the client sends (receive) and writing its own through send; 'stream'
 * events carry the streams the client opens, 'close' says the session is over.
 */
export class SpdySession extends EventEmitter {
  private buffered: Buffer = Buffer.alloc(0);
  private readonly streams = new Map<number, SpdyStream>();
  private readonly inflater = zlib.createInflate({ dictionary: DICTIONARY });
  /** frames are handled in order, one after the other (header blocks inflate asynchronously) */
  private queue: Promise<void> = Promise.resolve();
  private sentHeaders = false;
  private closed = false;

  /** the transport's reading, paused while any stream's reader holds a full buffer */
  private readonly input: ByteSource;
  /** the streams' writers waiting for the transport to drain (one listener on it however many streams wait) */
  private drainWaiters: (() => void)[] = [];

  constructor(readonly transport: SpdyTransport) {
    super();
    this.input = sharedSource(transport);
    this.inflater.on('error', () => this.close());
  }

  receive(chunk: Buffer): void {
    if (this.closed) return;
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= 8) {
      const length = this.buffered.readUIntBE(5, 3);
      if (this.buffered.length < 8 + length) break;
      const frame = this.buffered.subarray(0, 8 + length);
      this.buffered = this.buffered.subarray(8 + length);
      this.queue = this.queue.then(() => this.handle(frame)).catch(() => this.close());
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const s of this.streams.values()) s.incoming.destroy();
    this.streams.clear();
    this.inflater.destroy();
    this.transport.end();
    this.emit('close');
  }

  /** Calls listener once the transport's full buffer has drained. */
  onDrain(listener: () => void): void {
    this.drainWaiters.push(listener);
    if (this.drainWaiters.length > 1) return;
    this.transport.once('drain', () => {
      const waiters = this.drainWaiters;
      this.drainWaiters = [];
      for (const w of waiters) w();
    });
  }

  /** false once the transport's buffer is full */
  sendData(id: number, data: Buffer, fin: boolean): boolean {
    if (this.closed) return true;
    const head = Buffer.alloc(8);
    head.writeUInt32BE(id & 0x7fffffff, 0);
    head.writeUInt32BE(((fin ? FLAG_FIN : 0) << 24) | data.length, 4);
    return this.transport.write(Buffer.concat([head, data]));
  }

  sendReset(id: number): void {
    const body = Buffer.alloc(8);
    body.writeUInt32BE(id & 0x7fffffff, 0);
    body.writeUInt32BE(RST_CANCEL, 4);
    this.sendControl(RST_STREAM, 0, body);
  }

  private sendControl(type: number, flags: number, body: Buffer): void {
    if (this.closed) return;
    const head = Buffer.alloc(8);
    head.writeUInt16BE(0x8000 | 3, 0);
    head.writeUInt16BE(type, 2);
    head.writeUInt32BE((flags << 24) | body.length, 4);
    this.transport.write(Buffer.concat([head, body]));
  }

  /**
   * An empty header block (a count of 0) as a stored deflate block, then an empty one, which is what makes an
   * inflater hand over what it has (as a sync flush ends); the session's first also carries the zlib header.
   */
  private emptyHeaderBlock(): Buffer {
    const block = Buffer.from([0x00, 0x04, 0x00, 0xfb, 0xff, 0, 0, 0, 0, 0x00, 0x00, 0x00, 0xff, 0xff]);
    if (this.sentHeaders) return block;
    this.sentHeaders = true;
    return Buffer.concat([Buffer.from([0x78, 0x01]), block]);
  }

  private inflate(block: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const out: Buffer[] = [];
      const onData = (d: Buffer) => out.push(d);
      const onError = (e: Error) => reject(e);
      this.inflater.on('data', onData);
      this.inflater.once('error', onError);
      this.inflater.write(block);
      this.inflater.flush(zlib.constants.Z_SYNC_FLUSH, () => {
        this.inflater.off('data', onData);
        this.inflater.off('error', onError);
        resolve(Buffer.concat(out));
      });
    });
  }

  private async headers(block: Buffer): Promise<Record<string, string>> {
    const raw = await this.inflate(block);
    const out: Record<string, string> = {};
    let at = 4;
    const count = raw.readUInt32BE(0);
    for (let i = 0; i < count; i++) {
      const nameLen = raw.readUInt32BE(at);
      const name = raw.toString('utf8', at + 4, at + 4 + nameLen);
      at += 4 + nameLen;
      const valueLen = raw.readUInt32BE(at);
      // several values of one name are NUL-separated: the first is enough for the headers read here
      out[name.toLowerCase()] = raw.toString('utf8', at + 4, at + 4 + valueLen).split('\0')[0];
      at += 4 + valueLen;
    }
    return out;
  }

  private async handle(frame: Buffer): Promise<void> {
    if (this.closed) return;
    const flags = frame[4];
    const body = frame.subarray(8);
    if (!(frame[0] & 0x80)) {
      const stream = this.streams.get(frame.readUInt32BE(0) & 0x7fffffff);
      if (!stream) return;
      if (body.length) stream.deliver(body);
      if (flags & FLAG_FIN) stream.incoming.end();
      return;
    }
    const type = frame.readUInt16BE(2);
    switch (type) {
      case SYN_STREAM: {
        const id = body.readUInt32BE(0) & 0x7fffffff;
        const headers = await this.headers(body.subarray(10));
        const stream = new SpdyStream(id, headers, this, this.input);
        this.streams.set(id, stream);
        stream.incoming.once('close', () => this.streams.delete(id));
        const reply = Buffer.alloc(4);
        reply.writeUInt32BE(id, 0);
        this.sendControl(SYN_REPLY, 0, Buffer.concat([reply, this.emptyHeaderBlock()]));
        if (flags & FLAG_FIN) stream.incoming.end();
        this.emit('stream', stream);
        return;
      }
      case RST_STREAM:
        this.streams.get(body.readUInt32BE(0) & 0x7fffffff)?.incoming.destroy();
        return;
      case PING:
        this.sendControl(PING, 0, body);
        return;
      case GOAWAY:
        this.close();
        return;
      case HEADERS:
        // read only to keep the header compression in step
        await this.headers(body.subarray(4));
        return;
      default:
      // SETTINGS, WINDOW_UPDATE: nothing to do
    }
  }
}
