// The ingress controller's listeners on the developer's machine: HTTP (`--ingress-port`) and optionally HTTPS
// (`--ingress-tls-port`), bound when the cluster starts so the CLI can say at once where Ingresses answer, or why
// they do not. Requests are answered by the handler the ingress controller installs (until then with a 503); the
// HTTPS listener presents the certificate of an Ingress's TLS Secret for the server name the client asks for (SNI),
// else the cluster's own serving certificate.
import * as http from 'http';
import * as https from 'https';
import type { AddressInfo } from 'net';
import type { Duplex } from 'stream';
import type { SecureContext } from 'tls';
import { HOST_ADDRESS } from './hostNetwork';
import { ListenError } from './tcpForwarder';

export type IngressHandler = (req: http.IncomingMessage, res: http.ServerResponse) => void;
/** an Upgrade request (WebSocket): the connection is the handler's from now on */
export type UpgradeHandler = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void;
/** the certificate for a server name; undefined: the default one */
export type CertificateLookup = (servername: string) => SecureContext | undefined;

export interface IngressListener {
  readonly port: number;
  /** whether it serves HTTPS */
  readonly tls: boolean;
  /** installs the handlers of every request and every Upgrade request from now on */
  serve(handler: IngressHandler, upgrade: UpgradeHandler): void;
  /** installs how the HTTPS listener finds an Ingress's certificate */
  certificates(lookup: CertificateLookup): void;
  close(): Promise<void>;
}

/**
 * Listens on 127.0.0.1:port (0: a free port), with HTTPS when given the default certificate; rejects with a
 * ListenError when the port is taken.
 */
export function listenIngress(port: number, defaultCert?: { cert: string; key: string }): Promise<IngressListener> {
  let handler: IngressHandler = (_req, res) => {
    res.writeHead(503, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end('503 Service Unavailable: the ingress controller is starting\n');
  };
  let upgrade: UpgradeHandler = (_req, socket) => socket.destroy();
  let lookup: CertificateLookup = () => undefined;
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse) => handler(req, res);
  const server = defaultCert
    ? https.createServer(
        { ...defaultCert, SNICallback: (name, done) => done(null, lookup(name.toLowerCase())) },
        onRequest,
      )
    : http.createServer(onRequest);
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => upgrade(req, socket, head));
  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(new ListenError(HOST_ADDRESS, port, e.code ?? e.message)),
    );
    server.listen(port, HOST_ADDRESS, () => {
      server.removeAllListeners('error');
      server.on('error', () => server.close());
      resolve({
        port: (server.address() as AddressInfo).port,
        tls: !!defaultCert,
        serve: (h, u) => {
          handler = h;
          upgrade = u;
        },
        certificates: (l) => (lookup = l),
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
