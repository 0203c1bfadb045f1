// The admission steps that read other objects, around the schema, defaults and semantic checks
// (../admission.ts), in kube-apiserver's plugin order. Before mutating webhooks: LimitRanger (which may set
// requests the quota counts) and DefaultTolerationSeconds; on updates LimitRanger validates claims (a pod's
// resources cannot change through an update). ResourceQuota runs last, after the validating webhooks, so it
// counts what mutating webhooks added; an update is charged what it adds (a claim's storage expansion, a
// Service turned NodePort or LoadBalancer).
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
}

export function admitUpdate(store: Store, info: ResourceInfo, obj: KubeObject): void {
  if (info.custom || info.group !== '') return;
  if (info.plural === 'persistentvolumeclaims') admitLimitRanges(store, info, obj);
}

/** Kinds whose updates can change what quota counts (kube-apiserver's evaluators that handle UPDATE). */
const QUOTA_ON_UPDATE = new Set(['persistentvolumeclaims', 'services']);

/** The ResourceQuota step of a create (no `old`) or an update, the last of validating admission. */
export function admitQuota(store: Store, info: ResourceInfo, obj: KubeObject, old?: KubeObject): void {
  if (info.custom) return;
  if (old && (info.group !== '' || !QUOTA_ON_UPDATE.has(info.plural))) return;
  admitResourceQuota(store, info, obj, old);
}
