// What the remote-command protocols share whatever carries them (WebSocket channels in channels.ts, SPDY streams in
// spdyRemoteCommand.ts): the streams a request asks for, the command's outcome as the kubelet reports it, and the
// session the runtime runs the command with.
import type { Status } from 'kubernetes-types/meta/v1';
import type { Readable, Writable } from 'stream';
import { finished } from 'stream/promises';
import type { StreamSession, TerminalSize } from '../../runtime/types';

export interface ChannelOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  tty: boolean;
}

/** How a command ended: its exit code, or why it could not run. */
export type Outcome = { exitCode: number; command?: string[] } | { error: string };

/** The Status on the error channel, as the kubelet's remote command server writes it. */
export function outcomeStatus(o: Outcome): Status {
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

/** The transport's streams; those opts do not ask for are left out of the session. */
export interface CommandStreams {
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
}

export interface CommandSession {
  session: StreamSession;
  /** the transport calls it with each terminal size the client sends ({"Width","Height"} as JSON) */
  resized(json: string): void;
  /** ends the outputs, waits until what was written to them is sent, then reports the outcome */
  finish(outcome: Outcome): Promise<void>;
}

export function commandSession(
  opts: ChannelOptions,
  streams: CommandStreams,
  signal: AbortSignal,
  report: (outcome: Outcome) => void,
): CommandSession {
  let size: TerminalSize | undefined;
  const listeners: ((s: TerminalSize) => void)[] = [];
  const session: StreamSession = {
    stdin: opts.stdin ? streams.stdin : undefined,
    stdout: opts.stdout ? streams.stdout : undefined,
    // a terminal's output is one stream
    stderr: opts.stderr && !opts.tty ? streams.stderr : undefined,
    tty: opts.tty,
    onResize(listener) {
      listeners.push(listener);
      if (size) listener(size);
    },
    signal,
  };
  return {
    session,
    resized(json) {
      try {
        const s = JSON.parse(json) as { Width?: number; Height?: number };
        size = { width: s.Width ?? 0, height: s.Height ?? 0 };
      } catch {
        return; // a malformed size changes nothing
      }
      for (const l of listeners) l(size);
    },
    async finish(outcome) {
      const outputs = [session.stdout, session.stderr].filter((w): w is Writable => !!w);
      for (const w of outputs) w.end();
      await Promise.all(outputs.map((w) => finished(w).catch(() => undefined)));
      report(outcome);
    },
  };
}
