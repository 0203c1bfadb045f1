// The kinds the Cluster view lists inside a namespace, in the order it lists them, and what can be done to each.
// Where each is served (group, version, resource) comes from the one resource registry, kube/registry.ts.
import { BUILTIN_RESOURCES } from '../../kube/registry';
import type { ObjectRef } from './treeNode';

export type Capability = 'logs' | 'scale' | 'restart' | 'undo' | 'pin';

export interface ServedKind {
  group: string;
  version: string;
  plural: string;
  kind: string;
}

export interface ClusterKind extends ServedKind {
  /** the group's label in the tree */
  title: string;
  /** codicon of the group and its items */
  icon: string;
  capabilities: readonly Capability[];
}

function served(kind: string): ServedKind {
  const r = BUILTIN_RESOURCES.find((x) => x.kind === kind && x.group !== 'events.k8s.io');
  if (!r) throw new Error(`no built-in resource of kind ${kind}`);
  return { group: r.group, version: r.version, plural: r.plural, kind };
}

const listed = (kind: string, title: string, icon: string, capabilities: Capability[] = []): ClusterKind => ({
  ...served(kind),
  title,
  icon,
  capabilities,
});

export const NAMESPACED_KINDS: readonly ClusterKind[] = [
  listed('Deployment', 'Deployments', 'layers', ['logs', 'restart', 'pin', 'scale', 'undo']),
  listed('StatefulSet', 'StatefulSets', 'database', ['logs', 'restart', 'pin', 'scale']),
  listed('DaemonSet', 'DaemonSets', 'server-environment', ['logs', 'restart', 'pin']),
  listed('Job', 'Jobs', 'run-all', ['logs', 'pin']),
  listed('CronJob', 'CronJobs', 'watch', ['pin']),
  listed('Service', 'Services', 'plug'),
  listed('Ingress', 'Ingresses', 'globe'),
  listed('ConfigMap', 'ConfigMaps', 'symbol-property'),
  listed('Secret', 'Secrets', 'lock'),
  listed('PersistentVolumeClaim', 'PersistentVolumeClaims', 'archive'),
  listed('Pod', 'Pods', 'vm', ['logs']),
];

export const NAMESPACES = served('Namespace');
export const NODES = served('Node');
export const EVENTS = served('Event');

export function kindByPlural(plural: string): ClusterKind | undefined {
  return NAMESPACED_KINDS.find((k) => k.plural === plural);
}

/** The ref of a namespaced object of a listed kind. */
export function objectRef(kind: ServedKind, namespace: string, name: string): ObjectRef {
  const { group, version, plural } = kind;
  return { group, version, plural, kind: kind.kind, namespaced: true, namespace, name };
}
