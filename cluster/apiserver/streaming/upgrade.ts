// Requests that ask to switch protocols (WebSocket, SPDY: exec, attach, portforward). The HTTPS server's 'upgrade'
// event hands their raw connection here; the request is then routed as any other (authentication, RBAC, the
// subresource's own checks) with a response written on that connection, so a refusal is an ordinary Status
// answer, and the streaming handler takes the connection over (takeConnection) once it accepts.
import type { IncomingMessage } from 'http';
import { ServerResponse } from 'http';
import type { Socket } from 'net';

const pending = new WeakMap<IncomingMessage, { socket: Socket; head: Buffer }>();

/** Connections taken over by streaming handlers, closed when the server stops. */
export class UpgradedConnections {
  private readonly open = new Set<Socket>();

  /** The response a routed upgrade request answers through; answering ends the connection. */
  accept(req: IncomingMessage, socket: Socket, head: Buffer): ServerResponse {
    pending.set(req, { socket, head });
    const res = new ServerResponse(req);
    res.assignSocket(socket);
    res.shouldKeepAlive = false;
    res.on('finish', () => socket.end());
    this.open.add(socket);
    socket.once('close', () => this.open.delete(socket));
    return res;
  }

  closeAll(): void {
    for (const s of this.open) s.destroy();
  }
}

/** Whether the request asks to switch to protocol (case-insensitive, as in the Upgrade header). */
export function wantsUpgrade(req: IncomingMessage, protocol: string): boolean {
  return (req.headers.upgrade ?? '')
    .toLowerCase()
    .split(',')
    .some((p) => p.trim() === protocol.toLowerCase());
}

/** The raw connection of an upgrade request, detached from its HTTP response; undefined for other requests. */
export function takeConnection(
  req: IncomingMessage,
  res: ServerResponse,
): { socket: Socket; head: Buffer } | undefined {
  const p = pending.get(req);
  if (!p) return undefined;
  pending.delete(req);
  res.detachSocket(p.socket);
  res.removeAllListeners('finish');
  return p;
}
