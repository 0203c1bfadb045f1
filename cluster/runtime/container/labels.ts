// The labels every container the cluster creates carries: whose it is (cluster, node, pod, container) and what
// it is (a pod's sandbox or one of its containers), so that a restarted cluster finds exactly its own.
export const LABEL = {
  cluster: 'dev.slipway.cluster',
  node: 'dev.slipway.node',
  podUid: 'io.kubernetes.pod.uid',
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  container: 'io.kubernetes.container.name',
  /** "sandbox" or "container" */
  role: 'dev.slipway.role',
  sandbox: 'dev.slipway.sandbox',
} as const;

/** The engine's label filter for everything of one node of one cluster. */
export function nodeFilter(cluster: string, node: string): { label: string[] } {
  return { label: [`${LABEL.cluster}=${cluster}`, `${LABEL.node}=${node}`] };
}
