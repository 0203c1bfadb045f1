// RBAC, as kube-apiserver's authorizer: the rules of the Roles and ClusterRoles bound to the user (by
// RoleBindings in the request's namespace and ClusterRoleBindings), a ClusterRole with an aggregationRule having
// the rules of the ClusterRoles its selectors match. Read from the store at each request, so a new binding
// applies to the very next request.
import type { ClusterRole, PolicyRule, RoleBinding, Subject } from 'kubernetes-types/rbac/v1';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { fromLabelSelector, matchesLabels } from '../../../kube/labelSelector';
import type { Store } from '../../store/types';
import { parseServiceAccountUsername, type UserInfo } from './userInfo';

const RBAC = '/registry/rbac.authorization.k8s.io';

/** What a request asks to do, as Kubernetes' authorizer.Attributes. */
export type Attributes =
  | {
      resourceRequest: true;
      verb: string;
      group: string;
      resource: string;
      subresource?: string;
      namespace?: string;
      name?: string;
    }
  | { resourceRequest: false; verb: string; path: string };

function subjectMatches(s: Subject, user: UserInfo, bindingNamespace: string | undefined): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === user.username;
    case 'Group':
      return user.groups.includes(s.name);
    case 'ServiceAccount': {
      const sa = parseServiceAccountUsername(user.username);
      return !!sa && sa.name === s.name && sa.namespace === (s.namespace || bindingNamespace);
    }
    default:
      return false;
  }
}

export class RbacAuthorizer {
  constructor(private readonly store: Store) {}

  private list<T>(prefix: string): T[] {
    return this.store.list(prefix).items.map((e) => e.value as T);
  }

  /** The rules of a ClusterRole, with those it aggregates (visited guards against selector cycles). */
  private clusterRoleRules(name: string, visited = new Set<string>()): PolicyRule[] {
    if (visited.has(name)) return [];
    visited.add(name);
    const role = this.store.get(`${RBAC}/clusterroles/${name}`)?.value as ClusterRole | undefined;
    if (!role) return [];
    const rules = [...(role.rules ?? [])];
    const selectors = role.aggregationRule?.clusterRoleSelectors ?? [];
    if (selectors.length) {
      // a selector that cannot be read selects nothing, as a malformed one would match no role
      const parsed = selectors.flatMap((s: LabelSelector) => {
        try {
          return [fromLabelSelector(s)];
        } catch {
          return [];
        }
      });
      for (const other of this.list<ClusterRole>(`${RBAC}/clusterroles/`)) {
        const labels = other.metadata?.labels ?? {};
        if (other.metadata?.name !== name && parsed.some((p) => matchesLabels(p, labels)))
          rules.push(...this.clusterRoleRules(other.metadata?.name ?? '', visited));
      }
    }
    return rules;
  }

  /** The rules of a role a binding refers to (a Role in the binding's namespace, or a ClusterRole). */
  roleRules(kind: string, name: string, namespace: string | undefined): PolicyRule[] {
    if (kind === 'ClusterRole') return this.clusterRoleRules(name);
    const role = this.store.get(`${RBAC}/roles/${namespace}/${name}`)?.value as ClusterRole | undefined;
    return role?.rules ?? [];
  }

  /** Every rule granted to the user in a namespace (cluster-wide ones when namespace is undefined). */
  rulesFor(user: UserInfo, namespace: string | undefined): PolicyRule[] {
    const rules: PolicyRule[] = [];
    for (const b of this.list<RoleBinding>(`${RBAC}/clusterrolebindings/`)) {
      if ((b.subjects ?? []).some((s) => subjectMatches(s, user, undefined)))
        rules.push(...this.clusterRoleRules(b.roleRef.name));
    }
    if (namespace) {
      for (const b of this.list<RoleBinding>(`${RBAC}/rolebindings/${namespace}/`)) {
        if (!(b.subjects ?? []).some((s) => subjectMatches(s, user, namespace))) continue;
        if (b.roleRef.kind === 'ClusterRole') rules.push(...this.clusterRoleRules(b.roleRef.name));
        else {
          const role = this.store.get(`${RBAC}/roles/${namespace}/${b.roleRef.name}`)?.value as ClusterRole;
          rules.push(...(role?.rules ?? []));
        }
      }
    }
    return rules;
  }

  allowed(user: UserInfo, attrs: Attributes): boolean {
    const ns = attrs.resourceRequest ? attrs.namespace : undefined;
    return this.rulesFor(user, ns).some((r) => ruleAllows(r, attrs));
  }
}

const has = (list: string[] | undefined, v: string) => !!list && (list.includes('*') || list.includes(v));

export function ruleAllows(rule: PolicyRule, a: Attributes): boolean {
  if (!has(rule.verbs, a.verb)) return false;
  if (!a.resourceRequest) {
    return (rule.nonResourceURLs ?? []).some(
      (u) => u === '*' || u === a.path || (u.endsWith('*') && a.path.startsWith(u.slice(0, -1))),
    );
  }
  if (!has(rule.apiGroups, a.group)) return false;
  const resources = rule.resources ?? [];
  const combined = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resourceOk =
    resources.includes('*') ||
    resources.includes(combined) ||
    (!!a.subresource && resources.includes(`*/${a.subresource}`));
  if (!resourceOk) return false;
  return !rule.resourceNames?.length || (!!a.name && rule.resourceNames.includes(a.name));
}
