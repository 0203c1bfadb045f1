// pods/exec, pods/attach and pods/portforward, as kube-apiserver serves them: the request's options are checked
// against the pod (its container, the streams asked for, the command), the pod's node must run real processes
// (the kubelets' PodStreamer says, and refuses while pods are simulated), then the connection switches protocols:
// WebSocket or SPDY/3.1, with the remote-command channels (streaming/channels.ts, spdyRemoteCommand.ts) or
// port-forward (streaming/portForward.ts).
import type { IncomingMessage } from 'http';
import type { Pod } from 'kubernetes-types/core/v1';
import { WebSocketServer, type WebSocket } from 'ws';
import { StreamRefused, type PodStreamer } from '../../kubelet/streaming';
import { badRequest, notFound } from '../apiErrors';
import type { RequestScope } from '../handlers/scope';
import { boolQueryParam } from '../requestInfo';
import type { StreamSession } from '../../runtime/types';
import { channelSession, REMOTE_COMMAND_PROTOCOLS } from '../streaming/channels';
import type { Outcome } from '../streaming/remoteCommand';
import { CHANNEL_PORT_FORWARD_PROTOCOLS, forwardChannels, requestedPorts } from '../streaming/channelPortForward';
import { forwardPorts, PORT_FORWARD_PROTOCOL } from '../streaming/portForward';
import { WebSocketBytes } from '../streaming/backPressure';
import { SpdySession } from '../streaming/spdy';
import { SPDY_REMOTE_COMMAND_PROTOCOLS, spdyCommandSession } from '../streaming/spdyRemoteCommand';
import { takeConnection, wantsUpgrade } from '../streaming/upgrade';

export const POD_STREAMS = new Set(['exec', 'attach', 'portforward']);

export function isPodStream(resource: string, group: string, subresource: string): boolean {
  return group === '' && resource === 'pods' && POD_STREAMS.has(subresource);
}

const sockets = new WebSocketServer({ noServer: true, perMessageDeflate: false });
const SPDY = 'SPDY/3.1';
/** what kubectl puts before a SPDY protocol it wants tunnelled in WebSocket */
const SPDY_TUNNEL = 'SPDY/3.1+';

/** The first of the client's WebSocket subprotocols that the server speaks. */
function chooseProtocol(scope: RequestScope, supported: string[]): string {
  const asked = (scope.req.headers['sec-websocket-protocol'] ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p);
  const chosen = asked.find((p) => supported.includes(p));
  if (!chosen)
    throw badRequest(
      `unable to upgrade connection: none of the requested protocols [${asked.join(', ')}] is supported; ` +
        `this server speaks ${supported.join(', ')} (kubectl 1.30 or later)`,
    );
  return chosen;
}

/** the subprotocol agreed for an upgrade in progress */
const agreed = new WeakMap<IncomingMessage, string>();
sockets.on('headers', (headers: string[], req: IncomingMessage) => {
  const protocol = agreed.get(req);
  if (protocol) headers.push(`Sec-WebSocket-Protocol: ${protocol}`);
});

/** Switches the request's connection to WebSocket with protocol, then hands the socket to use. */
function upgradeToWebSocket(scope: RequestScope, protocol: string, use: (ws: WebSocket) => void): void {
  const conn = takeConnection(scope.req, scope.res);
  if (!conn) throw badRequest('Upgrade request required');
  // the protocol is agreed here: ws refuses names with "/" or "+" (SPDY/3.1+portforward.k8s.io), which are no
  // HTTP tokens, yet are what kubectl asks for
  delete scope.req.headers['sec-websocket-protocol'];
  agreed.set(scope.req, protocol);
  sockets.handleUpgrade(scope.req, conn.socket, conn.head, use);
}

function containerOf(pod: Pod, asked: string | null): string {
  const spec = pod.spec;
  const name = pod.metadata?.name ?? '';
  const regular = (spec?.containers ?? []).map((c) => c.name);
  const others = [...(spec?.initContainers ?? []), ...(spec?.ephemeralContainers ?? [])].map((c) => c.name);
  if (!asked) {
    if (regular.length === 1) return regular[0];
    throw badRequest(`a container name must be specified for pod ${name}, choose one of: [${regular.join(' ')}]`);
  }
  if (!regular.includes(asked) && !others.includes(asked))
    throw badRequest(`container ${asked} is not valid for pod ${name}`);
  return asked;
}

function streamerFor(scope: RequestScope, pod: Pod, container: string | undefined): PodStreamer {
  const streamer = scope.api.podStreamer;
  if (!streamer) throw badRequest('this cluster runs no nodes: no container of any pod can be reached');
  try {
    streamer.check(pod, container);
  } catch (e) {
    if (e instanceof StreamRefused) throw badRequest(e.message);
    throw e;
  }
  return streamer;
}

export function servePodStream(scope: RequestScope, method: string, name: string, subresource: string): void {
  if (method !== 'GET' && method !== 'POST') throw badRequest(`${subresource} is served to GET and POST only`);
  const { api, info, namespace } = scope;
  const pod = api.storage.tryGet(info, namespace, name) as Pod | undefined;
  if (!pod) throw notFound(info.plural, info.group, name);
  if (subresource === 'portforward') servePortForward(scope, pod);
  else serveRemoteCommand(scope, pod, subresource as 'exec' | 'attach');
}

/**
 * Port-forward speaks SPDY: tunnelled in WebSocket binary messages (SPDY/3.1+portforward.k8s.io, kubectl 1.31 and
 * later) or on the connection itself after a SPDY/3.1 upgrade (older clients, and kubectl's fallback); or the
 * WebSocket channel protocol, with the ports in the query (other clients).
 */
function servePortForward(scope: RequestScope, pod: Pod): void {
  const streamer = streamerFor(scope, pod, undefined);
  const what = `pod ${pod.metadata?.namespace}/${pod.metadata?.name}`;
  const serve = (session: SpdySession) => forwardPorts(session, (port) => streamer.portForward(pod, port), what);
  if (wantsUpgrade(scope.req, 'websocket')) {
    const tunnel = SPDY_TUNNEL + PORT_FORWARD_PROTOCOL;
    const protocol = chooseProtocol(scope, [tunnel, ...CHANNEL_PORT_FORWARD_PROTOCOLS]);
    if (protocol !== tunnel) {
      let ports: number[];
      try {
        ports = requestedPorts(scope.url.searchParams);
      } catch (e) {
        throw badRequest((e as Error).message);
      }
      if (!ports.length) throw badRequest('at least one port must be specified (ports=...)');
      upgradeToWebSocket(scope, protocol, (ws) =>
        forwardChannels(ws, ports, (port) => streamer.portForward(pod, port), what),
      );
      return;
    }
    upgradeToWebSocket(scope, protocol, (ws) => {
      const session = new SpdySession(new WebSocketBytes(ws));
      ws.on('message', (data: Buffer) => session.receive(data));
      ws.on('close', () => session.close());
      ws.on('error', () => session.close());
      serve(session);
    });
    return;
  }
  serve(upgradeToSpdy(scope, [PORT_FORWARD_PROTOCOL]).session);
}

/** Switches the request's connection to SPDY/3.1 with the first of the client's protocols the server speaks. */
function upgradeToSpdy(scope: RequestScope, supported: string[]): { session: SpdySession; protocol: string } {
  if (!wantsUpgrade(scope.req, SPDY)) throw badRequest('Upgrade request required');
  const asked = String(scope.req.headers['x-stream-protocol-version'] ?? '')
    .split(',')
    .map((v) => v.trim());
  const protocol = asked.find((p) => supported.includes(p));
  if (!protocol)
    throw badRequest(
      `unable to upgrade: unable to negotiate protocol: client supports [${asked.join(', ')}], ` +
        `server supports [${supported.join(', ')}]`,
    );
  const conn = takeConnection(scope.req, scope.res);
  if (!conn) throw badRequest('Upgrade request required');
  const { socket, head } = conn;
  socket.write(
    'HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\n' +
      `X-Stream-Protocol-Version: ${protocol}\r\n\r\n`,
  );
  const session = new SpdySession(socket);
  socket.on('data', (d: Buffer) => session.receive(d));
  socket.on('close', () => session.close());
  if (head.length) session.receive(head);
  return { session, protocol };
}

function serveRemoteCommand(scope: RequestScope, pod: Pod, kind: 'exec' | 'attach'): void {
  const q = scope.url.searchParams;
  const opts = {
    stdin: boolQueryParam(q, 'stdin'),
    stdout: boolQueryParam(q, 'stdout'),
    stderr: boolQueryParam(q, 'stderr'),
    tty: boolQueryParam(q, 'tty'),
  };
  const command = q.getAll('command');
  if (!opts.stdin && !opts.stdout && !opts.stderr)
    throw badRequest('you must specify at least 1 of stdin, stdout, stderr');
  if (kind === 'exec' && command.length === 0)
    throw badRequest('you must specify at least one command for the container');
  const container = containerOf(pod, q.get('container'));
  const streamer = streamerFor(scope, pod, container);
  const run = (session: StreamSession, finish: (o: Outcome) => Promise<void>) => {
    const done =
      kind === 'exec'
        ? streamer.exec(pod, container, command, session).then((exitCode) => ({ exitCode, command }))
        : streamer.attach(pod, container, session).then(() => ({ exitCode: 0 }));
    void done.then(finish, (e: Error) => finish({ error: e.message }));
  };
  if (wantsUpgrade(scope.req, 'websocket')) {
    const protocol = chooseProtocol(scope, REMOTE_COMMAND_PROTOCOLS);
    upgradeToWebSocket(scope, protocol, (ws) => {
      const { session, finish } = channelSession(ws, protocol, opts);
      run(session, finish);
    });
    return;
  }
  const { session: spdy, protocol } = upgradeToSpdy(scope, SPDY_REMOTE_COMMAND_PROTOCOLS);
  spdyCommandSession(spdy, protocol, opts).then(
    ({ session, finish }) => run(session, finish),
    () => spdy.close(),
  );
}
