// The one way Slipway talks to a cluster, embedded or real: the Kubernetes API through a kubeconfig.
import * as k8s from '@kubernetes/client-node';

export function loadKubeConfig(file?: string, context?: string): k8s.KubeConfig {
  const kc = new k8s.KubeConfig();
  if (file) kc.loadFromFile(file);
  else kc.loadFromDefault();
  if (context) kc.setCurrentContext(context);
  return kc;
}

/** Server-side apply with field manager `slipway`; creates what is missing. */
export async function serverSideApply(kc: k8s.KubeConfig, objects: any[], opts: { force?: boolean } = {}): Promise<any[]> {
  const client = k8s.KubernetesObjectApi.makeApiClient(kc);
  const out: any[] = [];
  for (const o of objects) {
    out.push(await client.patch(o, undefined, undefined, 'slipway', opts.force ?? true, k8s.PatchStrategy.ServerSideApply));
  }
  return out;
}
