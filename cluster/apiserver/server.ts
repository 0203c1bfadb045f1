// The embedded cluster's API server: Kubernetes REST over HTTPS on loopback with bearer-token auth, and the
// same handler for components of this process (exchange). This file holds its parts and lifecycle;
// router.ts maps paths to handlers/ (resource verbs) and subresources/, strategies/ hold what kinds do
// differently on write.
import type { KeyObject } from 'crypto';
import * as https from 'https';
import type { IncomingMessage, ServerResponse } from 'http';
import type { AddressInfo, Socket } from 'net';
import { ResourceRegistry } from '../../kube/registry';
import { Store, StoreError } from '../store/types';
import { ApiError, internalError } from './apiErrors';
import { LocalResponse, localIncoming } from './localExchange';
import type { LocalRequest, LocalResponseSink } from '../../kubeclient/localTransport';
import { ObjectStorage } from './objectStorage';
import { OpenStreams } from './responseStream';
import { CustomResources, type Crd } from './customResources';
import { OpenApiEndpoint } from './openapiEndpoint';
import { sendStatus } from './responseWriters';
import { route, type Routes } from './router';
import { ServiceAllocator } from './serviceAllocator';
import { UpgradedConnections } from './streaming/upgrade';
import type { PodStreamer } from '../kubelet/streaming';
import { Strategies } from './strategies';
import { IMMORTAL_NAMESPACES } from './strategies/namespaces';
import { SYSTEM_PRIORITY_CLASSES } from './strategies/priorityClasses';
import { DEFAULT_FLOW_SCHEMAS, DEFAULT_PRIORITY_LEVELS } from './flowControlDefaults';
import type { KubeObject } from '../../kube/objects';
import type { ApiContext } from './handlers/scope';
import type { ProxyDialer } from './subresources/proxy';
import { ServiceAccountTokens } from '../security/serviceAccountTokens';
import { BOOTSTRAP_CLUSTER_ROLE_BINDINGS, BOOTSTRAP_CLUSTER_ROLES } from './access/bootstrapPolicy';
import { RbacAuthorizer } from './access/rbac';
import type { ResourceMetrics } from '../metrics/resourceMetrics';
import { ApiServiceRegistration } from './apiServices';
import { AdmissionWebhooks } from './admission/webhooks';

export interface ApiServerOptions {
  store: Store;
  host?: string;
  port?: number;
  /** the serving certificate, and the CA whose client certificates authenticate their subject */
  tls: { cert: string; key: string; ca: string };
  token: string;
  /** the key ServiceAccount tokens are signed with */
  serviceAccountKey: KeyObject;
  /** folder of container log files (see cluster/logs/podLogFiles) */
  logsDir: string;
  /** folder where the built-in hostpath provisioner's volumes live (StorageClasses default to it) */
  volumesDir: string;
  /** the nodes' resource usage, served as metrics.k8s.io */
  metrics?: ResourceMetrics;
  /** forwards pods/services proxy requests to pods (with real containers); without it they answer 503 */
  proxyDialer?: ProxyDialer;
}

export class ApiServer {
  readonly registry = new ResourceRegistry();
  readonly customResources = new CustomResources(this.registry);
  /** watches and log follows being served, with what they buffer for their clients */
  readonly streams = new OpenStreams();
  private readonly storage: ObjectStorage;
  private readonly webhooks: AdmissionWebhooks;
  private readonly apiServices: ApiServiceRegistration;
  private readonly routes: Routes;
  private server?: https.Server;
  private ready = false;
  /** responses to in-process clients still open (watches), ended when the server stops */
  private readonly localOpen = new Set<LocalResponse>();
  /** exec, attach and port-forward connections */
  private readonly upgraded = new UpgradedConnections();

  constructor(private readonly opts: ApiServerOptions) {
    const { store } = opts;
    const openapi = new OpenApiEndpoint(this.registry, this.customResources);
    const rbac = new RbacAuthorizer(store);
    const strategies = new Strategies({
      store,
      rbac,
      serviceAllocator: new ServiceAllocator(store),
      volumesDir: opts.volumesDir,
      customResources: this.customResources,
      writeStatus: (crd) =>
        this.storage.update(this.crdInfo(), undefined, crd.metadata.name ?? '', crd, {
          subresource: 'status',
        }),
      changed: () => {
        openapi.invalidate();
        void this.apiServices.sync();
      },
    });
    const tokens = new ServiceAccountTokens(opts.serviceAccountKey);
    this.webhooks = new AdmissionWebhooks(store, !opts.proxyDialer);
    this.storage = new ObjectStorage(
      store,
      (info) => this.customResources.lookup(info)?.schema,
      (info) => strategies.for(info),
      this.webhooks,
    );
    this.apiServices = new ApiServiceRegistration(store, this.storage, this.registry);
    const api: ApiContext = {
      store,
      storage: this.storage,
      registry: this.registry,
      customResources: this.customResources,
      strategies,
      streams: this.streams,
      tokens,
      logsDir: opts.logsDir,
      metrics: opts.metrics,
      proxyDialer: opts.proxyDialer,
      rbac,
    };
    const access = { authenticator: { adminToken: opts.token, tokens, store }, rbac };
    this.routes = { api, access, openapi, ready: () => this.ready };
  }

  get store(): Store {
    return this.opts.store;
  }

  /** Registers CRDs already stored, creates the default namespaces and starts listening. */
  async start(): Promise<string> {
    for (const e of this.opts.store.list('/registry/apiextensions.k8s.io/customresourcedefinitions/').items)
      this.customResources.register(e.value as Crd);
    await this.ensureNamespaces([...IMMORTAL_NAMESPACES]);
    await this.ensureBootstrapObjects();
    await this.ensureBootstrapPolicy();
    await this.apiServices.sync();
    this.server = https.createServer(
      {
        cert: this.opts.tls.cert,
        key: this.opts.tls.key,
        keepAlive: true,
        // a client certificate is asked for and checked against the cluster CA, never required
        ca: this.opts.tls.ca,
        requestCert: true,
        rejectUnauthorized: false,
      },
      (req, res) => {
        // an 'error' event without a listener would end the whole process; a stream error concerns one request
        req.on('error', this.onStreamError);
        res.on('error', this.onStreamError);
        route(this.routes, req, res).catch((err) => this.fail(res, err));
      },
    );
    this.server.keepAliveTimeout = 60_000;
    // exec, attach and portforward switch protocols: routed like any request, answered on the raw connection
    this.server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
      socket.on('error', this.onStreamError);
      const res = this.upgraded.accept(req, socket, head);
      route(this.routes, req, res).catch((err) => this.fail(res, err));
    });
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
      route(this.routes, localIncoming(req), out).catch((err) => this.fail(out, err));
    });
    return { close: () => res.destroy() };
  }

  /** From now on exec, attach and port-forward reach the pods' containers through the kubelets. */
  connectNodes(streamer: PodStreamer): void {
    this.routes.api.podStreamer = streamer;
  }

  get url(): string {
    const a = this.server!.address() as AddressInfo;
    return `https://127.0.0.1:${a.port}`;
  }

  async stop(): Promise<void> {
    this.ready = false;
    for (const res of [...this.localOpen]) res.end();
    this.upgraded.closeAll();
    this.webhooks.close();
    if (!this.server) return;
    await new Promise<void>((resolve) => {
      this.server!.close(() => resolve());
      this.server!.closeAllConnections();
    });
  }

  private crdInfo() {
    return this.registry.byResource('apiextensions.k8s.io', 'v1', 'customresourcedefinitions')!;
  }

  /**
   * Objects kube-apiserver's post-start hooks create: the system PriorityClasses and the mandatory flow-control
   * configuration. Ones that exist are left as they are.
   */
  private async ensureBootstrapObjects(): Promise<void> {
    const sets: [string, string, KubeObject[]][] = [
      ['scheduling.k8s.io', 'priorityclasses', SYSTEM_PRIORITY_CLASSES],
      ['flowcontrol.apiserver.k8s.io', 'prioritylevelconfigurations', DEFAULT_PRIORITY_LEVELS],
      ['flowcontrol.apiserver.k8s.io', 'flowschemas', DEFAULT_FLOW_SCHEMAS],
    ];
    for (const [group, plural, objects] of sets) {
      const info = this.registry.byResource(group, 'v1', plural)!;
      for (const obj of objects) {
        if (this.storage.tryGet(info, undefined, obj.metadata.name ?? '')) continue;
        await this.storage.create(info, undefined, structuredClone(obj), {});
      }
    }
  }

  private async ensureNamespaces(names: string[]): Promise<void> {
    const ns = this.registry.byResource('', 'v1', 'namespaces')!;
    for (const name of names) {
      if (this.storage.tryGet(ns, undefined, name)) continue;
      await this.storage.create(ns, undefined, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, {});
    }
  }

  /** The default ClusterRoles and bindings, made when missing, as kube-apiserver's RBAC post-start hook. */
  private async ensureBootstrapPolicy(): Promise<void> {
    const rbac = (plural: string) => this.registry.byResource('rbac.authorization.k8s.io', 'v1', plural)!;
    const objects = [
      ...BOOTSTRAP_CLUSTER_ROLES.map((o) => [rbac('clusterroles'), o] as const),
      ...BOOTSTRAP_CLUSTER_ROLE_BINDINGS.map((o) => [rbac('clusterrolebindings'), o] as const),
    ];
    for (const [info, obj] of objects) {
      if (this.storage.tryGet(info, undefined, obj.metadata?.name ?? '')) continue;
      await this.storage.create(info, undefined, structuredClone(obj), {});
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
    sendStatus(res, e);
  }
}
