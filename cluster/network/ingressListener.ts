// The ingress controller's one HTTP listener on the developer's machine (`--ingress-port`), bound when the cluster
// starts so the CLI can say at once where Ingresses answer, or why they do not. Requests are answered by the
// handler the ingress controller installs; until then with a 503.
import * as http from 'http';
import type { AddressInfo } from 'net';
import { HOST_ADDRESS } from './hostNetwork';
import { ListenError } from './tcpForwarder';

export type IngressHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export interface IngressListener {
  readonly port: number;
  /** installs the handler of every request from now on */
  serve(handler: IngressHandler): void;
  close(): Promise<void>;
}

/** Listens on 127.0.0.1:port (0: a free port); rejects with a ListenError when the port is taken. */
export function listenIngress(port: number): Promise<IngressListener> {
  let handler: IngressHandler = (_req, res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('503 Service Unavailable: the ingress controller is starting\n');
  };
  const server = http.createServer((req, res) => handler(req, res));
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new ListenError(HOST_ADDRESS, port, e.code ?? e.message)),
    );
    server.listen(port, HOST_ADDRESS, () => {
      server.removeAllListeners('error');
      server.on('error', () => server.close());
      resolve({
        port: (server.address() as AddressInfo).port,
        serve: (h) => (handler = h),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
