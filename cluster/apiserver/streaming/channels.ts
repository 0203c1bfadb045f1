// kube-apiserver's remote-command WebSocket protocols, v5.channel.k8s.io and v4.channel.k8s.io (what kubectl 1.30+
// speaks for exec, attach and cp): every binary message starts with its channel, 0 stdin, 1 stdout, 2 stderr,
// 3 error (the final Status, as JSON, before the server closes), 4 resize ({"Width","Height"}); v5 adds 255, the
// client's signal that one of its channels (stdin) has ended, without which a process reading stdin never sees EOF.
import { PassThrough, Writable } from 'stream';
import { finished } from 'stream/promises';
import type { WebSocket } from 'ws';
import type { StreamSession, TerminalSize } from '../../runtime/types';

export const REMOTE_COMMAND_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

export interface ChannelOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** How a command ended: its exit code, or why it could not run. */
export type Outcome = { exitCode: number; command?: string[] } | { error: string };

function writer(ws: WebSocket, channel: number): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      if (ws.readyState !== ws.OPEN) return done();
      ws.send(Buffer.concat([Buffer.of(channel), chunk]), { binary: true }, () => done());
    },
  });
}

/** The Status on the error channel, as the kubelet's remote command server writes it. */
export function outcomeStatus(o: Outcome): object {
  if ('error' in o) return { metadata: {}, status: 'Failure', message: o.error, reason: 'InternalError', code: 500 };
  if (o.exitCode === 0) return { metadata: {}, status: 'Success' };
  const what = o.command ? `error executing command ${JSON.stringify(o.command)}, ` : '';
  return {
    metadata: {},
    status: 'Failure',
    message: `command terminated with non-zero exit code: ${what}exit code ${o.exitCode}`,
    reason: 'NonZeroExitCode',
    details: { causes: [{ reason: 'ExitCode', message: String(o.exitCode) }] },
  };
}

/**
 * The runtime's view of a WebSocket speaking one of REMOTE_COMMAND_PROTOCOLS, and finish(), which writes the
 * outcome on the error channel once the output before it is sent, then closes.
 */
export function channelSession(
  ws: WebSocket,
  protocol: string,
  opts: ChannelOptions,
): { session: StreamSession; finish(outcome: Outcome): Promise<void> } {
  const gone = new AbortController();
  const stdin = opts.stdin ? new PassThrough() : undefined;
  let size: TerminalSize | undefined;
  const resizeListeners: ((s: TerminalSize) => void)[] = [];
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return;
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === STDIN) stdin?.write(payload);
    else if (channel === RESIZE) {
      try {
        const s = JSON.parse(payload.toString()) as { Width?: number; Height?: number };
        size = { width: s.Width ?? 0, height: s.Height ?? 0 };
        for (const l of resizeListeners) l(size);
      } catch {
        // a malformed resize changes nothing
      }
    } else if (channel === CLOSE && protocol.startsWith('v5.') && payload[0] === STDIN) stdin?.end();
  });
  ws.on('close', () => {
    stdin?.end();
    gone.abort();
  });
  ws.on('error', () => gone.abort());
  const session: StreamSession = {
    stdin,
    stdout: opts.stdout ? writer(ws, STDOUT) : undefined,
    stderr: opts.stderr && !opts.tty ? writer(ws, STDERR) : undefined,
    tty: opts.tty,
    onResize(listener) {
      resizeListeners.push(listener);
      if (size) listener(size);
    },
    signal: gone.signal,
  };
  const finish = async (outcome: Outcome) => {
    const outputs = [session.stdout, session.stderr].filter((w): w is Writable => !!w);
    for (const w of outputs) w.end();
    await Promise.all(outputs.map((w) => finished(w).catch(() => undefined)));
    if (ws.readyState !== ws.OPEN) return;
    const status = Buffer.from(JSON.stringify(outcomeStatus(outcome)));
    ws.send(Buffer.concat([Buffer.of(ERROR), status]), { binary: true });
    ws.close(1000);
  };
  return { session, finish };
}
