// Roles, ClusterRoles and their bindings: written only without privilege escalation (access/escalation.ts), as
// kube-apiserver's policy-based RBAC storage.
import type { KubeObject } from '../../../kube/objects';
import type { UserInfo } from '../access/userInfo';
import { confirmNoEscalation } from '../access/escalation';
import type { RbacAuthorizer } from '../access/rbac';
import type { Strategy } from './strategy';

export function rbacObjectStrategies(rbac: RbacAuthorizer): [string, string, Strategy][] {
  return ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'].map((plural) => [
    'rbac.authorization.k8s.io',
    plural,
    {
      prepareForCreate: (obj: KubeObject, _dryRun: boolean, requester: UserInfo | undefined) =>
        confirmNoEscalation(rbac, requester, plural, obj),
      prepareForUpdate: (obj: KubeObject, _old: KubeObject, requester: UserInfo | undefined) =>
        confirmNoEscalation(rbac, requester, plural, obj),
    },
  ]);
}
