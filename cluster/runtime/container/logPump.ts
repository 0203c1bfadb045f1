// Copies a container's stdout and stderr, as the engine streams them with their timestamps, into the CRI log
// file that pods/log serves, line by line. The stream ends when the container exits.
import type Docker from 'dockerode';
import { PassThrough } from 'stream';
import { LogWriter } from '../logWriter';

/** "2026-12-06T08:02:04.123456789Z text" → [ms, text] */
function split(line: string): [number, string] {
  const sp = line.indexOf(' ');
  const ms = sp > 0 ? Date.parse(line.slice(0, sp)) : NaN;
  return Number.isNaN(ms) ? [Date.now(), line] : [ms, line.slice(sp + 1)];
}

function lineSink(write: (ms: number, text: string) => void): PassThrough {
  const sink = new PassThrough();
  let rest = '';
  sink.on('data', (chunk: Buffer) => {
    const lines = (rest + chunk.toString('utf8')).split('\n');
    rest = lines.pop() ?? '';
    for (const l of lines) write(...split(l));
  });
  sink.on('end', () => {
    if (rest) write(...split(rest));
  });
  return sink;
}

/** Follows the container's output into file; resolves when the output ends. A tty's output is one raw stream. */
export async function pumpLogs(docker: Docker, id: string, file: string, logs: LogWriter, tty = false): Promise<void> {
  const stream = (await docker
    .getContainer(id)
    .logs({ follow: true, stdout: true, stderr: true, timestamps: true })) as NodeJS.ReadableStream;
  const out = lineSink((ms, text) => logs.append(file, 'stdout', [text], ms));
  const err = lineSink((ms, text) => logs.append(file, 'stderr', [text], ms));
  if (tty) stream.pipe(out, { end: false });
  else docker.modem.demuxStream(stream, out, err);
  await new Promise<void>((resolve) => {
    stream.on('end', resolve);
    stream.on('close', resolve);
    stream.on('error', () => resolve());
  });
  out.end();
  err.end();
}
