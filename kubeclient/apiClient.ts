// The one Kubernetes API client of Slipway: the cluster's own components (controllers, scheduler, kubelets),
// the syncer, the CLI and the tests speak to an API server through it, over a Transport: HTTPS
// (httpsTransport.ts; by kubeconfig in kubeConfig.ts) or, in the same process, the server's request handler
// (localTransport.ts). In the same process, answers and watch events are the server's deep-frozen objects:
// callers copy before changing one (client-go's rule for informer objects).
import { ResourceInfo } from '../kube/registry';
import { HttpsTransport, tokenAuth } from './httpsTransport';
import { LocalExchange, LocalTransport } from './localTransport';
import type { RawStream, Transport, WatchEventHandler, WatchHandle } from './transport';

/** How the cluster's components and tests reach an embedded cluster. */
export interface ClientConfig {
  server: string; // https://127.0.0.1:PORT
  token: string;
  ca: string;
  /** the API server of this process: requests go to its handler instead of over HTTPS */
  local?: { exchange: LocalExchange };
}

/** Asks for PartialObjectMetadata instead of whole objects, as metadata informers do. */
const METADATA_ACCEPT =
  'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,' +
  'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';

const PATCH_TYPES = {
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  json: 'application/json-patch+json',
  apply: 'application/apply-patch+yaml',
};

/** What names a resource in URLs. */
export type ResourceLocation = Pick<ResourceInfo, 'group' | 'version' | 'plural' | 'namespaced'>;

/** The URL path of a resource collection or item; namespace is ignored for cluster-scoped resources. */
export function resourcePath(info: ResourceLocation, namespace?: string, name?: string, subresource?: string): string {
  let p = info.group ? `/apis/${info.group}/${info.version}` : `/api/${info.version}`;
  if (info.namespaced && namespace) p += `/namespaces/${encodeURIComponent(namespace)}`;
  p += `/${info.plural}`;
  if (name !== undefined) p += `/${encodeURIComponent(name)}`;
  if (subresource) p += `/${subresource}`;
  return p;
}

function withQuery(path: string, query: Record<string, string>): string {
  const qs = new URLSearchParams(query).toString();
  return qs ? `${path}${path.includes('?') ? '&' : '?'}${qs}` : path;
}

export class ApiClient {
  constructor(readonly transport: Transport) {}

  /** A client of an embedded cluster: in-process when config.local is given, else over HTTPS with its token. */
  static forCluster(config: ClientConfig, userAgent = 'slipway-controller'): ApiClient {
    const { server, token, ca, local } = config;
    if (local) {
      return new ApiClient(new LocalTransport((req, sink) => local.exchange(req, sink), server, token, userAgent));
    }
    return new ApiClient(new HttpsTransport(server, tokenAuth(token, ca), userAgent));
  }

  /** the API server's URL */
  get server(): string {
    return this.transport.server;
  }

  request(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    accept = 'application/json',
  ): Promise<any> {
    return this.transport.request({ method, path, body, contentType, accept });
  }

  get(path: string): Promise<any> {
    return this.request('GET', path);
  }

  list(path: string, query: Record<string, string> = {}, metadataOnly = false): Promise<any> {
    const accept = metadataOnly ? METADATA_ACCEPT : 'application/json';
    return this.request('GET', withQuery(path, query), undefined, undefined, accept);
  }

  create(path: string, obj: any): Promise<any> {
    return this.request('POST', path, obj);
  }

  update(path: string, obj: any): Promise<any> {
    return this.request('PUT', path, obj);
  }

  /** A patch of the given type; `apply` is server-side apply (path carries fieldManager and force). */
  patch(path: string, patch: unknown, type: keyof typeof PATCH_TYPES = 'merge'): Promise<any> {
    return this.request('PATCH', path, patch, PATCH_TYPES[type]);
  }

  delete(path: string, options: Record<string, unknown> = {}): Promise<any> {
    return this.request('DELETE', path, { kind: 'DeleteOptions', apiVersion: 'v1', ...options });
  }

  /** Streams watch events until stop() or the server ends the stream; onEnd tells why it ended. */
  watch(
    path: string,
    query: Record<string, string>,
    onEvent: WatchEventHandler,
    onEnd: (err?: Error) => void,
    metadataOnly = false,
  ): WatchHandle {
    const url = withQuery(path, { ...query, watch: 'true', allowWatchBookmarks: 'true' });
    return this.transport.watch(url, metadataOnly ? METADATA_ACCEPT : 'application/json', onEvent, onEnd);
  }

  /** A GET of plain text (pods/log) handed over chunk by chunk as it arrives, so `follow` streams can stay open. */
  stream(path: string, query: Record<string, string>, onText: (text: string) => void): RawStream {
    return this.transport.stream(withQuery(path, query), onText);
  }

  close(): void {
    this.transport.close();
  }
}
