// Starts the embedded cluster: store, certificates, token, API server, kubeconfig.
import * as path from 'path';
import { openStore, StoreOptions } from './store';
import { Store } from './store/types';
import { ApiServer } from './apiserver/server';
import { ensureCertificates } from './security/certificates';
import { ensureToken } from './security/token';
import { ensureServiceAccountKey } from './security/serviceAccountTokens';
import { secureStateFolder } from './security/stateFolder';
import { writeKubeconfig } from './security/kubeconfig';
import { ControllerManager } from './controllers/controllerManager';
import { startNodes } from './kubelet';
import { ScaledClock, setClock } from './clock';
import { chooseRuntime, RuntimeChoice } from './runtime';
import { clusterId, storedRuntime, storeRuntime } from './runtime/runtimeChoice';

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
  const apiServer = new ApiServer({
    store,
    host: opts.host,
    port: opts.port,
    tls: { cert: certs.cert, key: certs.key, ca: certs.caCert },
    token,
    serviceAccountKey: ensureServiceAccountKey(stateDir),
    logsDir: path.join(stateDir, 'logs'),
    volumesDir: path.join(stateDir, 'volumes'),
  });
  let url: string;
  try {
    url = await apiServer.start();
  } catch (e) {
    await store.close();
    throw e;
  }
  const kubeconfig = writeKubeconfig(stateDir, url, certs.caCert, token);
  // the cluster's components are clients of this API server like any other, minus TLS and sockets
  const controllers = new ControllerManager(
    { server: url, token, ca: certs.caCert, local: apiServer },
    () => apiServer.registry.all(),
    path.join(stateDir, 'volumes'),
    certs.caKey,
  );
  // controllers catch up in the background; the API server is already serving
  const controllersReady = controllers.start();
  let nodes;
  try {
    nodes = await startNodes(controllers.context(), {
      count: opts.nodes ?? 3,
      logsDir: path.join(stateDir, 'logs'),
      podsDir: path.join(stateDir, 'pods'),
      maxPods: opts.maxPodsPerNode,
      runtime,
    });
  } catch (e) {
    controllers.stop();
    await apiServer.stop();
    await store.close();
    throw e;
  }
  return {
    url,
    kubeconfig,
    token,
    caCert: certs.caCert,
    stateDir,
    apiServer,
    store,
    runtime: runtime.description,
    controllersReady: Promise.all([controllersReady, nodes.ready]).then(() => undefined),
    async stop() {
      await nodes.stop();
      controllers.stop();
      await apiServer.stop();
      await store.close();
    },
  };
}
