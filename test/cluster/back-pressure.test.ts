// Port-forward's back-pressure (cluster/apiserver/streaming/backPressure.ts) on real sockets and a real WebSocket:
// a fast sender into a receiver that does not read is paused once the buffer between them is full, holds no more
// than that buffer, and every byte arrives in order once the receiver reads again.
import * as assert from 'assert';
import { createHash } from 'crypto';
import type { EventEmitter } from 'events';
import * as net from 'net';
import { Readable } from 'stream';
import { WebSocket, WebSocketServer } from 'ws';
import {
  pipeBytes,
  sharedSource,
  WEBSOCKET_HIGH_WATER,
  WebSocketBytes,
} from '../../cluster/apiserver/streaming/backPressure';

const CHUNK = 64 * 1024;
const TOTAL = 64 * 1024 * 1024;

/** A sender as fast as memory: TOTAL bytes of a counting pattern, and how many it has produced so far. */
function fastSender(): { source: Readable; produced(): number; digest: string } {
  let produced = 0;
  const chunkAt = (at: number) => Buffer.alloc(CHUNK, at / CHUNK);
  const hash = createHash('sha256');
  for (let at = 0; at < TOTAL; at += CHUNK) hash.update(chunkAt(at));
  const source = new Readable({
    read() {
      if (produced >= TOTAL) return void this.push(null);
      this.push(chunkAt(produced));
      produced += CHUNK;
    },
  });
  return { source, produced: () => produced, digest: hash.digest('hex') };
}

/** Resolves once source pauses (what back-pressure does) or has produced everything (what its absence does). */
function pausedOrDone(source: Readable): Promise<'paused' | 'done'> {
  return new Promise((resolve) => {
    source.once('pause', () => resolve('paused'));
    source.once('end', () => resolve('done'));
  });
}

/** Counts and hashes the bytes `from` emits as `event`; the count and digest so far. */
function collect(from: EventEmitter, event: string): () => [number, string] {
  const hash = createHash('sha256');
  let count = 0;
  from.on(event, (d: Buffer) => {
    hash.update(d);
    count += d.length;
  });
  return () => [count, hash.digest('hex')];
}

describe('port-forward back-pressure', function () {
  this.timeout(60_000);

  it('pauses a fast sender while the connection it writes to is full, then delivers every byte', async () => {
    let receiver!: net.Socket;
    const server = net.createServer((s) => {
      receiver = s;
      s.pause(); // the slow pod: reads nothing yet
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const conn = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
    await new Promise((r) => conn.once('connect', r));
    const { source, produced, digest } = fastSender();
    const outcome = pausedOrDone(source);
    pipeBytes(source, conn);
    source.on('end', () => conn.end());

    assert.strictEqual(await outcome, 'paused');
    // what the process holds is the socket's own buffer (the kernel's is outside it), not the sender's output
    assert.ok(conn.writableLength <= conn.writableHighWaterMark + CHUNK, `${conn.writableLength} bytes buffered`);
    assert.ok(produced() < TOTAL / 2, `${produced()} of ${TOTAL} bytes read from the sender while nothing was read`);

    const received = collect(receiver, 'data');
    receiver.resume();
    await new Promise((r) => receiver.once('end', r));
    assert.deepStrictEqual(received(), [TOTAL, digest]);
    server.close();
  });

  it("pauses a fast sender while a WebSocket's client reads nothing, then delivers every byte", async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    const accepted = new Promise<WebSocket>((r) => wss.once('connection', r));
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as net.AddressInfo).port}`);
    await new Promise((r) => client.once('open', r));
    const serverSide = await accepted;
    client.pause(); // the slow client: reads nothing yet
    const { source, produced, digest } = fastSender();
    const outcome = pausedOrDone(source);
    pipeBytes(source, new WebSocketBytes(serverSide));
    source.on('end', () => serverSide.close(1000));

    assert.strictEqual(await outcome, 'paused');
    assert.ok(serverSide.bufferedAmount <= WEBSOCKET_HIGH_WATER + CHUNK, `${serverSide.bufferedAmount} bytes buffered`);
    assert.ok(produced() < TOTAL / 2, `${produced()} of ${TOTAL} bytes read from the sender while nothing was read`);

    const received = collect(client, 'message');
    const closed = new Promise((r) => client.once('close', r));
    client.resume();
    await closed;
    assert.deepStrictEqual(received(), [TOTAL, digest]);
    wss.close();
  });

  it('reads from a shared source again only once every sink that paused it has drained', () => {
    const source = new Readable({ read() {} });
    source.resume();
    const shared = sharedSource(source);
    shared.pause();
    shared.pause();
    shared.resume();
    assert.ok(source.isPaused(), 'one of two sinks still full');
    shared.resume();
    assert.ok(!source.isPaused());
  });
});
