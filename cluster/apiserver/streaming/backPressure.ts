// Back-pressure for forwarded bytes, the one mechanism port-forward uses both ways, on WebSocket channels and on
// SPDY: the side that reads is paused while the side it writes to holds a full buffer, and resumed once that buffer
// has drained, so a fast sender into a slow connection is held back instead of buffered without bound.
import { EventEmitter } from 'events';
import type { WebSocket } from 'ws';

/** Where bytes go: write answers false once the buffer is full, and 'drain' follows when it has emptied. */
export interface ByteSink {
  write(chunk: Buffer): boolean;
  once(event: 'drain', listener: () => void): unknown;
}

/** Where they come from: a reader that can stop for a while. */
export interface ByteSource {
  pause(): unknown;
  resume(): unknown;
}

/** the bytes a WebSocket may hold unsent before it counts as full (a net.Socket's default high-water mark) */
export const WEBSOCKET_HIGH_WATER = 64 * 1024;

/** A writer of chunks into sink that pauses source while sink is full and resumes it once sink has drained. */
export function backPressured(source: ByteSource, sink: ByteSink): (chunk: Buffer) => void {
  let waiting = false;
  return (chunk) => {
    if (sink.write(chunk) || waiting) return;
    waiting = true;
    source.pause();
    sink.once('drain', () => {
      waiting = false;
      source.resume();
    });
  };
}

/** Copies what source reads into sink, with back-pressure (the end is the caller's to pass on). */
export function pipeBytes(
  source: ByteSource & { on(event: 'data', l: (chunk: Buffer) => void): unknown },
  sink: ByteSink,
) {
  source.on('data', backPressured(source, sink));
}

/**
 * A source several sinks may pause at once (the streams of one SPDY session, the ports of one WebSocket): it
 * reads again only once every one that paused it has resumed it.
 */
export function sharedSource(source: ByteSource): ByteSource {
  let paused = 0;
  return {
    pause() {
      if (paused++ === 0) source.pause();
    },
    resume() {
      if (paused > 0 && --paused === 0) source.resume();
    },
  };
}

/**
 * A WebSocket's binary messages as bytes: written ones count as buffered until ws has handed them to its socket,
 * and reading pauses the socket under it.
 */
export class WebSocketBytes extends EventEmitter implements ByteSink, ByteSource {
  private full = false;

  constructor(private readonly ws: WebSocket) {
    super();
  }

  write(chunk: Buffer): boolean {
    this.ws.send(chunk, { binary: true }, () => {
      if (!this.full || this.ws.bufferedAmount >= WEBSOCKET_HIGH_WATER) return;
      this.full = false;
      this.emit('drain');
    });
    if (this.ws.bufferedAmount >= WEBSOCKET_HIGH_WATER) this.full = true;
    return !this.full;
  }

  pause(): void {
    this.ws.pause();
  }

  resume(): void {
    this.ws.resume();
  }

  end(): void {
    this.ws.close(1000);
  }
}
