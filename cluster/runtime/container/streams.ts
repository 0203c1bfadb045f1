// exec and attach on a real container, through the engine: a hijacked connection carries the client's stdin one way
// and the process's output the other (stdout and stderr multiplexed in frames, unless there is a tty, whose output
// is one raw stream). The end of stdin half-closes the connection, so a process reading it sees EOF. A resize goes
// to the engine's resize endpoint; an exec's exit code is read by inspecting it once its output has ended.
import type Docker from 'dockerode';
import type DockerModem from 'docker-modem';
import type { Duplex } from 'stream';
import { PassThrough } from 'stream';
import type { StreamSession } from '../types';

/** how long an exec that ended its output may still report itself running before its exit code is read anyway */
const EXIT_WAIT_MS = 2000;

/** Copies the session's stdin in and the output out until the engine ends the connection or the client leaves. */
function pump(docker: Docker, conn: Duplex, s: StreamSession, tty: boolean): Promise<void> {
  if (tty) {
    if (s.stdout) conn.pipe(s.stdout, { end: false });
    else conn.resume();
  } else {
    const sink = () => new PassThrough().resume();
    docker.modem.demuxStream(conn, s.stdout ?? sink(), s.stderr ?? s.stdout ?? sink());
  }
  // the end of the client's stdin ends the connection's write side only
  if (s.stdin) s.stdin.pipe(conn, { end: true });
  return new Promise<void>((resolve) => {
    const done = () => {
      s.stdin?.unpipe(conn);
      s.signal.removeEventListener('abort', abort);
      resolve();
    };
    const abort = () => conn.destroy();
    s.signal.addEventListener('abort', abort);
    if (s.signal.aborted) abort();
    conn.on('end', done);
    conn.on('close', done);
    conn.on('error', done);
  });
}

async function exitCodeOf(exec: Docker.Exec): Promise<number> {
  const deadline = Date.now() + EXIT_WAIT_MS;
  for (;;) {
    const info = await exec.inspect();
    if (!info.Running || Date.now() > deadline) return info.ExitCode ?? 0;
    await new Promise((r) => setTimeout(r, 20));
  }
}

export async function execInContainer(docker: Docker, id: string, command: string[], s: StreamSession) {
  const exec = await docker.getContainer(id).exec({
    Cmd: command,
    AttachStdin: !!s.stdin,
    AttachStdout: !!s.stdout,
    AttachStderr: !!s.stderr || (!!s.stdout && !s.tty),
    Tty: s.tty,
  });
  const conn = (await exec.start({ hijack: true, stdin: !!s.stdin, Tty: s.tty })) as Duplex;
  // the engine resizes an exec only once it runs
  if (s.tty) s.onResize((size) => void exec.resize({ h: size.height, w: size.width }).catch(() => undefined));
  await pump(docker, conn, s, s.tty);
  return exitCodeOf(exec);
}

export async function attachToContainer(docker: Docker, id: string, s: StreamSession): Promise<void> {
  const container = docker.getContainer(id);
  // the container's tty, not the request's, says how its output comes
  const tty = !!(await container.inspect()).Config.Tty;
  const query = { stream: true, stdin: !!s.stdin, stdout: !!s.stdout, stderr: !!s.stderr || !!s.stdout };
  // dockerode's attach sends its options as the request body too, which Podman hands the process as stdin: the
  // request goes out with an empty body instead (Content-Length 0: the engine reads all that follows as stdin)
  const conn = await new Promise<Duplex>((resolve, reject) =>
    docker.modem.dial(
      {
        path: `/containers/${id}/attach?`,
        method: 'POST',
        isStream: true,
        hijack: true,
        openStdin: !!s.stdin,
        file: Buffer.alloc(0),
        statusCodes: { 101: true, 200: true, 404: 'no such container', 409: 'container is not running' },
        options: query,
      } as DockerModem.DialOptions,
      (err, stream) => (err ? reject(err) : resolve(stream as Duplex)),
    ),
  );
  if (tty) s.onResize((size) => void container.resize({ h: size.height, w: size.width }).catch(() => undefined));
  await pump(docker, conn, s, tty);
}
