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

/** `slipway cluster --repair-store`: what the syncer's CLI may use of the store besides starting the cluster */
export { repairStore } from './store';

export interface ClusterOptions {
  stateDir: string;
  port?: number;
  host?: string;
  /** store tuning (history kept for watches, log size before a snapshot) */
  storeOptions?: StoreOptions;
  /** cluster milliseconds per real millisecond; tests speed up back-off, deadlines and schedules */
  clockSpeed?: number;
  /** simulated nodes, each with a kubelet and the simulated container runtime (default 3) */
  nodes?: number;
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
  );
  // controllers catch up in the background; the API server is already serving
  const controllersReady = controllers.start();
  let nodes;
  try {
    nodes = await startNodes(controllers.context(), {
      count: opts.nodes ?? 3,
      logsDir: path.join(stateDir, 'logs'),
      maxPods: opts.maxPodsPerNode,
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
    controllersReady: Promise.all([controllersReady, nodes.ready]).then(() => undefined),
    async stop() {
      await nodes.stop();
      controllers.stop();
      await apiServer.stop();
      await store.close();
    },
  };
}
