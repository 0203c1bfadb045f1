// Who a request is made by, as Kubernetes' user.Info: a name, a uid, groups and extra values.
export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

export const SYSTEM_MASTERS = 'system:masters';
export const AUTHENTICATED = 'system:authenticated';

/** Who a request without credentials is, as kube-apiserver's anonymous authenticator names it. */
export const ANONYMOUS: UserInfo = { username: 'system:anonymous', groups: ['system:unauthenticated'] };

/** The holder of the admin token (the kubeconfig's user, and the cluster's own components), as kind names it. */
export const ADMIN: UserInfo = { username: 'kubernetes-admin', groups: [SYSTEM_MASTERS, AUTHENTICATED] };

/** The user and groups kube-apiserver gives a ServiceAccount. */
export function serviceAccountUser(namespace: string, name: string, uid?: string): UserInfo {
  return {
    username: `system:serviceaccount:${namespace}:${name}`,
    uid,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, AUTHENTICATED],
  };
}

/** namespace and name of a ServiceAccount's username, or undefined for other users */
export function parseServiceAccountUsername(username: string): { namespace: string; name: string } | undefined {
  const m = /^system:serviceaccount:([^:]+):([^:]+)$/.exec(username);
  return m ? { namespace: m[1], name: m[2] } : undefined;
}
