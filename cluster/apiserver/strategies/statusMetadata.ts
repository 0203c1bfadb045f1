// What of metadata a status write takes from its body, as the kind's status strategy in kube-apiserver: a
// built-in's status strategy keeps the stored spec and lets labels and annotations change; Deployments' keeps the
// stored labels too; those that reset metadata (ResetObjectMetaForStatus or a copy of the stored ObjectMeta:
// ValidatingAdmissionPolicies, FlowSchemas, PriorityLevelConfigurations, CRDs) and custom resources' take none.
import type { ResourceInfo } from '../../../kube/registry';

export type StatusWrittenMetadata = 'labels' | 'annotations';

const BUILT_IN: StatusWrittenMetadata[] = ['labels', 'annotations'];

const BY_RESOURCE = new Map<string, StatusWrittenMetadata[]>([
  ['apps/deployments', ['annotations']],
  ['admissionregistration.k8s.io/validatingadmissionpolicies', []],
  ['flowcontrol.apiserver.k8s.io/flowschemas', []],
  ['flowcontrol.apiserver.k8s.io/prioritylevelconfigurations', []],
  ['apiextensions.k8s.io/customresourcedefinitions', []],
]);

export function statusWrittenMetadata(info: ResourceInfo): StatusWrittenMetadata[] {
  if (info.custom) return [];
  return BY_RESOURCE.get(`${info.group}/${info.plural}`) ?? BUILT_IN;
}
