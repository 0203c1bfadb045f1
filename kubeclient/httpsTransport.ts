// The transport over HTTP(S) to an API server in another process or a real cluster. How it authenticates
// is the caller's: a bearer token and CA (the cluster's own components) or a kubeconfig (kubeConfig.ts),
// whose options may change (exec plugins, rotated tokens) and are asked for again every 30 s. Requests go
// over one keep-alive agent so thousands of them do not pay a TLS handshake each; watches and streams hold
// their connection for as long as they run, so they get their own and do not queue behind (or starve) requests.
import * as http from 'http';
import * as https from 'https';
import { KubeApiError, settleAnswer } from './apiError';
import { parseText } from './localTransport';
import type { RawStream, Request, Transport, WatchEventHandler, WatchHandle } from './transport';
import { watchLines } from './watchLines';

/** TLS and header options of a connection (ca, cert, key, Authorization...). */
export type ConnectionOptions = () => https.RequestOptions | Promise<https.RequestOptions>;

const OPTIONS_REFRESH_MS = 30_000;

export class HttpsTransport implements Transport {
  private readonly base: URL;
  private readonly agent: http.Agent;
  private cached?: { options: https.RequestOptions; expires: number };

  constructor(
    readonly server: string,
    private readonly options: ConnectionOptions,
    private readonly userAgent: string,
  ) {
    this.base = new URL(server);
    const secure = this.base.protocol === 'https:';
    const pool = { keepAlive: true, maxSockets: 32 };
    this.agent = secure ? new https.Agent(pool) : new http.Agent(pool);
  }

  private async connection(): Promise<https.RequestOptions> {
    if (this.cached && this.cached.expires > Date.now()) return this.cached.options;
    const options = await this.options();
    this.cached = { options, expires: Date.now() + OPTIONS_REFRESH_MS };
    return options;
  }

  private async open(
    method: string,
    path: string,
    headers: Record<string, string | number>,
    agent: http.Agent | false,
  ): Promise<http.ClientRequest> {
    const c = await this.connection();
    const secure = this.base.protocol === 'https:';
    const basePath = this.base.pathname.replace(/\/$/, '');
    const opts: https.RequestOptions = {
      ...c,
      method,
      protocol: this.base.protocol,
      hostname: this.base.hostname,
      port: this.base.port || (secure ? 443 : 80),
      path: basePath + path,
      agent,
      headers: { ...(c.headers as Record<string, string> | undefined), 'User-Agent': this.userAgent, ...headers },
    };
    return (secure ? https : http).request(opts);
  }

  private unreachable(e: Error): KubeApiError {
    return new KubeApiError(0, { reason: 'Unreachable' }, `cannot reach the cluster at ${this.server}: ${e.message}`);
  }

  async request({ method, path, body, contentType, accept }: Request): Promise<any> {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string | number> = { Accept: accept };
    if (data !== undefined) {
      Object.assign(headers, { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) });
    }
    const req = await this.open(method, path, headers, this.agent);
    return new Promise((resolve, reject) => {
      req.on('response', (res: http.IncomingMessage) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          try {
            const answer = parseText(Buffer.concat(chunks).toString('utf8'));
            resolve(settleAnswer(res.statusCode ?? 0, answer, `${method} ${path}`));
          } catch (e) {
            reject(e);
          }
        });
        res.on('error', reject);
      });
      req.on('error', (e) => reject(this.unreachable(e)));
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  watch(pathAndQuery: string, accept: string, onEvent: WatchEventHandler, onEnd: (err?: Error) => void): WatchHandle {
    let req: http.ClientRequest | undefined;
    let stopped = false;
    let ended = false;
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      req?.destroy();
      if (!stopped) onEnd(err);
    };
    this.open('GET', pathAndQuery, { Accept: accept }, false).then((r) => {
      req = r;
      r.on('error', (e) => end(e));
      if (stopped) return void r.destroy();
      r.on('response', (res: http.IncomingMessage) => {
        if ((res.statusCode ?? 0) >= 400) {
          res.resume();
          end(new KubeApiError(res.statusCode ?? 0, undefined, `watch ${pathAndQuery}: HTTP ${res.statusCode}`));
          return;
        }
        res.setEncoding('utf8');
        res.on('data', watchLines(onEvent, end));
        res.on('end', () => end());
        res.on('error', (e) => end(e));
      });
      r.end();
    }, end);
    return {
      stop: () => {
        stopped = true;
        req?.destroy();
      },
    };
  }

  stream(pathAndQuery: string, onText: (text: string) => void): RawStream {
    let req: http.ClientRequest | undefined;
    let stopped = false;
    let finish!: () => void;
    let fail!: (e: Error) => void;
    const done = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    this.open('GET', pathAndQuery, { Accept: '*/*' }, false).then((r) => {
      req = r;
      r.on('error', (e) => (stopped ? finish() : fail(this.unreachable(e))));
      if (stopped) return void r.destroy();
      r.on('response', (res: http.IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status >= 400) {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            try {
              settleAnswer(status, parseText(Buffer.concat(chunks).toString('utf8')), `GET ${pathAndQuery}`);
            } catch (e) {
              fail(e as Error);
            }
          });
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => onText(chunk));
        res.on('end', () => finish());
        res.on('close', () => finish());
        res.on('error', (e) => (stopped ? finish() : fail(e)));
      });
      r.end();
    }, fail);
    return {
      stop: () => {
        stopped = true;
        req?.destroy();
        finish();
      },
      done,
    };
  }

  close(): void {
    this.agent.destroy();
  }
}

/** Connection options of a bearer token and the CA the server's certificate is signed by. */
export function tokenAuth(token: string, ca: string): ConnectionOptions {
  const options: https.RequestOptions = { ca, headers: { Authorization: `Bearer ${token}` } };
  return () => options;
}
