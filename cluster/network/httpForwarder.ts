// Forwards one HTTP request to a pod and its answer back, with Node's http client (the request body and the answer
// are piped, never parsed or held): the API server's pods/proxy and services/proxy and the ingress use it. Hop-by-hop
// headers stay on their own hop, X-Forwarded-For/-Host/-Proto tell the pod who asked. An Upgrade request (WebSocket)
// is sent the same way; once the pod switches protocols, the two connections are piped both ways. Plain requests go
// over kept-alive connections, pooled per pod address (the endpoint is still chosen per request by the caller).
import * as http from 'http';
import * as https from 'https';
import type { Socket } from 'net';
import type { Duplex } from 'stream';
import type { ProxyDialer } from '../apiserver/subresources/proxy';

export interface HttpTarget {
  scheme: 'http' | 'https';
  host: string;
  port: number | string;
  /** the path and query to ask the pod for */
  path: string;
}

export interface ForwardOptions {
  /** keep the client's Host header (the ingress: apps see the name they were reached by); else host:port */
  preserveHost?: boolean;
  /** headers not to pass on (the API server's credentials stay with it) */
  drop?: string[];
}

/** How long connecting to a pod may take. */
const CONNECT_TIMEOUT_MS = 10_000;

const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

/** raw header pairs without hop-by-hop ones (and those Connection names) or the dropped ones */
function passedOn(raw: string[], drop: Set<string>): [string, string][] {
  const named = new Set(drop);
  for (let i = 0; i < raw.length; i += 2)
    if (raw[i].toLowerCase() === 'connection') for (const n of raw[i + 1].split(',')) named.add(n.trim().toLowerCase());
  const out: [string, string][] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const k = raw[i].toLowerCase();
    if (!HOP_BY_HOP.has(k) && !named.has(k)) out.push([raw[i], raw[i + 1]]);
  }
  return out;
}

function requestHeaders(req: http.IncomingMessage, target: HttpTarget, opts: ForwardOptions): [string, string][] {
  const drop = new Set((opts.drop ?? []).map((h) => h.toLowerCase()));
  drop.add('x-forwarded-for');
  if (!opts.preserveHost) drop.add('host');
  const headers = passedOn(req.rawHeaders, drop);
  const client = req.socket?.remoteAddress;
  const before = req.headers['x-forwarded-for'];
  if (client) headers.push(['X-Forwarded-For', before ? `${before}, ${client}` : client]);
  if (!req.headers['x-forwarded-host'] && req.headers.host) headers.push(['X-Forwarded-Host', req.headers.host]);
  if (!req.headers['x-forwarded-proto'])
    headers.push(['X-Forwarded-Proto', (req.socket as { encrypted?: boolean })?.encrypted ? 'https' : 'http']);
  if (!opts.preserveHost) headers.push(['Host', `${target.host}:${target.port}`]);
  return headers;
}

/**
 * Connections kept open to pods between requests (a new TCP connection per request cost the ingress four fifths of
 * its throughput). Idle ones close after a while, as pods' servers close theirs (Node's after 5 s).
 */
const POOLS = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 32, timeout: 4_000 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256, maxFreeSockets: 32, timeout: 4_000 }),
};

/** Gives up a request whose connection to the pod is not made in time (once made, the answer may take long). */
function connectWithin(upstream: http.ClientRequest): void {
  upstream.once('socket', (s: Socket) => {
    if (!s.connecting) return; // a kept-alive connection, already made
    s.setTimeout(CONNECT_TIMEOUT_MS, () =>
      upstream.destroy(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`)),
    );
    s.once('connect', () => s.setTimeout(0));
    s.once('secureConnect', () => s.setTimeout(0));
  });
}

function sendRequest(
  target: HttpTarget,
  method: string | undefined,
  headers: [string, string][],
  pooled: boolean,
): http.ClientRequest {
  const client = target.scheme === 'https' ? https : http;
  const upstream = client.request({
    host: target.host,
    port: target.port,
    method,
    path: target.path,
    headers: headers.flat(),
    // an Upgrade request's connection is handed over to the two ends: never a pooled one
    agent: pooled ? POOLS[target.scheme] : false,
    // pods serve certificates nobody issued for their IP, as kube-apiserver's proxy accepts them
    rejectUnauthorized: false,
    setHost: false,
  });
  connectWithin(upstream);
  return upstream;
}

/** Writes an answer's head on a connection the HTTP server handed over (an Upgrade request's). */
function writeHead(socket: Duplex, status: number, message: string, headers: [string, string][]): void {
  socket.write(`HTTP/1.1 ${status} ${message}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`);
}

/** Answers an Upgrade request that goes nowhere with a plain-text error, then closes the connection. */
export function refuseUpgrade(socket: Duplex, status: number, message: string, text: string): void {
  if (socket.destroyed) return;
  const body = text + '\n';
  writeHead(socket, status, message, [
    ['Content-Type', 'text/plain; charset=utf-8'],
    ['Content-Length', String(Buffer.byteLength(body))],
    ['Connection', 'close'],
  ]);
  socket.end(body);
}

/**
 * Sends an Upgrade request to the target. When the pod switches protocols, its 101 answer goes to the client and
 * the connections are piped both ways until either closes; when it answers otherwise, that answer is passed on and
 * the connection closed. Rejects, with nothing written, when the pod cannot be reached.
 */
export function forwardUpgrade(
  target: HttpTarget,
  req: http.IncomingMessage,
  socket: Duplex,
  head: Buffer,
  opts: ForwardOptions = {},
): Promise<void> {
  return new Promise((resolve, reject) => {
    const headers = requestHeaders(req, target, opts);
    headers.push(['Connection', 'Upgrade'], ['Upgrade', String(req.headers.upgrade ?? '')]);
    const upstream = sendRequest(target, req.method, headers, false);
    socket.on('error', () => upstream.destroy());
    upstream.on('upgrade', (answer, upSocket: Socket, upHead: Buffer) => {
      const pairs: [string, string][] = [];
      for (let i = 0; i < answer.rawHeaders.length; i += 2)
        pairs.push([answer.rawHeaders[i], answer.rawHeaders[i + 1]]);
      writeHead(socket, answer.statusCode ?? 101, answer.statusMessage ?? 'Switching Protocols', pairs);
      if (upHead.length) socket.write(upHead);
      if (head.length) upSocket.write(head);
      upSocket.on('error', () => socket.destroy());
      socket.on('error', () => upSocket.destroy());
      upSocket.once('close', () => socket.destroy());
      socket.once('close', () => upSocket.destroy());
      socket.pipe(upSocket).pipe(socket);
      resolve();
    });
    upstream.on('response', (answer) => {
      // the pod did not switch: its answer as it is, delimited by the end of the connection
      const pairs = passedOn(answer.rawHeaders, new Set());
      writeHead(socket, answer.statusCode ?? 502, answer.statusMessage ?? '', [...pairs, ['Connection', 'close']]);
      answer.pipe(socket);
      resolve();
    });
    upstream.on('error', reject);
    upstream.end();
  });
}

/**
 * Sends req to the target and pipes the answer into res. Resolves when the answer is complete (or the client went
 * away); rejects, with nothing written to res, when the pod cannot be reached, so the caller answers in its own
 * words. A failure after the answer started cuts the client's connection.
 */
export function forwardHttp(
  target: HttpTarget,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: ForwardOptions = {},
): Promise<void> {
  return sendOnce(target, req, res, opts, true).catch((e: unknown) => {
    // a kept-alive connection the pod closed just as it was reused: a request without a body is sent again on a new one
    if (e instanceof RetryOnNewConnection) return sendOnce(target, req, res, opts, false);
    throw e;
  });
}

class RetryOnNewConnection extends Error {}

const WITHOUT_BODY = new Set(['GET', 'HEAD', 'OPTIONS']);

function sendOnce(
  target: HttpTarget,
  req: http.IncomingMessage,
  res: http.ServerResponse,
  opts: ForwardOptions,
  pooled: boolean,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const upstream = sendRequest(target, req.method, requestHeaders(req, target, opts), pooled);
    upstream.on('response', (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.statusMessage, passedOn(answer.rawHeaders, new Set()).flat());
      answer.pipe(res);
      answer.on('error', () => res.destroy());
      res.once('close', () => {
        if (!answer.complete) upstream.destroy();
        resolve();
      });
    });
    upstream.on('error', (e) => {
      if (res.headersSent) {
        res.destroy();
        resolve();
      } else if (upstream.reusedSocket && WITHOUT_BODY.has(req.method ?? 'GET')) reject(new RetryOnNewConnection());
      else reject(e);
    });
    // the client gone before the pod answered: nobody waits for the answer
    res.once('close', () => {
      if (!res.headersSent) {
        upstream.destroy();
        resolve();
      }
    });
    if (pooled || !WITHOUT_BODY.has(req.method ?? 'GET')) req.pipe(upstream);
    else upstream.end(); // the retry: the request (without a body) was read by the first attempt
  });
}

/** The API server's pods/proxy and services/proxy with real containers: the request without its credentials. */
export const podProxyDialer: ProxyDialer = (target, req, res) =>
  forwardHttp(
    { scheme: target.scheme, host: target.host ?? '', port: target.port ?? '', path: target.path },
    req,
    res,
    {
      drop: ['authorization', 'impersonate-user', 'impersonate-group', 'impersonate-uid'],
    },
  );
