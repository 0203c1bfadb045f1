// Clients of a cluster named by a kubeconfig: its authentication (certificates, tokens, exec plugins) through
// @kubernetes/client-node's KubeConfig. That package costs about 0.6 s to load, so only the commands that
// reach a cluster by kubeconfig load this module, and they load it when they need it (await import).
import * as k8s from '@kubernetes/client-node';
import type * as https from 'https';
import { ApiClient } from './apiClient';
import { HttpsTransport } from './httpsTransport';
import { ObjectClient } from './objectClient';

export function loadKubeConfig(file?: string, context?: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  if (context) {
    if (!kc.getContexts().some((c) => c.name === context)) {
      const names =
        kc
          .getContexts()
          .map((c) => c.name)
          .join(', ') || 'none';
      throw new Error(`no context "${context}" in the kubeconfig; contexts: ${names}`);
    }
    kc.setCurrentContext(context);
  }
  return kc;
}

/** A client of the kubeconfig's current cluster, authenticated as its current user. */
export function kubeConfigClient(kc: k8s.KubeConfig, userAgent = 'slipway-syncer'): ObjectClient {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error('the kubeconfig names no current cluster: pass --context or set current-context');
  return new ObjectClient(
    new ApiClient(
      new HttpsTransport(
        cluster.server,
        async () => {
          const options: https.RequestOptions = {};
          await kc.applyToHTTPSOptions(options);
          return options;
        },
        userAgent,
      ),
    ),
  );
}
