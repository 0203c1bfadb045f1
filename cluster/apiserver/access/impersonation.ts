// Impersonation headers (Impersonate-User, Impersonate-Group, Impersonate-Uid), as kube-apiserver's filter:
// the requester must be allowed to impersonate each (verb impersonate on users, groups, serviceaccounts or
// uids); the request then runs as that user, with system:authenticated added.
import type { IncomingMessage } from 'http';
import { forbidden } from '../apiErrors';
import { isAllowed } from './authorization';
import type { Attributes, RbacAuthorizer } from './rbac';
import { AUTHENTICATED, parseServiceAccountUsername, serviceAccountUser, type UserInfo } from './userInfo';

const headerValues = (req: IncomingMessage, name: string): string[] => {
  const v = req.headers[name];
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : v.split(',')).map((s) => s.trim()).filter((s) => s !== '');
};

export function impersonate(req: IncomingMessage, requester: UserInfo, rbac: RbacAuthorizer): UserInfo {
  const [username, ...more] = headerValues(req, 'impersonate-user');
  const groups = headerValues(req, 'impersonate-group');
  const uid = req.headers['impersonate-uid'];
  if (username === undefined) {
    if (groups.length || uid !== undefined) throw forbidden('requested impersonation without a user to impersonate');
    return requester;
  }
  if (more.length) throw forbidden('only one user may be impersonated');
  const check = (resource: string, name: string, namespace?: string) => {
    const attrs: Attributes = { resourceRequest: true, verb: 'impersonate', group: '', resource, name, namespace };
    if (!isAllowed(rbac, requester, attrs))
      throw forbidden(
        `${resource} ${JSON.stringify(name)} is forbidden: User ${JSON.stringify(requester.username)} cannot ` +
          `impersonate resource ${JSON.stringify(resource)} in API group "" at the cluster scope`,
        { name, group: '', kind: resource },
      );
  };
  const sa = parseServiceAccountUsername(username);
  if (sa) check('serviceaccounts', sa.name, sa.namespace);
  else check('users', username);
  for (const g of groups) check('groups', g);
  if (typeof uid === 'string') check('uids', uid);
  const base = sa && !groups.length ? serviceAccountUser(sa.namespace, sa.name).groups : groups;
  const all = base.includes(AUTHENTICATED) ? base : [...base, AUTHENTICATED];
  return { username, uid: typeof uid === 'string' ? uid : undefined, groups: all };
}
