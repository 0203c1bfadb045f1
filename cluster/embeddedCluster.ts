// Starts the embedded cluster: store, certificates, token, API server, kubeconfig.
import * as path from 'path';
import { openStore, StoreOptions } from './store';
import { Store } from './store/types';
import { ApiServer } from './apiserver/server';
import { DEFAULT_SERVICE_CIDR } from './apiserver/serviceAllocator';
import { ensureCertificates } from './security/certificates';
import { ensureToken } from './security/token';
import { ensureServiceAccountKey } from './security/serviceAccountTokens';
import { secureStateFolder } from './security/stateFolder';
import { writeKubeconfig } from './security/kubeconfig';
import { ControllerManager } from './controllers/controllerManager';
import { startNodes } from './kubelet';
import { ScaledClock, setClock } from './clock';
import { ResourceMetrics } from './metrics/resourceMetrics';
import { chooseRuntime, DEFAULT_LOG_ROTATION, RuntimeChoice } from './runtime';
import { clusterId, storedRuntime, storeRuntime } from './runtime/runtimeChoice';
import { podProxyDialer } from './network/httpForwarder';
import { listenIngress, type IngressListener } from './network/ingressListener';
import { openClusterIPRoutes, type ClusterIPRouting } from './network/clusterIPRoutes';
import { openPodFirewall } from './network/podFirewall';
import { startClusterDns } from './dns/clusterDns';
import type { ListenAddress } from './dns/dnsServer';
import type { UpstreamServer } from './dns/upstream';

/** `slipway cluster --repair-store`: what the syncer's CLI may use of the store besides starting the cluster */
export { repairStore } from './store';
/** `--runtime`: what the CLI may use of the runtime choice */
export { RUNTIME_CHOICES, type RuntimeChoice } from './runtime';

export interface ClusterOptions {
  stateDir: string;
  port?: number;
  host?: string;
  /** store tuning (history kept for watches, log size before a snapshot) */
  storeOptions?: StoreOptions;
  /** cluster milliseconds per real millisecond; tests speed up back-off, deadlines and schedules */
  clockSpeed?: number;
  /** nodes, each with a kubelet and a container runtime (default 3) */
  nodes?: number;
  /** what the pods run on; kept in the state folder, so a restart without it runs on the same */
  runtime?: RuntimeChoice;
  /** when neither runtime nor the state folder says (default simulated; the CLI says auto) */
  defaultRuntime?: RuntimeChoice;
  /** pods each node admits (its allocatable "pods"; default 110, as in Kubernetes) */
  maxPodsPerNode?: number;
  /** bytes a container's log file holds before it is rotated (the kubelet's containerLogMaxSize; default 10Mi) */
  containerLogMaxSize?: number;
  /** log files kept per container run, the current one included (containerLogMaxFiles; default 5, at least 2) */
  containerLogMaxFiles?: number;
  /** how often containers' usage is read while metrics are asked for (default 10 s) */
  metricsIntervalMs?: number;
  /** the ingress controller's HTTP port on 127.0.0.1 (0: a free one); no ingress listener when undefined */
  ingressPort?: number;
  /** when ingressPort is taken: start without the ingress listener (ingressProblem says why) rather than fail */
  ingressPortOptional?: boolean;
  /**
   * the cluster DNS: more addresses to answer on (besides port 53 of the address the pods reach this machine at),
   * and the servers other names go to instead of /etc/resolv.conf's
   */
  dns?: { listen?: ListenAddress[]; upstream?: UpstreamServer[] };
  /** the ingress's HTTPS port on 127.0.0.1 (0: a free one), with the certificates of the Ingresses' TLS Secrets */
  ingressTlsPort?: number;
}

export interface RunningCluster {
  url: string;
  kubeconfig: string;
  token: string;
  caCert: string;
  stateDir: string;
  apiServer: ApiServer;
  /** resolves once every controller has listed what it watches */
  controllersReady: Promise<void>;
  store: Store;
  /** what the pods run on: "podman://4.3.1 at unix:///...", "simulated://1.0 (no process runs)" */
  runtime: string;
  /** whether pods run as real containers on this machine's engine */
  runsContainers: boolean;
  /** where Ingresses answer (http://127.0.0.1:PORT); undefined without an ingress listener */
  ingressUrl?: string;
  /** why there is no ingress listener although one was asked for (its port was taken) */
  ingressProblem?: string;
  /** where the cluster DNS answers, and what the pods' resolv.conf names ("10.88.0.1:53 (the pods' nameserver)") */
  dns: { addresses: ListenAddress[]; description: string };
  /** where Ingresses answer HTTPS (https://127.0.0.1:PORT); undefined without an HTTPS listener */
  ingressTlsUrl?: string;
  /** whether the pods reach Services at their cluster IPs (else names give the ready pods' addresses), and why not */
  clusterIPs: { reachable: boolean; description: string };
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<RunningCluster> {
  const stateDir = path.resolve(opts.stateDir);
  setClock(new ScaledClock(opts.clockSpeed ?? 1));
  secureStateFolder(stateDir);
  const [store, certs] = await Promise.all([
    openStore(path.join(stateDir, 'store'), opts.storeOptions),
    ensureCertificates(stateDir),
  ]);
  const token = ensureToken(stateDir);
  let runtime;
  try {
    runtime = await chooseRuntime(
      opts.runtime ?? storedRuntime(stateDir) ?? opts.defaultRuntime ?? 'simulated',
      clusterId(stateDir),
    );
  } catch (e) {
    await store.close();
    throw e;
  }
  storeRuntime(stateDir, runtime.kind);
  // the containers' usage for metrics.k8s.io: each node's runtime joins it as the node starts
  const metrics = new ResourceMetrics(opts.metricsIntervalMs);
  const apiServer = new ApiServer({
    store,
    host: opts.host,
    port: opts.port,
    tls: { cert: certs.cert, key: certs.key, ca: certs.caCert },
    token,
    serviceAccountKey: ensureServiceAccountKey(stateDir),
    logsDir: path.join(stateDir, 'logs'),
    volumesDir: path.join(stateDir, 'volumes'),
    metrics,
    // pod IPs answer from this machine only when pods run as real containers
    proxyDialer: runtime.kind === 'container' ? podProxyDialer : undefined,
  });
  let url: string;
  try {
    url = await apiServer.start();
  } catch (e) {
    await store.close();
    throw e;
  }
  const kubeconfig = writeKubeconfig(stateDir, url, certs.caCert, token);
  let ingress: IngressListener | undefined;
  let ingressProblem: string | undefined;
  if (opts.ingressPort !== undefined) {
    try {
      ingress = await listenIngress(opts.ingressPort);
    } catch (e) {
      ingressProblem = `no ingress listener: ${(e as Error).message}`;
      if (!opts.ingressPortOptional) {
        await apiServer.stop();
        await store.close();
        throw new Error(`${ingressProblem}; choose another port with --ingress-port N (0: any free port)`);
      }
    }
  }
  let ingressTls: IngressListener | undefined;
  if (opts.ingressTlsPort !== undefined) {
    try {
      // Ingresses without a TLS Secret for the name asked get the cluster's own certificate (127.0.0.1, localhost)
      ingressTls = await listenIngress(opts.ingressTlsPort, { cert: certs.cert, key: certs.key });
    } catch (e) {
      await ingress?.close();
      await apiServer.stop();
      await store.close();
      throw new Error(
        `no ingress HTTPS listener: ${(e as Error).message}; choose another port with --ingress-tls-port N (0: any free port)`,
      );
    }
  }
  // the cluster's components are clients of this API server like any other, minus TLS and sockets
  const controllers = new ControllerManager(
    { server: url, token, ca: certs.caCert, local: apiServer },
    () => apiServer.registry.all(),
    path.join(stateDir, 'volumes'),
    { podsReachable: runtime.kind === 'container', ingress, ingressTls },
    certs.caKey,
  );
  // the pods' nameserver is port 53 (resolv.conf names no port) of the address they reach this machine at
  const network = await runtime.podNetwork();
  const podDns = network.hostAddress ? [{ host: network.hostAddress, port: 53 }] : [];
  // the pods' traffic to cluster IPs reaches the proxy only through routes on this machine
  const containers = runtime.kind === 'container';
  const routing: ClusterIPRouting = containers
    ? await openClusterIPRoutes(stateDir, network.hostAddress, network.why)
    : {};
  const routes = routing.routes;
  // NetworkPolicies are enforced in the pods' network namespaces, where this machine may write their filters
  const filtering = containers
    ? await openPodFirewall(network.hostAddress, network.why, network.netnsPid, DEFAULT_SERVICE_CIDR)
    : {};
  const dns = await startClusterDns(controllers.sharedInformers, {
    listen: [...podDns, ...(opts.dns?.listen ?? [])],
    // simulated pods send nothing: their names give cluster IPs, as in Kubernetes
    reachesClusterIP: (svc) => !containers || !!routes?.carries(svc.spec?.clusterIP),
    upstream: opts.dns?.upstream,
  });
  const dnsAddress = dns.addresses.some((a) => a.host === network.hostAddress && a.port === 53)
    ? network.hostAddress
    : undefined;
  // controllers catch up in the background; the API server is already serving
  const controllersReady = controllers.start({
    dnsAddress,
    policiesNotEnforced: filtering.why
      ? `${network.policiesNotEnforced}; ${filtering.why}`
      : network.policiesNotEnforced,
    podFirewall: filtering.firewall,
    clusterIPRoutes: routes,
  });
  let nodes;
  try {
    nodes = await startNodes(controllers.context(), {
      count: opts.nodes ?? 3,
      logsDir: path.join(stateDir, 'logs'),
      podsDir: path.join(stateDir, 'pods'),
      maxPods: opts.maxPodsPerNode,
      logRotation: {
        maxSize: opts.containerLogMaxSize ?? DEFAULT_LOG_ROTATION.maxSize,
        maxFiles: opts.containerLogMaxFiles ?? DEFAULT_LOG_ROTATION.maxFiles,
      },
      runtime,
      metrics,
      clusterDNS: dnsAddress,
    });
  } catch (e) {
    controllers.stop();
    await routes?.close();
    await ingress?.close();
    await dns.stop();
    await ingressTls?.close();
    await apiServer.stop();
    await store.close();
    throw e;
  }
  apiServer.connectNodes(nodes.streamer);
  return {
    url,
    kubeconfig,
    token,
    caCert: certs.caCert,
    stateDir,
    apiServer,
    store,
    runtime: runtime.description,
    runsContainers: runtime.kind === 'container',
    ingressUrl: ingress && `http://127.0.0.1:${ingress.port}`,
    ingressProblem,
    dns: {
      addresses: dns.addresses,
      description: dnsAddress
        ? `${dnsAddress}:53 (the pods' nameserver)`
        : `not reachable from the pods (${dns.failures.join('; ') || network.why}): they use the engine's DNS`,
    },
    ingressTlsUrl: ingressTls && `https://127.0.0.1:${ingressTls.port}`,
    clusterIPs: {
      reachable: !!routes,
      description: !containers
        ? 'assigned (simulated pods send no traffic)'
        : routes
          ? "reachable from the pods (the cluster's proxy forwards them to ready endpoints)"
          : `not reachable from the pods (${routing.why}): a Service's name resolves to its ready pods' addresses`,
    },
    controllersReady: Promise.all([controllersReady, nodes.ready]).then(() => undefined),
    async stop() {
      metrics.stop();
      await nodes.stop();
      controllers.stop();
      await routes?.close();
      await ingress?.close();
      await dns.stop();
      await ingressTls?.close();
      await apiServer.stop();
      await store.close();
    },
  };
}
