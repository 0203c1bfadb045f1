// The order a revision is applied in: sync waves (slipway.dev/sync-wave, or Argo CD's annotation) first, then
// within a wave by kind, so what others need exists first: Namespaces, CRDs, ServiceAccounts and RBAC,
// ConfigMaps and Secrets, storage, Services, workloads, the rest. Pruning runs in the reverse order.
import { SYNC_WAVE_ANNOTATIONS } from '../kube/application';

const KIND_ORDER: string[][] = [
  ['Namespace'],
  ['CustomResourceDefinition'],
  [
    'PriorityClass',
    'StorageClass',
    'ResourceQuota',
    'LimitRange',
    'PodSecurityPolicy',
    'NetworkPolicy',
    'PodDisruptionBudget',
  ],
  ['ServiceAccount', 'ClusterRole', 'Role', 'ClusterRoleBinding', 'RoleBinding'],
  ['ConfigMap', 'Secret'],
  ['PersistentVolume', 'PersistentVolumeClaim'],
  ['Service', 'Endpoints', 'EndpointSlice'],
  ['Pod', 'ReplicaSet', 'ReplicationController', 'Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob'],
  ['HorizontalPodAutoscaler', 'Ingress', 'IngressClass'],
];

const rank = new Map<string, number>();
KIND_ORDER.forEach((kinds, i) => kinds.forEach((k) => rank.set(k, i)));
const REST = KIND_ORDER.length;

/** Where a kind is applied within a wave (lower first); kinds not listed come last. */
export function kindRank(kind: string | undefined): number {
  return (kind === undefined ? undefined : rank.get(kind)) ?? REST;
}

/** What planning reads of an object: its kind and its annotations (which may hold anything in a manifest). */
export interface PlannedObject {
  kind?: string;
  metadata?: { annotations?: Record<string, unknown> };
}

/** The object's sync wave: an integer, 0 when unset; NaN when the annotation is not an integer. */
export function waveOf(obj: PlannedObject | undefined): number {
  const annotations: Record<string, unknown> = obj?.metadata?.annotations ?? {};
  for (const a of SYNC_WAVE_ANNOTATIONS) {
    const v = annotations[a];
    if (v === undefined) continue;
    return /^\s*-?\d+\s*$/.test(String(v)) ? parseInt(String(v), 10) : NaN;
  }
  return 0;
}

export interface Step<T> {
  wave: number;
  rank: number;
  items: T[];
}

/** Groups items into steps ordered by (wave, kind rank); items in one step may be applied together. */
export function planSteps<T>(items: T[], objectOf: (t: T) => PlannedObject): Step<T>[] {
  const steps = new Map<string, Step<T>>();
  for (const item of items) {
    const o = objectOf(item);
    const wave = waveOf(o) || 0;
    const r = kindRank(o.kind);
    const key = `${wave}/${r}`;
    let s = steps.get(key);
    if (!s) steps.set(key, (s = { wave, rank: r, items: [] }));
    s.items.push(item);
  }
  return [...steps.values()].sort((a, b) => a.wave - b.wave || a.rank - b.rank);
}
