// kube-apiserver's remote-command WebSocket protocols, v5.channel.k8s.io and v4.channel.k8s.io (what kubectl 1.30+
// speaks for exec, attach and cp): every binary message starts with its channel, 0 stdin, 1 stdout, 2 stderr,
// 3 error (the final Status, as JSON, before the server closes), 4 resize ({"Width","Height"}); v5 adds 255, the
// client's signal that one of its channels (stdin) has ended, without which a process reading stdin never sees EOF.
import { PassThrough, Writable } from 'stream';
import type { WebSocket } from 'ws';
import { commandSession, outcomeStatus, type ChannelOptions, type CommandSession } from './remoteCommand';

export const REMOTE_COMMAND_PROTOCOLS = ['v5.channel.k8s.io', 'v4.channel.k8s.io'];

const STDIN = 0;
const STDOUT = 1;
const STDERR = 2;
const ERROR = 3;
const RESIZE = 4;
const CLOSE = 255;

function writer(ws: WebSocket, channel: number): Writable {
  return new Writable({
    write(chunk: Buffer, _enc, done) {
      if (ws.readyState !== ws.OPEN) return done();
      ws.send(Buffer.concat([Buffer.of(channel), chunk]), { binary: true }, () => done());
    },
  });
}

/** The command session of a WebSocket speaking one of REMOTE_COMMAND_PROTOCOLS; its outcome closes it. */
export function channelSession(ws: WebSocket, protocol: string, opts: ChannelOptions): CommandSession {
  const gone = new AbortController();
  const stdin = new PassThrough();
  const command = commandSession(
    opts,
    { stdin, stdout: writer(ws, STDOUT), stderr: writer(ws, STDERR) },
    gone.signal,
    (outcome) => {
      if (ws.readyState !== ws.OPEN) return;
      const status = Buffer.from(JSON.stringify(outcomeStatus(outcome)));
      ws.send(Buffer.concat([Buffer.of(ERROR), status]), { binary: true });
      ws.close(1000);
    },
  );
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0) return;
    const channel = data[0];
    const payload = data.subarray(1);
    if (channel === STDIN && opts.stdin) stdin.write(payload);
    else if (channel === RESIZE) command.resized(payload.toString());
    else if (channel === CLOSE && protocol.startsWith('v5.') && payload[0] === STDIN) stdin.end();
  });
  ws.on('close', () => {
    stdin.end();
    gone.abort();
  });
  ws.on('error', () => gone.abort());
  return command;
}
