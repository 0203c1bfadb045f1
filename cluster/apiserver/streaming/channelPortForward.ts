// Port-forward over the WebSocket channel protocol (v4.channel.k8s.io), as the kubelet serves it to clients that
// do not tunnel SPDY (the JavaScript and Python clients): the request names its ports (?ports=8080,9090); port i
// gets data channel 2i and error channel 2i+1, each opened by a message holding the port (two bytes, little
// endian). One connection per port is made to the pod; its end, or the client's, ends the WebSocket.
import type { Socket } from 'net';
import type { WebSocket } from 'ws';
import { backPressured, pipeBytes, sharedSource, WebSocketBytes } from './backPressure';

export const CHANNEL_PORT_FORWARD_PROTOCOLS = ['v4.channel.k8s.io', 'channel.k8s.io'];

/** The ports a request names (ports=8080&ports=9090 or ports=8080,9090); throws on one that is no port. */
export function requestedPorts(q: URLSearchParams): number[] {
  const raw = [...q.getAll('ports'), ...q.getAll('port')].flatMap((p) => p.split(',')).map((p) => p.trim());
  const ports = raw.filter((p) => p).map(Number);
  const bad = raw.find((p, i) => !Number.isInteger(ports[i]) || ports[i] <= 0 || ports[i] > 65535);
  if (bad !== undefined) throw new Error(`invalid port ${JSON.stringify(bad)}`);
  return ports;
}

function frame(channel: number, data: Buffer): Buffer {
  return Buffer.concat([Buffer.of(channel), data]);
}

export function forwardChannels(
  ws: WebSocket,
  ports: number[],
  dial: (port: number) => Promise<Socket>,
  what: string,
): void {
  const conns = new Map<number, Socket>();
  const bytes = new WebSocketBytes(ws);
  // the client's messages stop while any port's connection to the pod is full
  const input = sharedSource(bytes);
  const toPod = new Map<number, (chunk: Buffer) => void>();
  const pendingInput = new Map<number, Buffer[]>();
  const portBytes = (p: number) => Buffer.from([p & 0xff, p >> 8]);
  ports.forEach((port, i) => {
    bytes.write(frame(2 * i, portBytes(port)));
    bytes.write(frame(2 * i + 1, portBytes(port)));
    pendingInput.set(i, []);
    dial(port).then(
      (conn) => {
        conns.set(i, conn);
        const write = backPressured(input, conn);
        toPod.set(i, write);
        const pending = pendingInput.get(i) ?? [];
        pendingInput.delete(i);
        for (const b of pending) write(b);
        if (pending.length) input.resume();
        // the port's data channel: each chunk framed, the pod's connection paused while the WebSocket is full
        pipeBytes(conn, { write: (d) => bytes.write(frame(2 * i, d)), once: (e, l) => bytes.once(e, l) });
        conn.on('close', () => ws.close(1000));
        conn.on('error', () => conn.destroy());
      },
      (e: Error) => {
        const message = `error forwarding port ${port} to ${what}: ${e.message}`;
        bytes.write(frame(2 * i + 1, Buffer.from(message)));
        ws.close(1000);
      },
    );
  });
  ws.on('message', (data: Buffer, isBinary: boolean) => {
    if (!isBinary || data.length === 0 || data[0] % 2 === 1) return;
    const i = data[0] / 2;
    const payload = data.subarray(1);
    const write = toPod.get(i);
    if (write) return write(payload);
    const pending = pendingInput.get(i);
    if (!pending) return;
    // what comes before the pod's connection is made waits, and the client with it
    if (pending.push(payload) === 1) input.pause();
  });
  ws.on('close', () => {
    for (const c of conns.values()) c.destroy();
  });
}
