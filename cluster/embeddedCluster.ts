// Starts the embedded cluster: store, certificates, token, API server, kubeconfig.
import * as fs from 'fs';
import * as path from 'path';
import { openStore } from './store';
import { Store } from './store/types';
import { ApiServer } from './apiserver/server';
import { ensureCertificates } from './security/certificates';
import { ensureToken } from './security/token';
import { writeKubeconfig } from './security/kubeconfig';

export interface ClusterOptions {
  stateDir: string;
  port?: number;
  host?: string;
}

export interface RunningCluster {
  url: string;
  kubeconfig: string;
  token: string;
  caCert: string;
  stateDir: string;
  apiServer: ApiServer;
  store: Store;
  stop(): Promise<void>;
}

export async function startCluster(opts: ClusterOptions): Promise<RunningCluster> {
  const stateDir = path.resolve(opts.stateDir);
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const [store, certs] = await Promise.all([openStore(path.join(stateDir, 'store')), ensureCertificates(stateDir)]);
  const token = ensureToken(stateDir);
  const apiServer = new ApiServer({
    store,
    host: opts.host,
    port: opts.port,
    tls: { cert: certs.cert, key: certs.key },
    token,
    logsDir: path.join(stateDir, 'logs'),
  });
  let url: string;
  try {
    url = await apiServer.start();
  } catch (e) {
    await store.close();
    throw e;
  }
  const kubeconfig = writeKubeconfig(stateDir, url, certs.caCert, token);
  return {
    url,
    kubeconfig,
    token,
    caCert: certs.caCert,
    stateDir,
    apiServer,
    store,
    async stop() {
      await apiServer.stop();
      await store.close();
    },
  };
}
