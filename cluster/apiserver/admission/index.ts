// The admission steps that read other objects, run on create after the schema, defaults and semantic checks
// (../admission.ts), in kube-apiserver's plugin order: LimitRanger (which may set requests the quota counts),
// DefaultTolerationSeconds, ResourceQuota last.
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
