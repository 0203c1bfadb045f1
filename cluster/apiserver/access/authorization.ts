// Authorization of a request: system:masters may do anything (checked first, so the admin's requests and the
// cluster's own components pay nothing for RBAC); everyone else gets what RBAC grants, and a refusal worded as
// kube-apiserver words it.
import { forbidden, type ApiError } from '../apiErrors';
import type { Attributes, RbacAuthorizer } from './rbac';
import { SYSTEM_MASTERS, type UserInfo } from './userInfo';

export function isAllowed(rbac: RbacAuthorizer, user: UserInfo, attrs: Attributes): boolean {
  return user.groups.includes(SYSTEM_MASTERS) || rbac.allowed(user, attrs);
}

/** 403 `pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "ns"` */
export function forbiddenError(user: UserInfo, a: Attributes): ApiError {
  const who = `User ${JSON.stringify(user.username)}`;
  if (!a.resourceRequest) return forbidden(`forbidden: ${who} cannot ${a.verb} path ${JSON.stringify(a.path)}`);
  const qualified = a.group ? `${a.resource}.${a.group}` : a.resource;
  const subject = a.name ? `${qualified} ${JSON.stringify(a.name)}` : qualified;
  const resource = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const where = a.namespace ? `in the namespace ${JSON.stringify(a.namespace)}` : 'at the cluster scope';
  return forbidden(
    `${subject} is forbidden: ${who} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ` +
      `${JSON.stringify(a.group)} ${where}`,
    { ...(a.name ? { name: a.name } : {}), group: a.group, kind: a.resource },
  );
}
