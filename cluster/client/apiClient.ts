// A small Kubernetes API client for the cluster's own components (controllers, scheduler, kubelets). They
// reach the API server like any other client, over HTTPS or, in the same process, through its request
// handler (localTransport.ts): no path into the store. In the same process, answers and watch events are
// the server's deep-frozen objects: callers copy before changing one (client-go's rule for informer objects).
import * as https from 'https';
import { ResourceInfo } from '../../kube/registry';
import { LocalApiServer } from './localTransport';
import { jsonValueOf } from '../../kube/copyJson';

export interface ClientConfig {
  server: string; // https://127.0.0.1:PORT
  token: string;
  ca: string;
  /** the API server of this process: requests go to its handler instead of over HTTPS */
  local?: LocalApiServer;
}

export class ApiRequestError extends Error {
  constructor(readonly status: number, readonly body: any) {
    super(body?.message ?? `HTTP ${status}`);
  }
}

/** Asks for PartialObjectMetadata instead of whole objects, as metadata informers do. */
const METADATA_ACCEPT = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

export type WatchEventHandler = (type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR', object: any) => void;

/** The URL path of a resource collection or item. */
export function resourcePath(info: ResourceInfo, namespace?: string, name?: string, subresource?: string): string {
  let p = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  if (info.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${info.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

export class ApiClient {
  private readonly agent: https.Agent;
  // watches hold their connection for as long as they run, so they must not queue behind (or starve)
  // ordinary requests in a bounded pool
  private readonly watchAgent: https.Agent;
  private readonly base: URL;

  constructor(private readonly config: ClientConfig, userAgent = 'slipway-controller') {
    this.base = new URL(config.server);
    this.agent = new https.Agent({ keepAlive: true, maxSockets: 32, ca: config.ca });
    this.watchAgent = new https.Agent({ keepAlive: false, ca: config.ca });
    this.userAgent = userAgent;
  }

  private readonly userAgent: string;

  request(method: string, path: string, body?: unknown, contentType = 'application/json', accept = 'application/json'): Promise<any> {
    if (this.config.local) {
      // in the same process a JSON body goes over as its value, copied now as serializing it now would
      if (body !== undefined && typeof body !== 'string' && method !== 'DELETE') return this.localRequest(this.config.local, method, path, undefined, contentType, accept, jsonValueOf(body));
      const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
      return this.localRequest(this.config.local, method, path, text, contentType, accept);
    }
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = https.request(
        {
          host: this.base.hostname,
          port: this.base.port,
          path,
          method,
          agent: this.agent,
          headers: {
            Authorization: `Bearer ${this.config.token}`,
            Accept: accept,
            'User-Agent': this.userAgent,
            ...(data !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {}),
          },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => settle(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8'), resolve, reject));
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  private headers(accept: string, hasBody: boolean, contentType: string): Record<string, string> {
    const h: Record<string, string> = { host: this.base.host, authorization: `Bearer ${this.config.token}`, accept, 'user-agent': this.userAgent };
    if (hasBody) h['content-type'] = contentType;
    return h;
  }

  private localRequest(server: LocalApiServer, method: string, path: string, data: string | undefined, contentType: string, accept: string, bodyValue?: unknown): Promise<any> {
    return new Promise((resolve, reject) => {
      let status = 0;
      let text = '';
      let value: any;
      let isObject = false;
      server.exchange({ method, url: path, headers: this.headers(accept, data !== undefined || bodyValue !== undefined, contentType), body: data, bodyValue }, {
        head: (code) => { status = code; },
        data: (chunk) => { text += chunk; },
        // JSON answers come as the server's read-only objects: nothing to parse
        object: (v) => { value = v; isObject = true; },
        end: () => {
          if (status === 0) reject(new Error(`the API server at ${this.config.server} is not serving`));
          else if (!isObject) settle(status, text, resolve, reject);
          else if (status >= 400) reject(new ApiRequestError(status, value));
          else resolve(value);
        },
      });
    });
  }

  get(path: string): Promise<any> {
    return this.request('GET', path);
  }

  list(path: string, query: Record<string, string> = {}, metadataOnly = false): Promise<any> {
    const qs = new URLSearchParams(query).toString();
    return this.request('GET', qs ? `${path}?${qs}` : path, undefined, undefined, metadataOnly ? METADATA_ACCEPT : 'application/json');
  }

  create(path: string, obj: any): Promise<any> {
    return this.request('POST', path, obj);
  }

  update(path: string, obj: any): Promise<any> {
    return this.request('PUT', path, obj);
  }

  patch(path: string, patch: unknown, type: 'merge' | 'strategic' | 'json' = 'merge'): Promise<any> {
    const ct = { merge: 'application/merge-patch+json', strategic: 'application/strategic-merge-patch+json', json: 'application/json-patch+json' }[type];
    return this.request('PATCH', path, patch, ct);
  }

  delete(path: string, options: Record<string, unknown> = {}): Promise<any> {
    return this.request('DELETE', path, { kind: 'DeleteOptions', apiVersion: 'v1', ...options });
  }

  /** Streams watch events until stop() or the server ends the stream; onEnd tells why it ended. */
  watch(path: string, query: Record<string, string>, onEvent: WatchEventHandler, onEnd: (err?: Error) => void, metadataOnly = false): { stop(): void } {
    const qs = new URLSearchParams({ ...query, watch: 'true', allowWatchBookmarks: 'true' }).toString();
    const accept = metadataOnly ? METADATA_ACCEPT : 'application/json';
    if (this.config.local) return this.localWatch(this.config.local, `${path}?${qs}`, accept, onEvent, onEnd);
    let stopped = false;
    const req = https.request(
      {
        host: this.base.hostname,
        port: this.base.port,
        path: `${path}?${qs}`,
        method: 'GET',
        agent: this.watchAgent,
        headers: { Authorization: `Bearer ${this.config.token}`, Accept: accept, 'User-Agent': this.userAgent },
      },
      (res) => {
        if ((res.statusCode ?? 0) >= 400) {
          res.resume();
          onEnd(new ApiRequestError(res.statusCode ?? 0, { message: `watch failed with HTTP ${res.statusCode}` }));
          return;
        }
        res.setEncoding('utf8');
        // the caller re-lists after a watch that ended
        res.on('data', watchLines(onEvent, (e) => req.destroy(e)));
        res.on('end', () => !stopped && onEnd());
        res.on('error', (e) => !stopped && onEnd(e));
      },
    );
    req.on('error', (e) => !stopped && onEnd(e));
    req.end();
    return {
      stop: () => {
        stopped = true;
        req.destroy();
      },
    };
  }

  private localWatch(server: LocalApiServer, url: string, accept: string, onEvent: WatchEventHandler, onEnd: (err?: Error) => void): { stop(): void } {
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
    const exchange = server.exchange({ method: 'GET', url, headers: this.headers(accept, false, '') }, {
      head: (code) => { status = code; },
      data: (chunk) => { if (status < 400 && !failed && !stopped) lines(chunk); },
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
        if (status === 0) onEnd(new Error(`the API server at ${this.config.server} is not serving`));
        else if (status >= 400) onEnd(new ApiRequestError(status, { message: `watch failed with HTTP ${status}` }));
        else onEnd();
      },
    });
    return {
      stop: () => {
        stopped = true;
        exchange.close();
      },
    };
  }

  close(): void {
    this.agent.destroy();
    this.watchAgent.destroy();
  }
}

/** Resolves with the parsed body, or rejects with the Status of an error answer. */
function settle(status: number, text: string, resolve: (v: any) => void, reject: (e: Error) => void): void {
  let parsed: any = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // plain text (logs)
  }
  if (status >= 400) reject(new ApiRequestError(status, parsed));
  else resolve(parsed);
}

/** Splits a watch stream into its newline-delimited JSON events; a line that cannot be handled ends the watch. */
function watchLines(onEvent: WatchEventHandler, onMalformed: (e: Error) => void): (chunk: string) => void {
  let buf = '';
  return (chunk) => {
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!line.trim()) continue;
      try {
        const ev = JSON.parse(line);
        onEvent(ev.type, ev.object);
      } catch (e) {
        onMalformed(e as Error);
        return;
      }
    }
  };
}
