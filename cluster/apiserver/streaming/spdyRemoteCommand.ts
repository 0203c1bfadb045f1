// The remote-command protocols on a SPDY/3.1 session (v4.channel.k8s.io and before: what kubectl before 1.30, and
// later ones with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false, speak): the client opens one stream per channel, named
// by its streamtype header (error, stdin, stdout, stderr, resize); the server waits for all it expects, then the
// command runs with them. Its end is a Status on the error stream (v4, as on WebSocket) or its message (v2, v3).
import type { Writable } from 'stream';
import { Writable as WritableStream } from 'stream';
import { finished } from 'stream/promises';
import type { StreamSession, TerminalSize } from '../../runtime/types';
import { outcomeStatus, type ChannelOptions, type Outcome } from './channels';
import type { SpdySession, SpdyStream } from './spdy';

export const SPDY_REMOTE_COMMAND_PROTOCOLS = [
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
];

/** how long the client has to open its streams, as the kubelet's stream creation timeout */
const STREAMS_TIMEOUT_MS = 30_000;

function writerOf(stream: SpdyStream): Writable {
  return new WritableStream({
    write(chunk: Buffer, _enc, done) {
      stream.write(chunk);
      done();
    },
    final(done) {
      stream.end();
      done();
    },
  });
}

/** Resolves once the client has opened the streams opts ask for; rejects after STREAMS_TIMEOUT_MS. */
export function spdyCommandSession(
  spdy: SpdySession,
  protocol: string,
  opts: ChannelOptions,
): Promise<{ session: StreamSession; finish(outcome: Outcome): Promise<void> }> {
  const expected =
    1 +
    +opts.stdin +
    +opts.stdout +
    +(opts.stderr && !opts.tty) +
    +(opts.tty && protocol !== 'v2.channel.k8s.io' && protocol !== 'channel.k8s.io');
  const streams = new Map<string, SpdyStream>();
  const gone = new AbortController();
  spdy.once('close', () => gone.abort());
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      spdy.close();
      reject(new Error(`timed out waiting for the client to open its ${expected} streams`));
    }, STREAMS_TIMEOUT_MS);
    spdy.on('stream', (s: SpdyStream) => {
      streams.set(s.headers.streamtype ?? '', s);
      if (streams.size < expected) return;
      clearTimeout(timer);
      resolve(build(streams, opts, protocol, gone));
    });
  });
}

function build(
  streams: Map<string, SpdyStream>,
  opts: ChannelOptions,
  protocol: string,
  gone: AbortController,
): { session: StreamSession; finish(outcome: Outcome): Promise<void> } {
  const error = streams.get('error');
  const stdin = opts.stdin ? streams.get('stdin')?.incoming : undefined;
  const resize = streams.get('resize');
  let size: TerminalSize | undefined;
  const listeners: ((s: TerminalSize) => void)[] = [];
  let pending = '';
  // sizes come as JSON values one after another
  resize?.incoming.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) {
      try {
        const s = JSON.parse(line) as { Width?: number; Height?: number };
        size = { width: s.Width ?? 0, height: s.Height ?? 0 };
        for (const l of listeners) l(size);
      } catch {
        // a malformed size changes nothing
      }
    }
  });
  error?.incoming.resume();
  const out = streams.get('stdout');
  const err = streams.get('stderr');
  const session: StreamSession = {
    stdin,
    stdout: out ? writerOf(out) : undefined,
    stderr: err && !opts.tty ? writerOf(err) : undefined,
    tty: opts.tty,
    onResize(listener) {
      listeners.push(listener);
      if (size) listener(size);
    },
    signal: gone.signal,
  };
  const finish = async (outcome: Outcome) => {
    const outputs = [session.stdout, session.stderr].filter((w): w is Writable => !!w);
    for (const w of outputs) w.end();
    await Promise.all(outputs.map((w) => finished(w).catch(() => undefined)));
    const failed = 'error' in outcome || outcome.exitCode !== 0;
    if (protocol === 'v4.channel.k8s.io') error?.write(Buffer.from(JSON.stringify(outcomeStatus(outcome))));
    else if (failed) error?.write(Buffer.from((outcomeStatus(outcome) as { message: string }).message));
    error?.end();
    for (const s of streams.values()) s.end();
  };
  return { session, finish };
}
