// What a ValidatingAdmissionPolicy is asked about: one request's operation, resource, objects and requester,
// and the `request` variable its expressions read (admission.k8s.io's AdmissionRequest).
import type { KubeObject } from '../../../../kube/objects';
import type { ResourceInfo } from '../../../../kube/registry';
import type { UserInfo } from '../../access/userInfo';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionAttributes {
  operation: Operation;
  info: ResourceInfo;
  namespace?: string;
  name: string;
  /** the object written (absent on DELETE) */
  object?: KubeObject;
  /** the stored object (UPDATE, DELETE) */
  oldObject?: KubeObject;
  requester?: UserInfo;
  dryRun: boolean;
}

/** The `request` variable, as kube-apiserver fills it for policies. */
export function requestOf(a: AdmissionAttributes): Record<string, unknown> {
  const { group, version, kind, plural } = a.info;
  const user = a.requester;
  return {
    kind: { group, version, kind },
    resource: { group, version, resource: plural },
    requestKind: { group, version, kind },
    requestResource: { group, version, resource: plural },
    name: a.name,
    namespace: a.namespace ?? '',
    operation: a.operation,
    userInfo: user
      ? { username: user.username, uid: user.uid ?? '', groups: user.groups, extra: user.extra ?? {} }
      : { username: '', groups: [] },
    dryRun: a.dryRun,
  };
}
