// The target's pods and their usage, read as the HorizontalPodAutoscaler controller reads them: pods by the scale
// subresource's selector (without those being deleted or finished), usage from metrics.k8s.io through the API.
import type { Pod } from 'kubernetes-types/core/v1';
import { matchesLabels, parseLabelSelector } from '../../../kube/labelSelector';
import { parseQuantity } from '../../../kube/semantics/quantity';
import type { ApiClient } from '../../../kubeclient/apiClient';
import { KubeApiError } from '../../../kubeclient/apiError';
import type { Informer } from '../../../kubeclient/informer';
import type { ResourceName } from './replicaCalculator';

interface PodMetricsList {
  items?: { metadata?: { name?: string }; containers?: { usage?: Record<string, string> }[] }[];
}

export function targetPods(pods: Informer, namespace: string, selector: string): Pod[] {
  const sel = parseLabelSelector(selector);
  return (pods.list() as Pod[]).filter(
    (p) =>
      p.metadata?.namespace === namespace &&
      !p.metadata?.deletionTimestamp &&
      p.status?.phase !== 'Failed' &&
      p.status?.phase !== 'Succeeded' &&
      matchesLabels(sel, p.metadata?.labels ?? {}),
  );
}

/** Each pod's usage of `resource` (base units) by name; rejects with the server's reason when none is served. */
export async function podUsage(
  client: ApiClient,
  namespace: string,
  selector: string,
  resource: ResourceName,
): Promise<Map<string, number>> {
  const path = `/apis/metrics.k8s.io/v1beta1/namespaces/${encodeURIComponent(namespace)}/pods`;
  let list: PodMetricsList;
  try {
    list = await client.list(path, { labelSelector: selector });
  } catch (e) {
    if (e instanceof KubeApiError) throw new Error(`unable to get metrics for resource ${resource}: ${e.message}`);
    throw e;
  }
  const usage = new Map<string, number>();
  for (const item of list.items ?? []) {
    let total = 0;
    for (const c of item.containers ?? []) total += parseQuantity(c.usage?.[resource]) ?? 0;
    if (item.metadata?.name) usage.set(item.metadata.name, total);
  }
  return usage;
}
