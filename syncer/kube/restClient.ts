// The syncer's one path to a cluster, embedded or real: the Kubernetes REST API, authenticated by
// @kubernetes/client-node's KubeConfig (certificates, tokens, exec plugins). Requests go over one keep-alive
// agent so a sync of thousands of objects does not pay a TLS handshake each; watches get their own connections.
import * as http from 'http';
import * as https from 'https';
import * as k8s from '@kubernetes/client-node';
import { splitApiVersion } from '../../kube/registry';

export class KubeApiError extends Error {
  constructor(readonly status: number, readonly reason: string, message: string, readonly body?: any) {
    super(message);
  }
}

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

export interface ResourceType {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export type WatchHandler = (type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR', object: any) => void;

interface Connection {
  url: URL;
  options: https.RequestOptions;
  expires: number;
}

const AUTH_REFRESH_MS = 30_000;

export class RestClient {
  private conn?: Connection;
  private readonly agent: http.Agent;
  private readonly discovery = new Map<string, Promise<Map<string, ResourceType>>>();

  constructor(readonly kubeConfig: k8s.KubeConfig, readonly userAgent = 'slipway-syncer') {
    const cluster = kubeConfig.getCurrentCluster();
    if (!cluster) throw new Error('the kubeconfig names no current cluster: pass --context or set current-context');
    const secure = cluster.server.startsWith('https:');
    this.agent = secure ? new https.Agent({ keepAlive: true, maxSockets: 16 }) : new http.Agent({ keepAlive: true, maxSockets: 16 });
  }

  get server(): string {
    return this.kubeConfig.getCurrentCluster()!.server;
  }

  private async connection(): Promise<Connection> {
    if (this.conn && this.conn.expires > Date.now()) return this.conn;
    const options: https.RequestOptions = {};
    await this.kubeConfig.applyToHTTPSOptions(options);
    this.conn = { url: new URL(this.server), options, expires: Date.now() + AUTH_REFRESH_MS };
    return this.conn;
  }

  private async requestOptions(method: string, path: string, headers: Record<string, string | number>, agent: http.Agent | false): Promise<{ mod: typeof https | typeof http; opts: https.RequestOptions }> {
    const c = await this.connection();
    const secure = c.url.protocol === 'https:';
    const basePath = c.url.pathname.replace(/\/$/, '');
    return {
      mod: secure ? https : http,
      opts: {
        ...c.options,
        method,
        protocol: c.url.protocol,
        hostname: c.url.hostname,
        port: c.url.port || (secure ? 443 : 80),
        path: basePath + path,
        agent,
        headers: { ...(c.options.headers as Record<string, string> | undefined), 'User-Agent': this.userAgent, Accept: 'application/json', ...headers },
      },
    };
  }

  async request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<any> {
    const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    const headers: Record<string, string | number> = data !== undefined ? { 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(data) } : {};
    const { mod, opts } = await this.requestOptions(method, path, headers, this.agent);
    return new Promise((resolve, reject) => {
      const req = mod.request(opts, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let parsed: any = text;
          try {
            parsed = text ? JSON.parse(text) : undefined;
          } catch {
            // plain text (pod logs)
          }
          const status = res.statusCode ?? 0;
          if (status >= 400) {
            const message = typeof parsed === 'object' && parsed?.message ? parsed.message : `${method} ${path}: HTTP ${status}`;
            reject(new KubeApiError(status, parsed?.reason ?? '', message, parsed));
          } else resolve(parsed);
        });
        res.on('error', reject);
      });
      req.on('error', (e) => reject(new KubeApiError(0, 'Unreachable', `cannot reach the cluster at ${this.server}: ${e.message}`)));
      if (data !== undefined) req.write(data);
      req.end();
    });
  }

  /** The resource behind apiVersion/kind, from discovery; undefined when the cluster does not serve it. */
  async resourceType(apiVersion: string, kind: string): Promise<ResourceType | undefined> {
    let found = (await this.groupVersion(apiVersion)).get(kind);
    if (!found) {
      // a CRD created since we last looked: ask again once
      this.discovery.delete(apiVersion);
      found = (await this.groupVersion(apiVersion)).get(kind);
    }
    return found;
  }

  private groupVersion(apiVersion: string): Promise<Map<string, ResourceType>> {
    let p = this.discovery.get(apiVersion);
    if (!p) {
      const path = apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
      p = this.request('GET', path).then(
        (list) => {
          const m = new Map<string, ResourceType>();
          for (const r of list?.resources ?? []) {
            if (r.name.includes('/')) continue;
            m.set(r.kind, { apiVersion, kind: r.kind, plural: r.name, namespaced: !!r.namespaced });
          }
          return m;
        },
        (e) => {
          this.discovery.delete(apiVersion);
          if (e instanceof KubeApiError && e.status === 404) return new Map<string, ResourceType>();
          throw e;
        },
      );
      this.discovery.set(apiVersion, p);
    }
    return p;
  }

  async typeOrThrow(apiVersion: string, kind: string): Promise<ResourceType> {
    const t = await this.resourceType(apiVersion, kind);
    if (!t) throw new KubeApiError(404, 'NotFound', `the cluster does not serve ${kind} in ${apiVersion}`);
    return t;
  }

  /** URL path of a collection (name undefined) or an object; namespace is ignored for cluster-scoped kinds. */
  async path(ref: { apiVersion: string; kind: string; namespace?: string; name?: string }, subresource?: string): Promise<string> {
    const t = await this.typeOrThrow(ref.apiVersion, ref.kind);
    return typePath(t, ref.namespace, ref.name, subresource);
  }

  get(ref: ObjectRef): Promise<any> {
    return this.path(ref).then((p) => this.request('GET', p));
  }

  /** get, with undefined for NotFound */
  async find(ref: ObjectRef): Promise<any | undefined> {
    try {
      return await this.get(ref);
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  async list(apiVersion: string, kind: string, opts: { namespace?: string; labelSelector?: string } = {}): Promise<any> {
    const t = await this.typeOrThrow(apiVersion, kind);
    const q = opts.labelSelector ? `?labelSelector=${encodeURIComponent(opts.labelSelector)}` : '';
    return this.request('GET', typePath(t, opts.namespace) + q);
  }

  /** Server-side apply: the object becomes exactly what this manager says of it. */
  async apply(obj: any, opts: { fieldManager: string; force?: boolean; dryRun?: boolean }): Promise<any> {
    const p = await this.path({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata?.namespace, name: obj.metadata?.name });
    const q = new URLSearchParams({ fieldManager: opts.fieldManager, ...(opts.force !== false ? { force: 'true' } : {}), ...(opts.dryRun ? { dryRun: 'All' } : {}) });
    return this.request('PATCH', `${p}?${q}`, obj, 'application/apply-patch+yaml');
  }

  async mergePatch(ref: ObjectRef, patch: unknown, subresource?: string): Promise<any> {
    return this.request('PATCH', await this.path(ref, subresource), patch, 'application/merge-patch+json');
  }

  async create(obj: any): Promise<any> {
    return this.request('POST', await this.path({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: obj.metadata?.namespace }), obj);
  }

  async delete(ref: ObjectRef, propagationPolicy: 'Background' | 'Foreground' | 'Orphan' = 'Background'): Promise<void> {
    try {
      await this.request('DELETE', await this.path(ref), { apiVersion: 'v1', kind: 'DeleteOptions', propagationPolicy });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e;
    }
  }

  /**
   * Streams watch events of a collection path (with its query) until stop() or the server ends it;
   * onEnd tells the caller to re-list or re-watch.
   */
  watch(path: string, query: Record<string, string>, onEvent: WatchHandler, onEnd: (err?: Error) => void): { stop(): void } {
    let req: http.ClientRequest | undefined;
    let stopped = false;
    let ended = false;
    const end = (err?: Error) => {
      if (ended) return;
      ended = true;
      if (!stopped) onEnd(err);
    };
    const q = new URLSearchParams({ ...query, watch: 'true', allowWatchBookmarks: 'true' });
    this.requestOptions('GET', `${path}?${q}`, {}, false).then(
      ({ mod, opts }) => {
        if (stopped) return;
        req = mod.request(opts, (res) => {
          if ((res.statusCode ?? 0) >= 400) {
            res.resume();
            end(new KubeApiError(res.statusCode ?? 0, '', `watch ${path}: HTTP ${res.statusCode}`));
            return;
          }
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buf += chunk;
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl).trim();
              buf = buf.slice(nl + 1);
              if (!line) continue;
              try {
                const ev = JSON.parse(line);
                onEvent(ev.type, ev.object);
              } catch {
                // a torn line cannot happen with newline framing; ignore junk rather than kill the stream
              }
            }
          });
          res.on('end', () => end());
          res.on('error', (e) => end(e));
        });
        req.on('error', (e) => end(e));
        req.end();
      },
      (e) => end(e),
    );
    return {
      stop() {
        stopped = true;
        req?.destroy();
      },
    };
  }

  close(): void {
    this.agent.destroy();
  }

  /**
   * GET of a plain-text resource (pods/log) handed over chunk by chunk as it arrives, so `follow` streams can
   * stay open; its own connection, like a watch. `done` rejects with a KubeApiError on an HTTP error.
   */
  getStream(path: string, query: Record<string, string>, onText: (text: string) => void): RawStream {
    let req: http.ClientRequest | undefined;
    let stopped = false;
    let finish!: () => void;
    let fail!: (e: Error) => void;
    const done = new Promise<void>((resolve, reject) => {
      finish = resolve;
      fail = reject;
    });
    const q = new URLSearchParams(query).toString();
    this.requestOptions('GET', q ? `${path}?${q}` : path, { Accept: '*/*' }, false).then(({ mod, opts }) => {
      if (stopped) return finish();
      req = mod.request(opts, (res) => {
        const status = res.statusCode ?? 0;
        if (status >= 400) {
          const chunks: Buffer[] = [];
          res.on('data', (c) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: any;
            try {
              body = JSON.parse(text);
            } catch {
              // not a Status object
            }
            fail(new KubeApiError(status, body?.reason ?? '', body?.message ?? `GET ${path}: HTTP ${status}`, body));
          });
          return;
        }
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => onText(chunk));
        res.on('end', () => finish());
        res.on('close', () => finish());
        res.on('error', (e) => (stopped ? finish() : fail(e)));
      });
      req.on('error', (e) => (stopped ? finish() : fail(new KubeApiError(0, 'Unreachable', `cannot reach the cluster at ${this.server}: ${e.message}`))));
      req.end();
    }, fail);
    return {
      stop() {
        stopped = true;
        req?.destroy();
        finish();
      },
      done,
    };
  }
}

export interface RawStream {
  /** ends the request; `done` then resolves */
  stop(): void;
  /** resolves when the server ends the response or stop() is called */
  done: Promise<void>;
}

export function typePath(t: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  const { group, version } = splitApiVersion(t.apiVersion);
  let p = group ? `/apis/${group}/${version}` : `/api/${version}`;
  if (t.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${t.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

export function loadKubeConfig(file?: string, context?: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  if (context) {
    if (!kc.getContexts().some((c) => c.name === context)) {
      throw new Error(`no context "${context}" in the kubeconfig; contexts: ${kc.getContexts().map((c) => c.name).join(', ') || 'none'}`);
    }
    kc.setCurrentContext(context);
  }
  return kc;
}
