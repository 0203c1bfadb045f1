// The port-forward protocol (portforward.k8s.io) on a SPDY session, as the kubelet serves it: for each connection
// it forwards, the client opens an error stream and a data stream with the same requestid and port headers. Once
// both are there the server connects to the pod's port and copies bytes between that connection and the data
// stream (with back-pressure both ways, backPressure.ts), half-closing each way as the other side does; a failure
// is written on the error stream.
import type { Socket } from 'net';
import { pipeBytes } from './backPressure';
import type { SpdySession, SpdyStream } from './spdy';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';

interface Pair {
  error?: SpdyStream;
  data?: SpdyStream;
}

/** Serves the session's forwarded connections; what names the pod in error messages. */
export function forwardPorts(session: SpdySession, dial: (port: number) => Promise<Socket>, what: string): void {
  const pairs = new Map<string, Pair>();
  session.on('stream', (stream: SpdyStream) => {
    const type = stream.headers.streamtype;
    const id = stream.headers.requestid ?? '';
    if (type !== 'error' && type !== 'data') return stream.reset();
    const pair = pairs.get(id) ?? {};
    pair[type] = stream;
    pairs.set(id, pair);
    // the client sends nothing on the error stream
    if (type === 'error') stream.incoming.resume();
    if (pair.error && pair.data) {
      pairs.delete(id);
      void forward(pair.error, pair.data, dial, what);
    }
  });
}

async function forward(error: SpdyStream, data: SpdyStream, dial: (port: number) => Promise<Socket>, what: string) {
  const port = Number(data.headers.port);
  let conn: Socket;
  try {
    if (!Number.isInteger(port) || port <= 0 || port > 65535)
      throw new Error(`invalid port ${JSON.stringify(data.headers.port)}`);
    conn = await dial(port);
  } catch (e) {
    error.write(Buffer.from(`error forwarding port ${data.headers.port} to ${what}: ${(e as Error).message}`));
    error.end();
    data.end();
    return;
  }
  // the client's FIN half-closes the connection to the pod; its reset (or the session's end) drops it
  pipeBytes(data.incoming, conn);
  data.incoming.on('end', () => conn.end());
  data.incoming.on('close', () => {
    if (!data.incoming.readableEnded) conn.destroy();
  });
  pipeBytes(conn, data);
  conn.on('end', () => data.end());
  conn.on('error', () => data.reset());
  error.end();
}
