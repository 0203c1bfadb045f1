// The API client addressed by objects (apiVersion, kind, namespace, name) instead of URL paths, as the syncer
// and the CLI hold manifests: discovery finds each kind's resource (plural, scope), then requests go through
// the one ApiClient. As client-go's dynamic client is to its REST client.
import type { KubeObject } from '../kube/objects';
import { splitApiVersion } from '../kube/registry';
import { KubeApiError } from './apiError';
import { ApiClient, ResourceLocation, resourcePath } from './apiClient';
import { Informer, InformerOptions } from './informer';
import type { RawStream, WatchEventHandler, WatchHandle } from './transport';

export interface ObjectRef {
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** A kind as discovery serves it. */
export interface ResourceType {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

export type InformerEvent = 'ADDED' | 'MODIFIED' | 'DELETED';
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan';
export interface ListOptions {
  namespace?: string;
  labelSelector?: string;
}

export function typeLocation(t: ResourceType): ResourceLocation {
  return { ...splitApiVersion(t.apiVersion), plural: t.plural, namespaced: t.namespaced };
}

/** URL path of a collection (name undefined) or an object; namespace is ignored for cluster-scoped kinds. */
export function typePath(t: ResourceType, namespace?: string, name?: string, subresource?: string): string {
  return resourcePath(typeLocation(t), namespace, name, subresource);
}

export class ObjectClient {
  private readonly discovery = new Map<string, Promise<Map<string, ResourceType>>>();

  constructor(readonly api: ApiClient) {}

  get server(): string {
    return this.api.server;
  }

  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<any> {
    return this.api.request(method, path, body, contentType);
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
      p = this.api.get(path).then(
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
    if (!t) throw new KubeApiError(404, { reason: 'NotFound' }, `the cluster does not serve ${kind} in ${apiVersion}`);
    return t;
  }

  /** URL path of a collection (name undefined) or an object; namespace is ignored for cluster-scoped kinds. */
  async path(ref: Omit<ObjectRef, 'name'> & { name?: string }, subresource?: string): Promise<string> {
    const t = await this.typeOrThrow(ref.apiVersion, ref.kind);
    return typePath(t, ref.namespace, ref.name, subresource);
  }

  async get(ref: ObjectRef): Promise<any> {
    return this.api.get(await this.path(ref));
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

  async list(apiVersion: string, kind: string, opts: ListOptions = {}): Promise<any> {
    const t = await this.typeOrThrow(apiVersion, kind);
    return this.api.list(typePath(t, opts.namespace), opts.labelSelector ? { labelSelector: opts.labelSelector } : {});
  }

  /** Server-side apply: the object becomes exactly what this manager says of it. */
  async apply(obj: any, opts: { fieldManager: string; force?: boolean; dryRun?: boolean }): Promise<any> {
    const m = obj.metadata;
    const p = await this.path({ apiVersion: obj.apiVersion, kind: obj.kind, namespace: m?.namespace, name: m?.name });
    const q = new URLSearchParams({
      fieldManager: opts.fieldManager,
      ...(opts.force !== false ? { force: 'true' } : {}),
      ...(opts.dryRun ? { dryRun: 'All' } : {}),
    });
    return this.api.patch(`${p}?${q}`, obj, 'apply');
  }

  /** Replace (PUT): the object becomes exactly this; its metadata.resourceVersion, when set, guards the write. */
  async replace<T extends KubeObject & { apiVersion: string; kind: string }>(
    obj: T,
    opts: { fieldManager?: string } = {},
  ): Promise<T> {
    const m = obj.metadata;
    const p = await this.path({
      apiVersion: obj.apiVersion,
      kind: obj.kind,
      namespace: m.namespace,
      name: m.name ?? '',
    });
    const q = opts.fieldManager ? `?${new URLSearchParams({ fieldManager: opts.fieldManager })}` : '';
    return (await this.api.update(`${p}${q}`, obj)) as T;
  }

  async mergePatch(ref: ObjectRef, patch: unknown, subresource?: string): Promise<any> {
    return this.api.patch(await this.path(ref, subresource), patch, 'merge');
  }

  async create(obj: any): Promise<any> {
    const { apiVersion, kind, metadata } = obj;
    return this.api.create(await this.path({ apiVersion, kind, namespace: metadata?.namespace }), obj);
  }

  async delete(ref: ObjectRef, propagationPolicy: PropagationPolicy = 'Background'): Promise<void> {
    try {
      await this.api.delete(await this.path(ref), { propagationPolicy });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e;
    }
  }

  /** Watch events of a collection path (with its query) until stop() or the server ends it. */
  watch(
    path: string,
    query: Record<string, string>,
    onEvent: WatchEventHandler,
    onEnd: (err?: Error) => void,
  ): WatchHandle {
    return this.api.watch(path, query, onEvent, onEnd);
  }

  /** A GET of plain text (pods/log) handed over chunk by chunk; `done` rejects with a KubeApiError. */
  getStream(path: string, query: Record<string, string>, onText: (text: string) => void): RawStream {
    return this.api.stream(path, query, onText);
  }

  /**
   * An informer (not started) of a kind, telling onEvent of adds, updates and deletes; objects carry their
   * apiVersion and kind. The server ends each watch after 5 minutes; the informer resumes it.
   */
  informer(type: ResourceType, opts: ListOptions, onEvent: (type: InformerEvent, obj: any) => void): Informer {
    const options: InformerOptions = { ...opts, typeMeta: type, watchTimeoutSeconds: 300 };
    return new Informer(this.api, typeLocation(type), options).on({
      add: (o) => onEvent('ADDED', o),
      update: (o) => onEvent('MODIFIED', o),
      delete: (o) => onEvent('DELETED', o),
    });
  }

  close(): void {
    this.api.close();
  }
}
