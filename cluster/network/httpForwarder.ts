// Forwards one HTTP request to a pod and its answer back, with Node's http client (the request body and the answer
// are piped, never parsed or held): the API server's pods/proxy and services/proxy and the ingress use it. Hop-by-hop
// headers stay on their own hop, X-Forwarded-For/-Host/-Proto tell the pod who asked.
import * as http from 'http';
import * as https from 'https';
import type { Socket } from 'net';
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
  return new Promise((resolve, reject) => {
    const client = target.scheme === 'https' ? https : http;
    const upstream = client.request({
      host: target.host,
      port: target.port,
      method: req.method,
      path: target.path,
      headers: requestHeaders(req, target, opts).flat(),
      // a fresh connection per request, so each is sent to an endpoint chosen for it
      agent: false,
      // pods serve certificates nobody issued for their IP, as kube-apiserver's proxy accepts them
      rejectUnauthorized: false,
      setHost: false,
    });
    upstream.once('socket', (s: Socket) => {
      s.setTimeout(CONNECT_TIMEOUT_MS, () =>
        upstream.destroy(new Error(`no connection within ${CONNECT_TIMEOUT_MS} ms`)),
      );
      s.once('connect', () => s.setTimeout(0));
      s.once('secureConnect', () => s.setTimeout(0));
    });
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
      } else reject(e);
    });
    // the client gone before the pod answered: nobody waits for the answer
    res.once('close', () => {
      if (!res.headersSent) {
        upstream.destroy();
        resolve();
      }
    });
    req.pipe(upstream);
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
