// The admission steps that read other objects, run after the schema, defaults and semantic checks
// (../admission.ts), in kube-apiserver's plugin order: LimitRanger (which may set requests the quota counts),
// DefaultTolerationSeconds, ResourceQuota last. On updates, as kube-apiserver: LimitRanger validates claims (a
// pod's resources cannot change through an update), and ResourceQuota charges what an update adds (a claim's
// storage expansion, a Service turned NodePort or LoadBalancer).
import type { Pod } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../../kube/objects';
import type { ResourceInfo } from '../../../kube/registry';
import type { Store } from '../../store/types';
import { addDefaultTolerations } from './defaultTolerationSeconds';
import { admitLimitRanges } from './limitRanger';
import { admitResourceQuota } from './resourceQuota';

export function admitCreate(store: Store, info: ResourceInfo, obj: KubeObject): void {
  if (info.custom) return;
  admitLimitRanges(store, info, obj);
  if (info.group === '' && info.plural === 'pods') addDefaultTolerations(obj as Pod);
  admitResourceQuota(store, info, obj);
}

/** Kinds whose updates can change what quota counts (kube-apiserver's evaluators that handle UPDATE). */
const QUOTA_ON_UPDATE = new Set(['persistentvolumeclaims', 'services']);

export function admitUpdate(store: Store, info: ResourceInfo, obj: KubeObject, old: KubeObject): void {
  if (info.custom || info.group !== '') return;
  if (info.plural === 'persistentvolumeclaims') admitLimitRanges(store, info, obj);
  if (QUOTA_ON_UPDATE.has(info.plural)) admitResourceQuota(store, info, obj, old);
}
