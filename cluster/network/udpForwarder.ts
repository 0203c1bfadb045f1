// A UDP port that hands each client's datagrams to a Service endpoint, as kube-proxy's userspace mode did for UDP
// (DNS-like Services): the first datagram from a client address and port chooses the endpoint, and a session socket
// connected to it carries that client's datagrams there and the endpoint's answers back, until the client has been
// quiet for a while. A datagram for which no endpoint is ready is dropped (UDP has no reset to send).
import * as dgram from 'dgram';
import { ListenError, type ChooseBackend } from './tcpForwarder';

/** How long a client's session (and its socket) lives after its last datagram. */
const IDLE_MS = 10_000;
/** At most this many sessions at once; a new client beyond it ends the least recently used one. */
const MAX_SESSIONS = 1000;

interface Session {
  upstream: dgram.Socket;
  timer: NodeJS.Timeout;
  /** datagrams that came before the session socket was connected; undefined once it is */
  pending?: Buffer[];
}

export interface UdpForwarder {
  readonly port: number;
  /** stops listening and ends the sessions */
  close(): Promise<void>;
}

/** Listens on host:port (UDP) and forwards every client's datagrams to choose()'s endpoint. */
export function listenUdp(host: string, port: number, choose: ChooseBackend): Promise<UdpForwarder> {
  const server = dgram.createSocket('udp4');
  /** "address:port" of a client → its session, in order of last use */
  const sessions = new Map<string, Session>();

  const end = (key: string) => {
    const s = sessions.get(key);
    if (!s) return;
    sessions.delete(key);
    clearTimeout(s.timer);
    s.upstream.close();
  };

  const session = (client: dgram.RemoteInfo): Session | undefined => {
    const key = `${client.address}:${client.port}`;
    const held = sessions.get(key);
    if (held) {
      // most recently used last, so the first is the one to end when there are too many
      sessions.delete(key);
      sessions.set(key, held);
      held.timer.refresh();
      return held;
    }
    const backend = choose(client.address);
    if (!backend) return undefined;
    if (sessions.size >= MAX_SESSIONS) end(sessions.keys().next().value!);
    const upstream = dgram.createSocket('udp4');
    const s: Session = { upstream, timer: setTimeout(() => end(key), IDLE_MS), pending: [] };
    upstream.on('message', (answer) => {
      s.timer.refresh();
      server.send(answer, client.port, client.address);
    });
    // an unreachable endpoint (ICMP port unreachable) ends the session: the next datagram chooses again
    upstream.on('error', () => end(key));
    upstream.connect(backend.port, backend.ip, () => {
      for (const msg of s.pending ?? []) upstream.send(msg);
      s.pending = undefined;
    });
    sessions.set(key, s);
    return s;
  };

  server.on('message', (msg, client) => {
    const s = session(client);
    if (!s) return;
    if (s.pending) s.pending.push(msg);
    else s.upstream.send(msg);
  });

  return new Promise((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) => reject(new ListenError(host, port, e.code ?? e.message)));
    server.bind(port, host, () => {
      server.removeAllListeners('error');
      server.on('error', () => server.close());
      resolve({
        port: server.address().port,
        close: () =>
          new Promise<void>((done) => {
            for (const key of [...sessions.keys()]) end(key);
            server.close(() => done());
          }),
      });
    });
  });
}
