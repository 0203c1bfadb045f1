// The remote-command protocols on a SPDY/3.1 session (v4.channel.k8s.io and before: what kubectl before 1.30, and
// later ones with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=false, speak): the client opens one stream per channel, named
// by its streamtype header (error, stdin, stdout, stderr, resize); the server waits for all it expects, then the
// command runs with them. Its end is a Status on the error stream (v4, as on WebSocket) or its message (v2, v3).
import { Writable } from 'stream';
import { commandSession, outcomeStatus, type ChannelOptions, type CommandSession } from './remoteCommand';
import type { SpdySession, SpdyStream } from './spdy';

export const SPDY_REMOTE_COMMAND_PROTOCOLS = [
  'v4.channel.k8s.io',
  'v3.channel.k8s.io',
  'v2.channel.k8s.io',
  'channel.k8s.io',
];

/** how long the client has to open its streams, as the kubelet's stream creation timeout */
const STREAMS_TIMEOUT_MS = 30_000;

function writerOf(stream: SpdyStream | undefined): Writable | undefined {
  if (!stream) return undefined;
  return new Writable({
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
export function spdyCommandSession(spdy: SpdySession, protocol: string, opts: ChannelOptions): Promise<CommandSession> {
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
      resolve(build(streams, opts, protocol, gone.signal));
    });
  });
}

function build(
  streams: Map<string, SpdyStream>,
  opts: ChannelOptions,
  protocol: string,
  signal: AbortSignal,
): CommandSession {
  const error = streams.get('error');
  const io = {
    stdin: streams.get('stdin')?.incoming,
    stdout: writerOf(streams.get('stdout')),
    stderr: writerOf(streams.get('stderr')),
  };
  const command = commandSession(opts, io, signal, (outcome) => {
    const status = outcomeStatus(outcome);
    if (protocol === 'v4.channel.k8s.io') error?.write(Buffer.from(JSON.stringify(status)));
    else if (status.status === 'Failure') error?.write(Buffer.from(status.message ?? ''));
    error?.end();
    for (const s of streams.values()) s.end();
  });
  let pending = '';
  // sizes come as JSON values one after another
  streams.get('resize')?.incoming.on('data', (chunk: Buffer) => {
    const lines = (pending + chunk.toString()).split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) command.resized(line);
  });
  error?.incoming.resume();
  return command;
}
