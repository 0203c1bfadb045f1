// The labels every container the cluster creates carries: whose it is (cluster, node, pod, container) and what
// it is (a pod's sandbox or one of its containers), so that a restarted cluster finds exactly its own.
export const LABEL = {
  cluster: 'dev.slipway.cluster',
  node: 'dev.slipway.node',
  podUid: 'io.kubernetes.pod.uid',
  podName: 'io.kubernetes.pod.name',
  podNamespace: 'io.kubernetes.pod.namespace',
  container: 'io.kubernetes.container.name',
  /**
   * "sandbox", "container", or "debug" for an ephemeral container in another container's process namespace: the
   * engine removes a container only once nothing joins its namespaces, so they go in the order of ROLES_BY_DEPENDENCE
   */
  role: 'dev.slipway.role',
  sandbox: 'dev.slipway.sandbox',
} as const;

/** The roles, those that join other containers' namespaces first. */
export const ROLES_BY_DEPENDENCE = ['debug', 'container', 'sandbox'];

/** The engine's label filter for everything of one node of one cluster. */
export function nodeFilter(cluster: string, node: string): { label: string[] } {
  return { label: [`${LABEL.cluster}=${cluster}`, `${LABEL.node}=${node}`] };
}
