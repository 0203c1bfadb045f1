// The kinds the Cluster view lists inside a namespace, in the order it lists them, and what can be done to each.

export type Capability = 'logs' | 'scale' | 'restart' | 'undo' | 'pin';

export interface ClusterKind {
  group: string;
  version: string;
  plural: string;
  kind: string;
  /** the group's label in the tree */
  title: string;
  /** codicon of the group and its items */
  icon: string;
  capabilities: readonly Capability[];
}

const WORKLOAD: readonly Capability[] = ['logs', 'restart', 'pin'];

export const NAMESPACED_KINDS: readonly ClusterKind[] = [
  {
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    kind: 'Deployment',
    title: 'Deployments',
    icon: 'layers',
    capabilities: [...WORKLOAD, 'scale', 'undo'],
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'statefulsets',
    kind: 'StatefulSet',
    title: 'StatefulSets',
    icon: 'database',
    capabilities: [...WORKLOAD, 'scale'],
  },
  {
    group: 'apps',
    version: 'v1',
    plural: 'daemonsets',
    kind: 'DaemonSet',
    title: 'DaemonSets',
    icon: 'server-environment',
    capabilities: WORKLOAD,
  },
  {
    group: 'batch',
    version: 'v1',
    plural: 'jobs',
    kind: 'Job',
    title: 'Jobs',
    icon: 'run-all',
    capabilities: ['logs', 'pin'],
  },
  {
    group: 'batch',
    version: 'v1',
    plural: 'cronjobs',
    kind: 'CronJob',
    title: 'CronJobs',
    icon: 'watch',
    capabilities: ['pin'],
  },
  { group: '', version: 'v1', plural: 'services', kind: 'Service', title: 'Services', icon: 'plug', capabilities: [] },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'ingresses',
    kind: 'Ingress',
    title: 'Ingresses',
    icon: 'globe',
    capabilities: [],
  },
  {
    group: '',
    version: 'v1',
    plural: 'configmaps',
    kind: 'ConfigMap',
    title: 'ConfigMaps',
    icon: 'symbol-property',
    capabilities: [],
  },
  { group: '', version: 'v1', plural: 'secrets', kind: 'Secret', title: 'Secrets', icon: 'lock', capabilities: [] },
  {
    group: '',
    version: 'v1',
    plural: 'persistentvolumeclaims',
    kind: 'PersistentVolumeClaim',
    title: 'PersistentVolumeClaims',
    icon: 'archive',
    capabilities: [],
  },
  { group: '', version: 'v1', plural: 'pods', kind: 'Pod', title: 'Pods', icon: 'vm', capabilities: ['logs'] },
];

export const NAMESPACES = { group: '', version: 'v1', plural: 'namespaces', kind: 'Namespace' };
export const NODES = { group: '', version: 'v1', plural: 'nodes', kind: 'Node' };
export const EVENTS = { group: '', version: 'v1', plural: 'events', kind: 'Event' };

export function kindByPlural(plural: string): ClusterKind | undefined {
  return NAMESPACED_KINDS.find((k) => k.plural === plural);
}
