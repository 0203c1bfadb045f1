// The LimitRanger admission step, as kube-apiserver's: a new pod's containers get the default limits and
// requests of the namespace's LimitRanges (noted in the `kubernetes.io/limit-ranger` annotation), then pods,
// containers and claims are checked against min, max and maxLimitRequestRatio, refused with its wording.
import type {
  Container,
  LimitRange,
  LimitRangeItem,
  PersistentVolumeClaim,
  Pod,
  ResourceRequirements,
} from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../../kube/objects';
import type { ResourceInfo } from '../../../kube/registry';
import { parseQuantity } from '../../../kube/semantics/quantity';
import { formatQuantity } from '../../quota/usage';
import type { Store } from '../../store/types';
import { forbidden } from '../apiErrors';

type Amounts = Record<string, number>;

function limitRangesIn(store: Store, ns: string): LimitRange[] {
  return store.list(`/registry/core/limitranges/${ns}/`).items.map((e) => e.value as LimitRange);
}

function itemsOf(ranges: LimitRange[], type: string): LimitRangeItem[] {
  return ranges.flatMap((r) => (r.spec?.limits ?? []).filter((i) => i.type === type));
}

function amounts(m: Record<string, unknown> | undefined): Amounts {
  const out: Amounts = {};
  for (const [k, v] of Object.entries(m ?? {})) {
    const n = parseQuantity(v);
    if (n !== undefined) out[k] = n;
  }
  return out;
}

/** Sets what a container leaves out from the defaults; returns what was set, for the annotation. */
function applyDefaults(c: Container, items: LimitRangeItem[]): string[] {
  const set: string[] = [];
  for (const item of items) {
    const res: ResourceRequirements = (c.resources ??= {});
    for (const [r, q] of Object.entries(item.default ?? {})) {
      if (res.limits?.[r] !== undefined) continue;
      (res.limits ??= {})[r] = q;
      set.push(`${r} limit for container ${c.name}`);
    }
    for (const [r, q] of Object.entries(item.defaultRequest ?? {})) {
      if (res.requests?.[r] !== undefined) continue;
      (res.requests ??= {})[r] = q;
      set.push(`${r} request for container ${c.name}`);
    }
  }
  return set;
}

/** The min, max and ratio checks of one item against requests and limits (pkg/admission/plugin/limitranger). */
function check(item: LimitRangeItem, kind: string, requests: Amounts, limits: Amounts): string[] {
  const errs: string[] = [];
  const q = (v: unknown) => formatQuantity(parseQuantity(v) ?? 0);
  for (const [r, min] of Object.entries(item.min ?? {})) {
    const m = parseQuantity(min) ?? 0;
    if (requests[r] === undefined) errs.push(`minimum ${r} usage per ${kind} is ${q(min)}.  No request is specified`);
    else if (requests[r] < m)
      errs.push(`minimum ${r} usage per ${kind} is ${q(min)}, but request is ${q(requests[r])}`);
    if (limits[r] !== undefined && limits[r] < m)
      errs.push(`minimum ${r} usage per ${kind} is ${q(min)}, but limit is ${q(limits[r])}`);
  }
  for (const [r, max] of Object.entries(item.max ?? {})) {
    const m = parseQuantity(max) ?? 0;
    // a claim's maximum bounds its request only (kube-apiserver's maxRequestConstraint)
    if (kind === 'PersistentVolumeClaim') {
      if (requests[r] === undefined) errs.push(`maximum ${r} usage per ${kind} is ${q(max)}.  No request is specified`);
      else if (requests[r] > m)
        errs.push(`maximum ${r} usage per ${kind} is ${q(max)}, but request is ${q(requests[r])}`);
      continue;
    }
    if (limits[r] === undefined) errs.push(`maximum ${r} usage per ${kind} is ${q(max)}.  No limit is specified`);
    else if (limits[r] > m) errs.push(`maximum ${r} usage per ${kind} is ${q(max)}, but limit is ${q(limits[r])}`);
    if (requests[r] !== undefined && requests[r] > m)
      errs.push(`maximum ${r} usage per ${kind} is ${q(max)}, but request is ${q(requests[r])}`);
  }
  for (const [r, ratio] of Object.entries(item.maxLimitRequestRatio ?? {})) {
    const max = parseQuantity(ratio) ?? 0;
    if (limits[r] === undefined)
      errs.push(`${r} max limit to request ratio per ${kind} is ${q(ratio)}, but no limit is specified`);
    else if (!requests[r])
      errs.push(
        `${r} max limit to request ratio per ${kind} is ${q(ratio)}, but no request is specified or request is 0`,
      );
    else if (limits[r] / requests[r] > max)
      errs.push(
        `${r} max limit to request ratio per ${kind} is ${q(ratio)}, but provided ratio is ${(limits[r] / requests[r]).toFixed(6)}`,
      );
  }
  return errs;
}

function sum(list: Amounts[]): Amounts {
  const out: Amounts = {};
  for (const a of list) for (const [k, v] of Object.entries(a)) out[k] = (out[k] ?? 0) + v;
  return out;
}

export function admitLimitRanges(store: Store, info: ResourceInfo, obj: KubeObject): void {
  const ns = obj.metadata.namespace;
  if (info.group !== '' || !ns || (info.plural !== 'pods' && info.plural !== 'persistentvolumeclaims')) return;
  const ranges = limitRangesIn(store, ns);
  if (!ranges.length) return;
  const errs: string[] = [];
  if (info.plural === 'pods') {
    const pod = obj as Pod;
    const containerItems = itemsOf(ranges, 'Container');
    const containers = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
    const set = containers.flatMap((c) => applyDefaults(c, containerItems));
    if (set.length)
      (obj.metadata.annotations ??= {})['kubernetes.io/limit-ranger'] = `LimitRanger plugin set: ${set.join('; ')}`;
    for (const item of containerItems)
      for (const c of containers)
        errs.push(...check(item, 'Container', amounts(c.resources?.requests), amounts(c.resources?.limits)));
    const regular = pod.spec?.containers ?? [];
    for (const item of itemsOf(ranges, 'Pod'))
      errs.push(
        ...check(
          item,
          'Pod',
          sum(regular.map((c) => amounts(c.resources?.requests))),
          sum(regular.map((c) => amounts(c.resources?.limits))),
        ),
      );
  } else {
    const pvc = obj as PersistentVolumeClaim;
    for (const item of itemsOf(ranges, 'PersistentVolumeClaim'))
      errs.push(
        ...check(
          item,
          'PersistentVolumeClaim',
          amounts(pvc.spec?.resources?.requests),
          amounts(pvc.spec?.resources?.limits),
        ),
      );
  }
  if (!errs.length) return;
  const message = errs.length === 1 ? errs[0] : `[${errs.join(', ')}]`;
  throw forbidden(`${info.plural} "${obj.metadata.name ?? ''}" is forbidden: ${message}`, {
    name: obj.metadata.name,
    kind: info.plural,
  });
}
