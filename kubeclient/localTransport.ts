// The transport between a client and an API server in the same process: the request a client would send
// (method, path, headers, body) goes to the server's request handler, and the answer comes back with the same
// status, without TLS, sockets or HTTP framing. Authentication, admission and everything else the handler does
// stay as they are for any client. JSON answers and watch events come as the server's own read-only
// (deep-frozen) objects instead of text to parse again, as client-go's informers share read-only objects:
// callers copy before changing one. The server is injected as its exchange function, so this module knows
// nothing of the cluster.
import { jsonValueOf } from '../kube/copyJson';
import { KubeApiError, settleAnswer } from './apiError';
import type { RawStream, Request, Transport, WatchEventHandler, WatchHandle } from './transport';
import { watchLines } from './watchLines';

export interface LocalRequest {
  method: string;
  /** path and query, as in an HTTP request line */
  url: string;
  /** lower-case names, as Node's IncomingMessage has them */
  headers: Record<string, string>;
  body?: string;
  /**
   * A JSON body as the value JSON.parse would give for its text, instead of body: the server takes it
   * over (the client keeps no reference to it).
   */
  bodyValue?: unknown;
}

/** Where the server's answer goes, piece by piece (a watch or a followed log sends many pieces). */
export interface LocalResponseSink {
  head(status: number): void;
  data(chunk: string): void;
  /**
   * When present, a JSON answer comes as one call with the deep-frozen value (instead of data), and each
   * watch event as one call with { type, object }, object deep-frozen.
   */
  object?(value: any): void;
  end(): void;
}

/** Serves one request; close() is the client going away (ends a watch). */
export type LocalExchange = (req: LocalRequest, sink: LocalResponseSink) => { close(): void };

export class LocalTransport implements Transport {
  private readonly host: string;

  constructor(
    private readonly exchange: LocalExchange,
    /** the server's URL, for the host header and messages */
    readonly server: string,
    private readonly token: string,
    private readonly userAgent: string,
  ) {
    this.host = new URL(server).host;
  }

  private headers(accept: string, hasBody: boolean, contentType: string): Record<string, string> {
    const h: Record<string, string> = {
      host: this.host,
      authorization: `Bearer ${this.token}`,
      accept,
      'user-agent': this.userAgent,
    };
    if (hasBody) h['content-type'] = contentType;
    return h;
  }

  private notServing(): Error {
    return new KubeApiError(0, undefined, `the API server at ${this.server} is not serving`);
  }

  request({ method, path, body, contentType, accept }: Request): Promise<any> {
    // a JSON body goes over as its value, copied now as serializing it now would
    const asValue = body !== undefined && typeof body !== 'string' && method !== 'DELETE';
    const text = body === undefined || asValue ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const bodyValue = asValue ? jsonValueOf(body) : undefined;
    return new Promise((resolve, reject) => {
      let status = 0;
      let data = '';
      let value: any;
      let isObject = false;
      const headers = this.headers(accept, body !== undefined, contentType);
      const req = { method, url: path, headers, body: text, bodyValue };
      this.exchange(req, {
        head: (code) => {
          status = code;
        },
        data: (chunk) => {
          data += chunk;
        },
        // JSON answers come as the server's read-only objects: nothing to parse
        object: (v) => {
          value = v;
          isObject = true;
        },
        end: () => {
          if (status === 0) return reject(this.notServing());
          try {
            resolve(settleAnswer(status, isObject ? value : parseText(data), `${method} ${path}`));
          } catch (e) {
            reject(e);
          }
        },
      });
    });
  }

  watch(pathAndQuery: string, accept: string, onEvent: WatchEventHandler, onEnd: (err?: Error) => void): WatchHandle {
    let stopped = false;
    let status = 0;
    let failed = false;
    const fail = (e: Error) => {
      if (failed) return;
      failed = true;
      exchange.close();
      if (!stopped) onEnd(e);
    };
    const lines = watchLines(onEvent, fail);
    const exchange = this.exchange(
      { method: 'GET', url: pathAndQuery, headers: this.headers(accept, false, '') },
      {
        head: (code) => {
          status = code;
        },
        data: (chunk) => {
          if (status < 400 && !failed && !stopped) lines(chunk);
        },
        // events come as the server's read-only objects; a handler that throws ends the watch, as a bad line does
        object: (ev) => {
          if (status >= 400 || failed || stopped) return;
          try {
            onEvent(ev.type, ev.object);
          } catch (e) {
            fail(e as Error);
          }
        },
        end: () => {
          if (stopped || failed) return;
          failed = true;
          if (status === 0) onEnd(this.notServing());
          else if (status >= 400) onEnd(new KubeApiError(status, undefined, `watch ${pathAndQuery}: HTTP ${status}`));
          else onEnd();
        },
      },
    );
    return {
      stop: () => {
        stopped = true;
        exchange.close();
      },
    };
  }

  stream(pathAndQuery: string, onText: (text: string) => void): RawStream {
    let status = 0;
    let errorText = '';
    let finish!: () => void;
    let fail!: (e: Error) => void;
    const done = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    const exchange = this.exchange(
      { method: 'GET', url: pathAndQuery, headers: this.headers('*/*', false, '') },
      {
        head: (code) => {
          status = code;
        },
        data: (chunk) => {
          if (status >= 400) errorText += chunk;
          else onText(chunk);
        },
        end: () => {
          if (status === 0) return fail(this.notServing());
          try {
            settleAnswer(status, parseText(errorText), `GET ${pathAndQuery}`);
            finish();
          } catch (e) {
            fail(e as Error);
          }
        },
      },
    );
    return {
      stop: () => {
        exchange.close();
        finish();
      },
      done,
    };
  }

  close(): void {
    // nothing held open between requests
  }
}

/** JSON text as its value; other text (pod logs) as is. */
export function parseText(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
