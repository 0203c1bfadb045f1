// RBAC's privilege-escalation prevention, as kube-apiserver's policy-based Role and binding storage: a user may
// write a Role or ClusterRole only with permissions it holds itself (or with the `escalate` verb on it), and bind
// a role only when it holds that role's permissions (or the `bind` verb on it). Without this, anyone allowed to
// write RBAC objects could grant itself everything.
import type { ClusterRole, PolicyRule, RoleBinding, RoleRef } from 'kubernetes-types/rbac/v1';
import type { KubeObject } from '../../../kube/objects';
import { forbidden, type ApiError } from '../apiErrors';
import type { RbacAuthorizer } from './rbac';
import { SYSTEM_MASTERS, type UserInfo } from './userInfo';

const GROUP = 'rbac.authorization.k8s.io';

/** One verb on one resource (or URL) of one group, the unit kube-apiserver compares rules in. */
function atomicRules(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const verb of rule.verbs ?? []) {
    for (const url of rule.nonResourceURLs ?? []) out.push({ verbs: [verb], nonResourceURLs: [url] });
    for (const group of rule.apiGroups ?? [])
      for (const resource of rule.resources ?? []) {
        const names = rule.resourceNames?.length ? rule.resourceNames : [undefined];
        for (const name of names)
          out.push({
            verbs: [verb],
            apiGroups: [group],
            resources: [resource],
            ...(name !== undefined ? { resourceNames: [name] } : {}),
          });
      }
  }
  return out;
}

const covered = (held: string[] | undefined, wanted: string) => !!held && (held.includes('*') || held.includes(wanted));

/** Whether one of the held rules grants the atomic rule (a wildcard is covered only by a wildcard). */
function coveredBy(held: PolicyRule[], a: PolicyRule): boolean {
  const verb = a.verbs[0];
  if (a.nonResourceURLs?.length) {
    const url = a.nonResourceURLs[0];
    return held.some(
      (h) =>
        covered(h.verbs, verb) &&
        (h.nonResourceURLs ?? []).some(
          (u) => u === '*' || u === url || (u.endsWith('*') && url.startsWith(u.slice(0, -1))),
        ),
    );
  }
  const group = a.apiGroups?.[0] ?? '';
  const resource = a.resources?.[0] ?? '';
  const name = a.resourceNames?.[0];
  return held.some((h) => {
    if (!covered(h.verbs, verb) || !covered(h.apiGroups, group)) return false;
    const resources = h.resources ?? [];
    const sub = resource.includes('/') ? resource.slice(resource.indexOf('/')) : undefined;
    const resourceOk =
      resources.includes('*') || resources.includes(resource) || (!!sub && resources.includes(`*${sub}`));
    if (!resourceOk) return false;
    if (!h.resourceNames?.length) return true;
    return name !== undefined && h.resourceNames.includes(name);
  });
}

/** The atomic rules of `rules` the user does not hold in the namespace (cluster-wide when undefined). */
export function missingRules(rbac: RbacAuthorizer, user: UserInfo, namespace: string | undefined, rules: PolicyRule[]) {
  const held = rbac.rulesFor(user, namespace);
  return rules.flatMap(atomicRules).filter((a) => !coveredBy(held, a));
}

function formatRule(r: PolicyRule): string {
  const list = (v: string[] | undefined) => `[${(v ?? []).map((x) => JSON.stringify(x)).join(' ')}]`;
  if (r.nonResourceURLs?.length) return `{NonResourceURLs:${list(r.nonResourceURLs)}, Verbs:${list(r.verbs)}}`;
  const names = r.resourceNames?.length ? `, ResourceNames:${list(r.resourceNames)}` : '';
  return `{APIGroups:${list(r.apiGroups)}, Resources:${list(r.resources)}${names}, Verbs:${list(r.verbs)}}`;
}

function escalationError(plural: string, name: string, user: UserInfo, missing: PolicyRule[]): ApiError {
  const groups = user.groups.map((g) => JSON.stringify(g)).join(' ');
  return forbidden(
    `${plural}.${GROUP} ${JSON.stringify(name)} is forbidden: user ${JSON.stringify(user.username)} ` +
      `(groups=[${groups}]) is attempting to grant RBAC permissions not currently held:\n` +
      missing.map(formatRule).join('\n'),
    { name, group: GROUP, kind: plural },
  );
}

/** The verb on the role itself that lifts the check: `escalate` on roles, `bind` on the referenced role. */
function mayBypass(rbac: RbacAuthorizer, user: UserInfo, verb: string, resource: string, name: string, ns?: string) {
  return rbac.allowed(user, { resourceRequest: true, verb, group: GROUP, resource, name, namespace: ns });
}

/** A role or binding the user writes: Forbidden unless it grants only what the user already holds. */
export function confirmNoEscalation(rbac: RbacAuthorizer, user: UserInfo | undefined, plural: string, obj: KubeObject) {
  if (!user || user.groups.includes(SYSTEM_MASTERS)) return;
  const ns = obj.metadata.namespace;
  const name = obj.metadata.name ?? '';
  if (plural === 'roles' || plural === 'clusterroles') {
    if (mayBypass(rbac, user, 'escalate', plural, name, ns)) return;
    const role = obj as KubeObject & ClusterRole;
    // an aggregated role may come to hold anything: only a user who holds everything may write one
    const rules = role.aggregationRule ? [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }] : (role.rules ?? []);
    const missing = missingRules(rbac, user, ns, rules);
    if (missing.length) throw escalationError(plural, name, user, missing);
    return;
  }
  if (plural === 'rolebindings' || plural === 'clusterrolebindings') {
    const ref: RoleRef | undefined = (obj as KubeObject & RoleBinding).roleRef;
    if (!ref) return; // validation reports it
    const refPlural = ref.kind === 'ClusterRole' ? 'clusterroles' : 'roles';
    if (mayBypass(rbac, user, 'bind', refPlural, ref.name, ns)) return;
    const rules = rbac.roleRules(ref.kind, ref.name, ns);
    const missing = missingRules(rbac, user, ns, rules);
    if (missing.length) throw escalationError(plural, name, user, missing);
  }
}
