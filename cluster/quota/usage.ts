// What objects use of a ResourceQuota's resources, as Kubernetes' quota evaluators count them: pods (while not
// terminal) their count and the requests and limits of their containers, Services, ConfigMaps, Secrets and
// claims their count (claims also their requested storage), and any resource `count/<plural>[.<group>]`.
// The quota admission step and the ResourceQuota controller both count with this module.
import type { PersistentVolumeClaim, Pod, Service } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../kube/objects';
import { parseQuantity } from '../../kube/semantics/quantity';

export type Usage = Record<string, number>;

/** A namespaced resource by group ('' for core) and plural. */
export interface CountedResource {
  group: string;
  plural: string;
}

/** The resource whose objects a quota's resource name counts: `requests.cpu` → pods, `count/jobs.batch` → jobs. */
export function sourceOf(resourceName: string): CountedResource | undefined {
  const count = /^count\/([^.]+)(?:\.(.+))?$/.exec(resourceName);
  if (count) return { plural: count[1], group: count[2] ?? '' };
  if (/^(pods|cpu|memory|ephemeral-storage|(requests|limits)\.(cpu|memory|ephemeral-storage))$/.test(resourceName))
    return { group: '', plural: 'pods' };
  if (/^services(\.(nodeports|loadbalancers))?$/.test(resourceName)) return { group: '', plural: 'services' };
  if (resourceName === 'configmaps' || resourceName === 'secrets' || resourceName === 'replicationcontrollers')
    return { group: '', plural: resourceName };
  if (resourceName === 'resourcequotas') return { group: '', plural: resourceName };
  if (
    resourceName === 'persistentvolumeclaims' ||
    /^requests\.storage$|\.storageclass\.storage\.k8s\.io\//.test(resourceName)
  )
    return { group: '', plural: 'persistentvolumeclaims' };
  return undefined;
}

function add(u: Usage, name: string, n: number): void {
  u[name] = (u[name] ?? 0) + n;
}

function isTerminal(pod: Pod): boolean {
  return pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed';
}

/** The compute resources a pod's containers ask for: the larger of the sum of containers and any init container. */
function podCompute(pod: Pod, kind: 'requests' | 'limits'): Usage {
  const sum: Usage = {};
  for (const c of pod.spec?.containers ?? [])
    for (const [r, q] of Object.entries(c.resources?.[kind] ?? {})) add(sum, r, parseQuantity(q) ?? 0);
  for (const c of pod.spec?.initContainers ?? [])
    for (const [r, q] of Object.entries(c.resources?.[kind] ?? {}))
      sum[r] = Math.max(sum[r] ?? 0, parseQuantity(q) ?? 0);
  return sum;
}

/** What one object uses; empty for objects that no longer count (terminal pods). */
export function usageOf(resource: CountedResource, obj: KubeObject): Usage {
  const u: Usage = {};
  const { group, plural } = resource;
  if (group === '' && plural === 'pods' && isTerminal(obj as Pod)) return u;
  u[`count/${plural}${group ? `.${group}` : ''}`] = 1;
  if (group !== '') return u;
  if (
    ['pods', 'services', 'configmaps', 'secrets', 'persistentvolumeclaims', 'replicationcontrollers'].includes(plural)
  )
    u[plural] = 1;
  if (plural === 'resourcequotas') u.resourcequotas = 1;
  if (plural === 'pods') {
    for (const [r, n] of Object.entries(podCompute(obj as Pod, 'requests'))) {
      add(u, `requests.${r}`, n);
      if (r === 'cpu' || r === 'memory' || r === 'ephemeral-storage') add(u, r, n);
    }
    for (const [r, n] of Object.entries(podCompute(obj as Pod, 'limits'))) add(u, `limits.${r}`, n);
  }
  if (plural === 'services') {
    const type = (obj as Service).spec?.type;
    if (type === 'LoadBalancer') u['services.loadbalancers'] = 1;
    if (type === 'NodePort' || type === 'LoadBalancer')
      u['services.nodeports'] = (obj as Service).spec?.ports?.length ?? 0;
  }
  if (plural === 'persistentvolumeclaims') {
    const pvc = obj as PersistentVolumeClaim;
    const storage = parseQuantity(pvc.spec?.resources?.requests?.storage) ?? 0;
    u['requests.storage'] = storage;
    const cls = pvc.spec?.storageClassName;
    if (cls) {
      u[`${cls}.storageclass.storage.k8s.io/requests.storage`] = storage;
      u[`${cls}.storageclass.storage.k8s.io/persistentvolumeclaims`] = 1;
    }
  }
  return u;
}

/** The total of the named resources over the objects of one resource. */
export function sumUsage(resource: CountedResource, objects: Iterable<KubeObject>, names: string[]): Usage {
  const total: Usage = Object.fromEntries(names.map((n) => [n, 0]));
  for (const o of objects) {
    const u = usageOf(resource, o);
    for (const n of names) if (u[n]) total[n] += u[n];
  }
  return total;
}

/** The resources of a quota's names, each with the names it counts. */
export function groupBySource(names: string[]): { resource: CountedResource; names: string[] }[] {
  const out = new Map<string, { resource: CountedResource; names: string[] }>();
  for (const n of names) {
    const r = sourceOf(n);
    if (!r) continue;
    const key = `${r.group}/${r.plural}`;
    if (!out.has(key)) out.set(key, { resource: r, names: [] });
    out.get(key)!.names.push(n);
  }
  return [...out.values()];
}

const BINARY_SUFFIXES: [string, number][] = [
  ['Ei', 2 ** 60],
  ['Pi', 2 ** 50],
  ['Ti', 2 ** 40],
  ['Gi', 2 ** 30],
  ['Mi', 2 ** 20],
  ['Ki', 2 ** 10],
];

/** A quantity as Kubernetes prints a canonical one: "500m", "2", "128Mi". */
export function formatQuantity(n: number): string {
  if (!Number.isInteger(n)) return `${Math.round(n * 1000)}m`;
  if (n >= 1024) for (const [s, f] of BINARY_SUFFIXES) if (n % f === 0) return `${n / f}${s}`;
  return String(n);
}

/** Whether a quota with these scopes counts the object: scoped quotas count only the pods of their scopes. */
export function inScopes(scopes: readonly string[] | undefined, resource: CountedResource, obj: KubeObject): boolean {
  if (!scopes?.length) return true;
  if (resource.group !== '' || resource.plural !== 'pods') return false;
  const pod = obj as Pod;
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  const bestEffort = containers.every(
    (c) => !Object.keys(c.resources?.requests ?? {}).length && !Object.keys(c.resources?.limits ?? {}).length,
  );
  const terminating = pod.spec?.activeDeadlineSeconds !== undefined;
  return scopes.every((s) =>
    s === 'Terminating'
      ? terminating
      : s === 'NotTerminating'
        ? !terminating
        : s === 'BestEffort'
          ? bestEffort
          : s === 'NotBestEffort'
            ? !bestEffort
            : true,
  );
}
