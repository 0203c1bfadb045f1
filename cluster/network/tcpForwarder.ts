// A TCP listener on the developer's machine that hands each connection to a Service endpoint chosen when the
// connection arrives, and copies bytes both ways until either side closes (what kube-proxy does for a node port
// and a load balancer's port). A connection for which no endpoint is ready is reset at once, as kube-proxy rejects
// traffic to a Service without endpoints.
import * as net from 'net';
import type { Backend } from './serviceEndpoints';

/** The endpoint for a new connection from clientIP; undefined when none is ready (or none can answer). */
export type ChooseBackend = (clientIP: string) => Backend | undefined;

/** How long a connection to a pod may take before the client's connection is given up. */
const CONNECT_TIMEOUT_MS = 5000;

/** The port could not be listened on: taken by another program (EADDRINUSE) or not allowed (EACCES). */
export class ListenError extends Error {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly code: string,
  ) {
    super(
      code === 'EADDRINUSE'
        ? `${host}:${port} is already in use by another program or Service`
        : code === 'EACCES'
          ? `${host}:${port} may not be listened on by this user (ports below 1024 need privileges)`
          : `${host}:${port} cannot be listened on (${code})`,
    );
  }
}

export interface TcpForwarder {
  readonly port: number;
  /** stops listening and ends the connections it forwards */
  close(): Promise<void>;
}

/** Listens on host:port (0: a free port) and forwards every connection to choose()'s endpoint. */
export function listenTcp(host: string, port: number, choose: ChooseBackend): Promise<TcpForwarder> {
  const open = new Set<net.Socket>();
  const server = net.createServer({ allowHalfOpen: true }, (client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    const backend = choose(client.remoteAddress ?? '');
    if (!backend) {
      client.resetAndDestroy();
      return;
    }
    forward(client, backend, open);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new ListenError(host, port, e.code ?? e.message)));
    server.listen(port, host, () => {
      server.removeAllListeners('error');
      // a failure of the listening socket later concerns nobody's request: the forwarder stops serving
      server.on('error', () => server.close());
      resolve({
        port: (server.address() as net.AddressInfo).port,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            for (const s of open) s.destroy();
          }),
      });
    });
  });
}

function forward(client: net.Socket, backend: Backend, open: Set<net.Socket>): void {
  const upstream = net.connect({ host: backend.ip, port: backend.port, allowHalfOpen: true });
  open.add(upstream);
  upstream.once('close', () => open.delete(upstream));
  upstream.setTimeout(CONNECT_TIMEOUT_MS, () => upstream.destroy());
  upstream.once('connect', () => upstream.setTimeout(0));
  // either side failing ends both (a reset tells the client the connection broke); a clean end on one side is
  // passed on by pipe() as an end of the other, so nothing in flight is cut
  upstream.on('error', () => client.resetAndDestroy());
  client.on('error', () => upstream.destroy());
  client.once('close', () => upstream.destroy());
  client.pipe(upstream);
  upstream.pipe(client);
}
