// The ResourceQuota admission step, as kube-apiserver's: a create that would take a namespace past one of its
// quotas' hard limits is refused (403 "exceeded quota"), and a pod that leaves out a compute resource a quota
// limits is refused ("must specify"). Usage is counted from the store at the time of the write
// (cluster/quota/usage.ts, which the ResourceQuota controller reports in status.used).
import type { Pod, ResourceQuota } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../../kube/objects';
import type { ResourceInfo } from '../../../kube/registry';
import { parseQuantity } from '../../../kube/semantics/quantity';
import { formatQuantity, groupBySource, inScopes, sumUsage, usageOf, type Usage } from '../../quota/usage';
import type { Store } from '../../store/types';
import { forbidden } from '../apiErrors';
import { storageKey } from '../objectStorage';

const COMPUTE = /^(cpu|memory|(requests|limits)\.(cpu|memory))$/;

function quotasIn(store: Store, ns: string): ResourceQuota[] {
  return store.list(`/registry/core/resourcequotas/${ns}/`).items.map((e) => e.value as ResourceQuota);
}

/** Resources a quota limits that the pod's containers leave out: "requests.cpu for: app". */
function missingCompute(pod: Pod, hard: string[]): string[] {
  const out: string[] = [];
  for (const name of hard.filter((h) => COMPUTE.test(h)).sort()) {
    const [kind, r] = name.includes('.') ? name.split('.') : ['requests', name];
    const lacking = (pod.spec?.containers ?? [])
      .filter((c) => c.resources?.[kind as 'requests' | 'limits']?.[r] === undefined)
      .map((c) => c.name);
    if (lacking.length) out.push(`${name} for: ${lacking.join(',')}`);
  }
  return out;
}

/** What the new usage adds to the old: positive differences only. */
function added(now: Usage, before: Usage): Usage {
  const out: Usage = {};
  for (const [k, v] of Object.entries(now)) if (v - (before[k] ?? 0) > 0) out[k] = v - (before[k] ?? 0);
  return out;
}

function list(u: Usage, names: string[]): string {
  return names.map((n) => `${n}=${formatQuantity(u[n] ?? 0)}`).join(',');
}

/**
 * A create, or (with `old`) an update, which is charged only what it adds: the new usage less the old, where
 * positive (the stored old object is already in the quota's used).
 */
export function admitResourceQuota(store: Store, info: ResourceInfo, obj: KubeObject, old?: KubeObject): void {
  const ns = obj.metadata.namespace;
  if (!info.namespaced || !ns) return;
  const quotas = quotasIn(store, ns);
  if (!quotas.length) return;
  const resource = { group: info.group, plural: info.plural };
  const what = `${info.plural}${info.group ? `.${info.group}` : ''} "${obj.metadata.name ?? ''}"`;
  for (const q of quotas) {
    if (!inScopes(q.spec?.scopes, resource, obj)) continue;
    const requested = added(
      usageOf(resource, obj),
      old && inScopes(q.spec?.scopes, resource, old) ? usageOf(resource, old) : {},
    );
    const hard = Object.keys(q.spec?.hard ?? {});
    if (info.group === '' && info.plural === 'pods' && !old) {
      const missing = missingCompute(obj as Pod, hard);
      if (missing.length)
        throw forbidden(`${what} is forbidden: failed quota: ${q.metadata?.name}: must specify ${missing.join('; ')}`, {
          name: obj.metadata.name,
          kind: info.plural,
        });
    }
    const mine = hard.filter((h) => requested[h] !== undefined).sort();
    if (!mine.length) continue;
    const source = groupBySource(mine).find(
      (g) => g.resource.group === info.group && g.resource.plural === info.plural,
    );
    if (!source) continue;
    const existing = store
      .list(storageKey(info, ns))
      .items.map((e) => e.value as KubeObject)
      .filter((o) => inScopes(q.spec?.scopes, resource, o));
    const used = sumUsage(resource, existing, source.names);
    const exceeded = source.names.filter(
      (n) => used[n] + (requested[n] ?? 0) > (parseQuantity(q.spec?.hard?.[n]) ?? Infinity),
    );
    if (!exceeded.length) continue;
    const limited: Usage = Object.fromEntries(exceeded.map((n) => [n, parseQuantity(q.spec?.hard?.[n]) ?? 0]));
    throw forbidden(
      `${what} is forbidden: exceeded quota: ${q.metadata?.name}, requested: ${list(requested, exceeded)}, ` +
        `used: ${list(used, exceeded)}, limited: ${list(limited, exceeded)}`,
      { name: obj.metadata.name, kind: info.plural },
    );
  }
}
