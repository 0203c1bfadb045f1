// The embedded cluster's API server: Kubernetes REST over HTTPS on loopback with bearer-token auth.
import { clock } from '../clock';
import type { Binding, Pod, PodCondition } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../kube/objects';
import type { DeleteOptions as MetaDeleteOptions, ListMeta } from 'kubernetes-types/meta/v1';
import * as https from 'https';
import type { IncomingMessage, ServerResponse } from 'http';
import type { AddressInfo } from 'net';
import { ResourceInfo, ResourceRegistry, apiVersionOf } from '../../kube/registry';
import { KUBERNETES_VERSION } from '../../kube/schemas';
import { openapiDocument, openapiIndex } from '../../kube/openapi';
import {
  parseLabelSelector,
  matchesLabels,
  fromLabelSelector,
  selectorToString,
  selectorFromMap,
} from '../../kube/labelSelector';
import { parseFieldSelector, matchesFields } from '../../kube/fieldSelector';
import { Store, StoreError } from '../store/types';
import { bearerMatches } from '../security/token';
import { ApiError, badRequest, internalError, methodNotAllowed, pathNotFound, unauthorized } from './apiErrors';
import { healthResponse, isHealthPath, type HealthCheck } from './health';
import { BodyValue, decodeBody, mediaType, RawBody, readBody } from './body';
import { LocalResponse, localIncoming, objectResponse } from './localExchange';
import { deepFreeze, storedJson } from '../store/values';
import type { LocalRequest, LocalResponseSink } from '../../kubeclient/localTransport';
import { intQueryParam, parseResourcePath, RequestInfo } from './requestInfo';
import { awaitRevision, readResourceVersion } from './resourceVersion';
import {
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  legacyApiVersions,
  wantsAggregated,
} from './discovery';
import { ObjectStorage, storageKey, withTypeMeta, nowTimestamp, DeleteOptions, StorageHooks } from './objectStorage';
import { parseFieldValidation } from './admission';
import { patchObject, patchTypeOf } from './patching';
import { serveWatch } from './watch';
import { OpenStreams } from './responseStream';
import { parseLogQuery, servePodLogs, type Pod as LoggedPod } from './podLogs';
import { toTable, tableForCustomResource } from './tables';
import type { Table } from './tables/types';
import { CustomResources, establishedStatus, type Crd } from './customResources';
import { copyJson } from '../../kube/copyJson';

export interface ApiServerOptions {
  store: Store;
  host?: string;
  port?: number;
  tls: { cert: string; key: string };
  token: string;
  /** folder of container log files (see cluster/logs/podLogFiles) */
  logsDir: string;
  /** server-side allocators (Service cluster IPs, node ports) */
  hooks?: StorageHooks[];
}

const TABLE_RE = /as=Table/;
const METADATA_RE = /as=PartialObjectMetadata(List)?/;

/** What metadata-only clients (the garbage collector) get instead of whole objects. */
function partialObjectMetadata(obj: KubeObject): object {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  warnings: string[];
}

export class ApiServer {
  readonly registry = new ResourceRegistry();
  readonly customResources = new CustomResources(this.registry);
  private readonly storage: ObjectStorage;
  private server?: https.Server;
  private ready = false;
  private openapiCache = new Map<string, { body: string; hash: string }>();
  /** watches and log follows being served, with what they buffer for their clients */
  readonly streams = new OpenStreams();
  /** responses to in-process clients still open (watches), ended when the server stops */
  private readonly localOpen = new Set<LocalResponse>();

  constructor(private readonly opts: ApiServerOptions) {
    this.storage = new ObjectStorage(
      opts.store,
      (info) => this.customResources.lookup(info)?.schema ?? (info.custom ? null : undefined),
      opts.hooks,
    );
  }

  get store(): Store {
    return this.opts.store;
  }

  /** Registers CRDs already stored, creates the default namespaces and starts listening. */
  async start(): Promise<string> {
    for (const e of this.opts.store.list('/registry/apiextensions.k8s.io/customresourcedefinitions/').items)
      this.customResources.register(e.value);
    await this.ensureNamespaces(['default', 'kube-system', 'kube-public', 'kube-node-lease']);
    this.server = https.createServer(
      { cert: this.opts.tls.cert, key: this.opts.tls.key, keepAlive: true },
      (req, res) => {
        // an 'error' event without a listener would end the whole process; a stream error concerns one request
        req.on('error', this.onStreamError);
        res.on('error', this.onStreamError);
        this.handle(req, res).catch((err) => this.fail(res, err));
      },
    );
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject);
      this.server!.listen(this.opts.port ?? 0, this.opts.host ?? '127.0.0.1', () => resolve());
    });
    this.ready = true;
    return this.url;
  }

  /**
   * Serves a request of a component in the same process through the same handler as HTTPS requests
   * (authentication included), without TLS or sockets. Starts on a later microtask, as a request on the
   * wire would, so no answer ever arrives inside the caller's own call.
   */
  exchange(req: LocalRequest, sink: LocalResponseSink): { close(): void } {
    const res = new LocalResponse(sink);
    res.on('error', this.onStreamError);
    this.localOpen.add(res);
    res.once('close', () => this.localOpen.delete(res));
    queueMicrotask(() => {
      if (res.writableEnded) return;
      if (!this.ready) {
        res.destroy();
        sink.end();
        return;
      }
      const out = res.asServerResponse();
      this.handle(localIncoming(req), out).catch((err) => this.fail(out, err));
    });
    return { close: () => res.destroy() };
  }

  get url(): string {
    const a = this.server!.address() as AddressInfo;
    return `https://127.0.0.1:${a.port}`;
  }

  async stop(): Promise<void> {
    this.ready = false;
    for (const res of [...this.localOpen]) res.end();
    if (!this.server) return;
    await new Promise<void>((resolve) => {
      this.server!.close(() => resolve());
      this.server!.closeAllConnections();
    });
  }

  private async ensureNamespaces(names: string[]): Promise<void> {
    const ns = this.registry.byResource('', 'v1', 'namespaces')!;
    for (const name of names) {
      if (this.storage.tryGet(ns, undefined, name)) continue;
      await this.storage.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, {});
    }
  }

  private readonly onStreamError = (err: Error & { code?: string }): void => {
    // a client going away mid-request is ordinary; anything else (a write after the end) is a bug to report
    if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || err.code === 'ERR_STREAM_DESTROYED') return;
    this.streams.errors++;
    console.error(`apiserver: response stream: ${err.code ?? ''} ${err.message}`);
  };

  private fail(res: ServerResponse, err: unknown): void {
    const e = err instanceof ApiError ? err : internalError(err instanceof Error ? err.message : String(err));
    // a store that cannot write says so once itself, not once per request refused
    const storeRefused = err instanceof StoreError && err.code === 'Unavailable';
    if (!(err instanceof ApiError) && !storeRefused) console.error('apiserver:', err);
    if (res.headersSent) {
      res.end();
      return;
    }
    if (!this.sendObject(res, e.code, e.toStatus())) this.sendJson(res, e.code, e.toStatus());
  }

  /**
   * An in-process client that takes objects gets the answer as a read-only value: stored objects are
   * deep-frozen already, and freezing stops at them, so only the fresh wrapper (a list, a Status) is frozen.
   */
  private sendObject(res: ServerResponse, code: number, body: unknown): boolean {
    const local = objectResponse(res);
    if (!local) return false;
    local.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
    local.writeObject(deepFreeze(body));
    local.end();
    return true;
  }

  private sendJson(
    res: ServerResponse,
    code: number,
    body: unknown,
    contentType = 'application/json',
    extraHeaders: Record<string, string> = {},
  ): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body);
    res.writeHead(code, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache, private',
      ...extraHeaders,
    });
    res.end(text);
  }

  private reply(ctx: Ctx, code: number, body: unknown): void {
    const headers: Record<string, string> = {};
    if (ctx.warnings.length) {
      // one header value per warning, as the real server does (kubectl prints each one)
      ctx.res.setHeader(
        'Warning',
        ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`),
      );
    }
    if (this.sendObject(ctx.res, code, body)) return;
    // a stored object as it was written: no need to serialize it again
    this.sendJson(ctx.res, code, storedJson(body) ?? body, 'application/json', headers);
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://localhost');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    if (isHealthPath(path)) {
      const checks: HealthCheck[] = [{ name: 'ping', failure: undefined }];
      if (path.startsWith('/readyz')) {
        checks.push({ name: 'etcd', failure: this.opts.store.writeFailure });
        const started = this.ready ? undefined : 'not started, or shutting down';
        checks.push({ name: 'poststarthook/slipway-started', failure: started });
      }
      const { status, body } = healthResponse(path, url.searchParams.has('verbose'), checks);
      res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end(body);
      return;
    }
    if (!bearerMatches(req.headers.authorization, this.opts.token)) throw unauthorized();
    const ctx: Ctx = { req, res, url, warnings: [] };
    const method = req.method ?? 'GET';

    if (path === '/version') return this.sendJson(res, 200, this.version());
    if (path === '/api' || path === '/apis') {
      if (method !== 'GET') throw methodNotAllowed();
      const agg = wantsAggregated(req.headers.accept);
      if (agg) return this.sendJson(res, 200, aggregatedDiscovery(this.registry, path === '/api', agg), agg);
      return this.sendJson(
        res,
        200,
        path === '/api' ? legacyApiVersions(req.headers.host ?? '127.0.0.1') : apiGroupList(this.registry),
      );
    }
    if (path === '/openapi/v3' || path.startsWith('/openapi/v3/')) return this.serveOpenApi(ctx, path);
    if (path === '/openapi/v2') throw pathNotFound();

    const parts = path.split('/').filter(Boolean);
    if (parts[0] === 'apis' && parts.length === 2) {
      const g = apiGroup(this.registry, parts[1]);
      if (!g) throw pathNotFound();
      return this.sendJson(res, 200, g);
    }
    if ((parts[0] === 'api' && parts.length === 2) || (parts[0] === 'apis' && parts.length === 3)) {
      const [group, version] = parts[0] === 'api' ? ['', parts[1]] : [parts[1], parts[2]];
      const doc = apiResourceList(this.registry, group, version);
      if (!doc) throw pathNotFound();
      return this.sendJson(res, 200, doc);
    }

    const ri = parseResourcePath(path);
    if (!ri) throw pathNotFound();
    const info = this.registry.byResource(ri.group, ri.version, ri.resource);
    if (!info) throw pathNotFound();
    if (info.namespaced && ri.name !== undefined && ri.namespace === undefined) throw pathNotFound();
    if (!info.namespaced && ri.namespace !== undefined) throw pathNotFound();
    return this.serveResource(ctx, method, ri, info);
  }

  version() {
    const v = KUBERNETES_VERSION;
    return {
      major: v.major,
      minor: v.minor,
      gitVersion: v.gitVersion,
      gitCommit: 'slipway',
      gitTreeState: 'clean',
      buildDate: '2025-08-27T00:00:00Z',
      goVersion: 'node' + process.versions.node,
      compiler: 'slipway',
      platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
    };
  }

  private serveOpenApi(ctx: Ctx, path: string): void {
    const gvs = this.registry
      .groups()
      .flatMap((g) => g.versions.map((v) => (g.group ? `apis/${g.group}/${v}` : `api/${v}`)));
    if (path === '/openapi/v3') {
      const hashes = new Map<string, string>();
      for (const gv of gvs) hashes.set(gv, this.openapiFor(gv).hash);
      return this.sendJson(ctx.res, 200, openapiIndex(gvs, hashes));
    }
    const gv = path.slice('/openapi/v3/'.length);
    if (!gvs.includes(gv)) throw pathNotFound();
    const doc = this.openapiFor(gv);
    const hashed = ctx.url.searchParams.get('hash') === doc.hash;
    ctx.res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(doc.body),
      ETag: `"${doc.hash}"`,
      // hashed URLs never change, so clients may cache them forever, as with the real server
      'Cache-Control': hashed ? 'public, immutable' : 'no-cache, private',
    });
    ctx.res.end(doc.body);
  }

  private openapiFor(gv: string): { body: string; hash: string } {
    const cached = this.openapiCache.get(gv);
    if (cached) return cached;
    const [group, version] = gv.startsWith('api/') ? ['', gv.slice(4)] : gv.slice(5).split('/');
    const resources = this.registry.all().filter((r) => r.group === group && r.version === version);
    const doc = openapiDocument(
      group ? `${group}/${version}` : version,
      resources,
      this.customResources.schemasFor(group, version),
    );
    const body = JSON.stringify(doc);
    const hash = require('crypto').createHash('sha512').update(body).digest('hex').slice(0, 64).toUpperCase();
    const entry = { body, hash };
    this.openapiCache.set(gv, entry);
    return entry;
  }

  private invalidateOpenApi(): void {
    this.openapiCache.clear();
  }

  private wantsMetadataOnly(ctx: Ctx): boolean {
    return METADATA_RE.test(String(ctx.req.headers.accept ?? ''));
  }

  private wantsTable(ctx: Ctx): boolean {
    return TABLE_RE.test(String(ctx.req.headers.accept ?? ''));
  }

  private renderTable(
    info: ResourceInfo,
    objects: KubeObject[],
    listMeta: ListMeta,
    noHeaders = false,
    includeObject?: string,
  ): Table {
    const custom = info.custom ? this.customResources.lookup(info) : undefined;
    // kubectl asks for whole objects in rows (includeObject=Object) when it sorts or filters client-side
    const opts =
      includeObject === 'Object' || includeObject === 'None'
        ? { includeObject: includeObject as 'Object' | 'None' }
        : undefined;
    const now = new Date(clock().now());
    const table = custom
      ? tableForCustomResource(info, objects, custom.printerColumns, listMeta, now, opts)
      : toTable(info, objects, listMeta, now, opts);
    if (noHeaders) table.columnDefinitions = [];
    return table;
  }

  private async serveResource(ctx: Ctx, method: string, ri: RequestInfo, info: ResourceInfo): Promise<void> {
    const q = ctx.url.searchParams;
    const ns = info.namespaced ? ri.namespace : undefined;
    if (ri.subresource) return this.serveSubresource(ctx, method, ri, info);
    if (ri.name === undefined) {
      switch (method) {
        case 'GET': {
          const watch = q.get('watch');
          if (watch === 'true' || watch === '1') return this.serveWatchRequest(ctx, info, ns);
          await this.awaitReadVersion(ctx);
          return this.serveList(ctx, info, ns);
        }
        case 'POST': {
          const body = decodeBody(await readBody(ctx.req), ctx.req.headers['content-type']);
          const r = await this.storage.create(info, ns, body, this.writeOptions(ctx));
          ctx.warnings.push(...r.warnings);
          await this.afterWrite(info, r.object, undefined);
          return this.reply(ctx, 201, r.object);
        }
        case 'DELETE':
          return this.deleteCollection(ctx, info, ns);
        default:
          throw methodNotAllowed();
      }
    }
    const name = ri.name;
    switch (method) {
      case 'GET': {
        await this.awaitReadVersion(ctx);
        const obj = this.storage.get(info, ns, name);
        if (this.wantsMetadataOnly(ctx)) return this.reply(ctx, 200, partialObjectMetadata(obj));
        if (this.wantsTable(ctx))
          return this.reply(
            ctx,
            200,
            this.renderTable(
              info,
              [obj],
              { resourceVersion: obj.metadata.resourceVersion },
              false,
              q.get('includeObject') ?? undefined,
            ),
          );
        return this.reply(ctx, 200, obj);
      }
      case 'PUT': {
        const body = decodeBody(await readBody(ctx.req), ctx.req.headers['content-type'] ?? 'application/json');
        const old = this.storage.tryGet(info, ns, name);
        const r = await this.storage.update(info, ns, name, body, this.writeOptions(ctx));
        ctx.warnings.push(...r.warnings);
        await this.afterWrite(info, r.object, old);
        return this.reply(ctx, 200, r.object);
      }
      case 'PATCH': {
        const type = patchTypeOf(mediaType(ctx.req.headers['content-type']));
        const patch = decodeBody(await readBody(ctx.req), type === 'apply' ? 'application/yaml' : 'application/json');
        const old = this.storage.tryGet(info, ns, name);
        const r = await patchObject(this.storage, this.opts.store, info, ns, name, type, patch, {
          ...this.writeOptions(ctx),
          force: q.get('force') === 'true',
        });
        ctx.warnings.push(...r.warnings);
        await this.afterWrite(info, r.object, old);
        return this.reply(ctx, r.created ? 201 : 200, r.object);
      }
      case 'DELETE': {
        const buf = await readBody(ctx.req);
        const opts = this.deleteOptions(ctx, buf);
        const r = await this.storage.delete(info, ns, name, opts);
        if (!r.pending && !opts.dryRun) await this.afterDelete(info, r.object);
        return this.reply(ctx, r.pending ? 202 : 200, r.object);
      }
      default:
        throw methodNotAllowed();
    }
  }

  private writeOptions(ctx: Ctx) {
    const q = ctx.url.searchParams;
    const dryRun = q.getAll('dryRun');
    if (dryRun.some((d) => d !== 'All'))
      throw badRequest(
        `dryRun: Unsupported value: ${JSON.stringify(dryRun.find((d) => d !== 'All'))}: supported values: "All"`,
      );
    const manager = q.get('fieldManager') ?? defaultManager(ctx.req.headers['user-agent']);
    if (manager.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
    return {
      dryRun: dryRun.length > 0,
      fieldManager: manager,
      fieldValidation: parseFieldValidation(q.get('fieldValidation')),
    };
  }

  private deleteOptions(ctx: Ctx, buf: RawBody): DeleteOptions {
    const q = ctx.url.searchParams;
    // a DeleteOptions body as the client sent it: its policy is checked below, the rest is read as given
    let body: MetaDeleteOptions = {};
    if (buf instanceof BodyValue) body = buf.value as MetaDeleteOptions;
    else if (buf.length && buf.toString().trim())
      body = decodeBody(buf, ctx.req.headers['content-type'] ?? 'application/json') as MetaDeleteOptions;
    const policy =
      body.propagationPolicy ??
      q.get('propagationPolicy') ??
      (body.orphanDependents === true || q.get('orphanDependents') === 'true' ? 'Orphan' : undefined);
    if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
      throw badRequest(
        `propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: supported values: "Foreground", "Background", "Orphan"`,
      );
    }
    const g = body.gracePeriodSeconds ?? intQueryParam(q, 'gracePeriodSeconds');
    const dry = [...(body.dryRun ?? []), ...q.getAll('dryRun')];
    return {
      propagationPolicy: policy as DeleteOptions['propagationPolicy'],
      gracePeriodSeconds: g,
      preconditions: body.preconditions,
      dryRun: dry.includes('All'),
    };
  }

  private selectors(ctx: Ctx, info: ResourceInfo): (obj: KubeObject) => boolean {
    const q = ctx.url.searchParams;
    let labelSel: ReturnType<typeof parseLabelSelector> | undefined;
    let fieldSel: ReturnType<typeof parseFieldSelector> | undefined;
    try {
      const ls = q.get('labelSelector');
      labelSel = ls ? parseLabelSelector(ls) : undefined;
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    try {
      const fs = q.get('fieldSelector');
      fieldSel = fs ? parseFieldSelector(fs, info) : undefined;
    } catch (e) {
      throw badRequest((e as Error).message);
    }
    return (obj: KubeObject) =>
      (!labelSel || matchesLabels(labelSel, obj?.metadata?.labels ?? {})) &&
      (!fieldSel || matchesFields(fieldSel, obj, info));
  }

  /** A read at a resourceVersion the store has not reached waits briefly for it (then 504), as kube-apiserver. */
  private async awaitReadVersion(ctx: Ctx): Promise<void> {
    const rv = readResourceVersion(ctx.url.searchParams);
    if (rv !== undefined) await awaitRevision(this.opts.store, rv);
  }

  private serveList(ctx: Ctx, info: ResourceInfo, ns: string | undefined): void {
    const q = ctx.url.searchParams;
    const match = this.selectors(ctx, info);
    const prefix = storageKey(info, ns);
    const { items, revision } = this.opts.store.list(prefix);
    let start = 0;
    const cont = q.get('continue');
    if (cont) {
      let token: { k: string; rv: number };
      try {
        token = JSON.parse(Buffer.from(cont, 'base64url').toString());
      } catch {
        throw badRequest('continue key is not valid: invalid continue token');
      }
      if (typeof token?.k !== 'string' || !Number.isSafeInteger(token.rv)) {
        throw badRequest('continue key is not valid: invalid continue token');
      }
      if (token.rv < this.opts.store.compactedRevision) {
        throw new ApiError(
          410,
          'Expired',
          'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results.',
        );
      }
      start = items.findIndex((e) => e.key > token.k);
      if (start < 0) start = items.length;
    }
    const limit = intQueryParam(q, 'limit') ?? 0;
    const selected: KubeObject[] = [];
    let lastKey: string | undefined;
    let remaining = 0;
    for (let i = start; i < items.length; i++) {
      const e = items[i];
      if (!match(e.value)) continue;
      if (limit > 0 && selected.length >= limit) {
        remaining++;
        continue;
      }
      selected.push(e.value);
      lastKey = e.key;
    }
    const listMeta: ListMeta = { resourceVersion: String(revision) };
    if (remaining > 0 && lastKey) {
      listMeta.continue = Buffer.from(JSON.stringify({ k: lastKey, rv: revision })).toString('base64url');
      listMeta.remainingItemCount = remaining;
    }
    if (this.wantsTable(ctx))
      return this.reply(
        ctx,
        200,
        this.renderTable(info, selected, listMeta, false, q.get('includeObject') ?? undefined),
      );
    if (this.wantsMetadataOnly(ctx))
      return this.reply(ctx, 200, {
        kind: 'PartialObjectMetadataList',
        apiVersion: 'meta.k8s.io/v1',
        metadata: listMeta,
        items: selected.map(partialObjectMetadata),
      });
    this.reply(ctx, 200, {
      kind: info.listKind,
      apiVersion: apiVersionOf(info),
      metadata: listMeta,
      items: selected.map((o) => withTypeMeta(info, o)),
    });
  }

  private serveWatchRequest(ctx: Ctx, info: ResourceInfo, ns: string | undefined): void {
    const q = ctx.url.searchParams;
    const match = this.selectors(ctx, info);
    const table = this.wantsTable(ctx);
    const metadataOnly = this.wantsMetadataOnly(ctx);
    const timeoutSeconds = intQueryParam(q, 'timeoutSeconds', 0);
    serveWatch(
      this.opts.store,
      ctx.res,
      {
        info,
        prefix: storageKey(info, ns),
        resourceVersion: q.get('resourceVersion') ?? undefined,
        matches: match,
        render: table
          ? (obj, first) =>
              this.renderTable(
                info,
                [obj],
                { resourceVersion: obj.metadata?.resourceVersion },
                !first,
                q.get('includeObject') ?? undefined,
              )
          : metadataOnly
            ? partialObjectMetadata
            : undefined,
        bookmarks: q.get('allowWatchBookmarks') === 'true',
        timeoutSeconds,
        bookmarkObject: (rv) => ({
          kind: info.kind,
          apiVersion: apiVersionOf(info),
          metadata: { resourceVersion: rv },
        }),
      },
      this.streams,
    );
  }

  private async deleteCollection(ctx: Ctx, info: ResourceInfo, ns: string | undefined): Promise<void> {
    const match = this.selectors(ctx, info);
    const opts = this.deleteOptions(ctx, await readBody(ctx.req));
    const deleted: KubeObject[] = [];
    for (const e of this.opts.store.list(storageKey(info, ns)).items) {
      if (!match(e.value)) continue;
      try {
        const r = await this.storage.delete(info, e.value.metadata.namespace, e.value.metadata.name, opts);
        if (!r.pending && !opts.dryRun) await this.afterDelete(info, r.object);
        deleted.push(r.object);
      } catch (err) {
        if (!(err instanceof ApiError && err.code === 404)) throw err;
      }
    }
    this.reply(ctx, 200, {
      kind: info.listKind,
      apiVersion: apiVersionOf(info),
      metadata: { resourceVersion: String(this.opts.store.revision) },
      items: deleted,
    });
  }

  // --- subresources: status, scale, log, binding -------------------------------------------------

  private async serveSubresource(ctx: Ctx, method: string, ri: RequestInfo, info: ResourceInfo): Promise<void> {
    const sub = info.subresources.find((s) => s.name === ri.subresource);
    const ns = info.namespaced ? ri.namespace : undefined;
    const name = ri.name!;
    if (!sub && !(info.plural === 'namespaces' && ri.subresource === 'finalize')) throw pathNotFound();
    switch (ri.subresource) {
      case 'status':
      case 'finalize':
        return this.serveStatus(ctx, method, info, ns, name, ri.subresource);
      case 'scale':
        return this.serveScale(ctx, method, info, ns, name);
      case 'log': {
        if (method !== 'GET') throw methodNotAllowed();
        const pod = this.storage.get(info, ns, name) as LoggedPod;
        const query = parseLogQuery(ctx.url.searchParams);
        const currentPod = () => this.storage.tryGet(info, ns, name) as LoggedPod | undefined;
        const source = { logsDir: this.opts.logsDir, currentPod };
        servePodLogs(source, pod, query, ctx.res, this.streams);
        return;
      }
      case 'binding': {
        if (method !== 'POST') throw methodNotAllowed();
        const body = decodeBody(await readBody(ctx.req), ctx.req.headers['content-type']);
        return this.bindPod(ctx, info, ns!, name, body);
      }
      default:
        throw pathNotFound();
    }
  }

  private async serveStatus(
    ctx: Ctx,
    method: string,
    info: ResourceInfo,
    ns: string | undefined,
    name: string,
    which: 'status' | 'finalize',
  ): Promise<void> {
    if (method === 'GET') return this.reply(ctx, 200, this.storage.get(info, ns, name));
    const opts = this.writeOptions(ctx);
    if (which === 'finalize') {
      if (method !== 'PUT') throw methodNotAllowed();
      const body = decodeBody(await readBody(ctx.req), 'application/json');
      const cur = this.storage.get(info, ns, name);
      const next = copyJson(cur);
      next.spec = { ...(next.spec ?? {}), finalizers: body.spec?.finalizers ?? [] };
      const r = await this.storage.update(info, ns, name, next, {
        ...opts,
        subresource: undefined,
        fieldValidation: 'Ignore',
      });
      return this.reply(ctx, 200, r.object);
    }
    if (method === 'PUT') {
      const body = decodeBody(await readBody(ctx.req), ctx.req.headers['content-type'] ?? 'application/json');
      const r = await this.storage.update(info, ns, name, body, { ...opts, subresource: 'status' });
      return this.reply(ctx, 200, r.object);
    }
    if (method === 'PATCH') {
      const type = patchTypeOf(mediaType(ctx.req.headers['content-type']));
      const patch = decodeBody(await readBody(ctx.req), type === 'apply' ? 'application/yaml' : 'application/json');
      const r = await patchObject(this.storage, this.opts.store, info, ns, name, type, patch, {
        ...opts,
        subresource: 'status',
        force: ctx.url.searchParams.get('force') === 'true',
      });
      return this.reply(ctx, 200, r.object);
    }
    throw methodNotAllowed();
  }

  private scaleOf(info: ResourceInfo, obj: any): any {
    const custom = info.custom ? this.customResources.lookup(info)?.scale : undefined;
    const get = (o: any, p: string) =>
      p
        .replace(/^\./, '')
        .split('.')
        .reduce((a, k) => (a == null ? undefined : a[k]), o);
    const replicas = custom ? get(obj, custom.specReplicasPath) : obj.spec?.replicas;
    const statusReplicas = custom ? get(obj, custom.statusReplicasPath) : obj.status?.replicas;
    let selector: string | undefined;
    if (custom?.labelSelectorPath) selector = get(obj, custom.labelSelectorPath);
    else if (obj.spec?.selector) {
      // the plain query string, as the real server sends; ReplicationControllers have a bare label map
      const s = obj.spec.selector;
      selector = selectorToString(s.matchLabels || s.matchExpressions ? fromLabelSelector(s) : selectorFromMap(s));
    }
    return {
      kind: 'Scale',
      apiVersion: 'autoscaling/v1',
      metadata: {
        name: obj.metadata.name,
        namespace: obj.metadata.namespace,
        uid: obj.metadata.uid,
        resourceVersion: obj.metadata.resourceVersion,
        creationTimestamp: obj.metadata.creationTimestamp,
      },
      spec: { replicas: replicas ?? 0 },
      status: { replicas: statusReplicas ?? 0, ...(selector ? { selector } : {}) },
    };
  }

  private async serveScale(
    ctx: Ctx,
    method: string,
    info: ResourceInfo,
    ns: string | undefined,
    name: string,
  ): Promise<void> {
    const cur = this.storage.get(info, ns, name);
    if (method === 'GET') return this.reply(ctx, 200, this.scaleOf(info, cur));
    let scale: any;
    const current = this.scaleOf(info, cur);
    if (method === 'PUT') {
      scale = decodeBody(await readBody(ctx.req), ctx.req.headers['content-type'] ?? 'application/json');
      const rv = scale?.metadata?.resourceVersion;
      if (rv && rv !== cur.metadata.resourceVersion)
        throw new ApiError(
          409,
          'Conflict',
          `Operation cannot be fulfilled on ${info.plural}.${info.group} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
          { name, group: info.group, kind: info.plural },
        );
    } else if (method === 'PATCH') {
      const type = patchTypeOf(mediaType(ctx.req.headers['content-type']));
      const patch = decodeBody(await readBody(ctx.req), type === 'apply' ? 'application/yaml' : 'application/json');
      const { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } = await import('../../kube/patch');
      scale =
        type === 'json'
          ? applyJsonPatch(copyJson(current), patch)
          : type === 'strategic'
            ? applyStrategicMergePatch(copyJson(current), patch, undefined)
            : applyMergePatch(copyJson(current), patch);
    } else {
      throw methodNotAllowed();
    }
    const replicas = scale?.spec?.replicas;
    if (!Number.isInteger(replicas) || replicas < 0) {
      throw new ApiError(
        422,
        'Invalid',
        `Scale.autoscaling "${name}" is invalid: spec.replicas: Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
        {
          name,
          group: 'autoscaling',
          kind: 'Scale',
          causes: [
            {
              reason: 'FieldValueInvalid',
              message: `Invalid value: ${JSON.stringify(replicas)}: must be greater than or equal to 0`,
              field: 'spec.replicas',
            },
          ],
        },
      );
    }
    const next = copyJson(cur);
    const custom = info.custom ? this.customResources.lookup(info)?.scale : undefined;
    if (custom) {
      const path = custom.specReplicasPath.replace(/^\./, '').split('.');
      let o: Record<string, unknown> = next;
      for (const k of path.slice(0, -1)) o = (o[k] ??= {}) as Record<string, unknown>;
      o[path[path.length - 1]] = replicas;
    } else {
      (next.spec as { replicas?: number }).replicas = replicas;
    }
    const r = await this.storage.update(info, ns, name, next, {
      ...this.writeOptions(ctx),
      current: this.opts.store.get(storageKey(info, ns, name)),
    });
    return this.reply(ctx, 200, this.scaleOf(info, r.object));
  }

  private async bindPod(ctx: Ctx, info: ResourceInfo, ns: string, name: string, binding: unknown): Promise<void> {
    const target = (binding as Binding | undefined)?.target;
    if (!target?.name) throw badRequest('Binding.target.name: Required value');
    const cur = this.storage.get(info, ns, name) as KubeObject & Pod;
    if (cur.spec?.nodeName)
      throw new ApiError(
        409,
        'Conflict',
        `Operation cannot be fulfilled on pods/binding "${name}": pod ${name} is already assigned to node "${cur.spec.nodeName}"`,
        { name, kind: 'pods/binding' },
      );
    const conds: unknown[] = (cur.status?.conditions ?? []).filter((c: PodCondition) => c.type !== 'PodScheduled');
    conds.push({ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: nowTimestamp() });
    // copies of what the binding changes; the rest stays shared with the stored (frozen) pod
    const next = {
      ...cur,
      metadata: { ...cur.metadata },
      spec: { ...cur.spec, nodeName: target.name },
      status: { ...cur.status, conditions: conds },
    };
    // binding is the one write that may set spec.nodeName of an existing pod, so it skips pod-update validation
    await this.storage.update(info, ns, name, next, {
      ...this.writeOptions(ctx),
      fieldValidation: 'Ignore',
      internal: true,
      current: this.opts.store.get(storageKey(info, ns, name)),
    });
    this.reply(ctx, 201, { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 });
  }

  // --- side effects of CRD writes -------------------------------------------------------------------

  private isCrd(info: ResourceInfo): boolean {
    return info.group === 'apiextensions.k8s.io' && info.plural === 'customresourcedefinitions';
  }

  private async afterWrite(info: ResourceInfo, written: KubeObject, old: KubeObject | undefined): Promise<void> {
    if (!this.isCrd(info) || written?.metadata?.deletionTimestamp) return;
    const obj = written as Crd;
    this.customResources.register(obj);
    this.invalidateOpenApi();
    const established = obj.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    if (!established || JSON.stringify((old as Crd | undefined)?.spec?.names) !== JSON.stringify(obj.spec?.names)) {
      const next = copyJson(obj);
      next.status = establishedStatus(obj, nowTimestamp());
      await this.storage.update(info, undefined, obj.metadata.name ?? '', next, { subresource: 'status' });
    }
  }

  private async afterDelete(info: ResourceInfo, obj: KubeObject): Promise<void> {
    if (!this.isCrd(info)) return;
    const name = obj.metadata.name ?? '';
    const versions = this.customResources.versionsOf(name);
    this.customResources.unregister(name);
    this.invalidateOpenApi();
    // instances go with their definition
    const first = versions[0];
    if (!first) return;
    for (const e of this.opts.store.list(storageKey(first.info, undefined)).items) {
      try {
        await this.opts.store.delete(e.key);
      } catch {
        // already gone
      }
    }
  }
}

/** Kubernetes names the manager after the client's User-Agent product when none is given. */
function defaultManager(ua: string | undefined): string {
  if (!ua) return 'unknown';
  return ua.split('/')[0].slice(0, 128);
}
