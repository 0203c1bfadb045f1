// The review APIs, which store nothing and answer a question: authentication.k8s.io's TokenReview and
// SelfSubjectReview (`kubectl auth whoami`), authorization.k8s.io's SelfSubjectAccessReview (`kubectl auth
// can-i`), SelfSubjectRulesReview (`can-i --list`), SubjectAccessReview and LocalSubjectAccessReview.
import type { TokenReview } from 'kubernetes-types/authentication/v1';
import type {
  NonResourceAttributes,
  ResourceAttributes,
  SelfSubjectRulesReview,
  SubjectAccessReview,
} from 'kubernetes-types/authorization/v1';
import type { PolicyRule } from 'kubernetes-types/rbac/v1';
import { badRequest, methodNotAllowed } from '../apiErrors';
import { decodeBody, readBody } from '../body';
import { send, type RequestScope } from '../handlers/scope';
import { TOKEN_ISSUER } from '../../security/serviceAccountTokens';
import { authenticateToken, type Authenticator } from './authentication';
import { isAllowed } from './authorization';
import type { Attributes, RbacAuthorizer } from './rbac';
import type { UserInfo } from './userInfo';

export const REVIEW_GROUPS = new Set(['authentication.k8s.io', 'authorization.k8s.io']);

export interface Access {
  authenticator: Authenticator;
  rbac: RbacAuthorizer;
}

const userInfoJson = (u: UserInfo) => ({
  username: u.username,
  ...(u.uid ? { uid: u.uid } : {}),
  groups: u.groups,
  ...(u.extra ? { extra: u.extra } : {}),
});

function attributesOf(
  r: ResourceAttributes | undefined,
  n: NonResourceAttributes | undefined,
  namespace?: string,
): Attributes {
  if (r) {
    return {
      resourceRequest: true,
      verb: r.verb ?? '',
      group: r.group ?? '',
      resource: r.resource ?? '',
      subresource: r.subresource || undefined,
      namespace: namespace ?? (r.namespace || undefined),
      name: r.name || undefined,
    };
  }
  if (n) return { resourceRequest: false, verb: n.verb ?? '', path: n.path ?? '' };
  throw badRequest('spec: Invalid value: exactly one of nonResourceAttributes or resourceAttributes must be specified');
}

export async function serveReview(scope: RequestScope, method: string, user: UserInfo, access: Access): Promise<void> {
  if (method !== 'POST') throw methodNotAllowed();
  const { info } = scope;
  const body = (decodeBody(await readBody(scope.req), scope.req.headers['content-type']) ?? {}) as {
    metadata?: object;
    spec?: Record<string, unknown>;
  };
  const out = { kind: info.kind, apiVersion: `${info.group}/${info.version}`, metadata: { creationTimestamp: null } };
  switch (info.kind) {
    case 'SelfSubjectReview':
      return send(scope, 201, { ...out, status: { userInfo: userInfoJson(user) } });
    case 'TokenReview': {
      const spec = (body.spec ?? {}) as TokenReview['spec'];
      const audiences = spec.audiences?.length ? spec.audiences : [TOKEN_ISSUER];
      const reviewed = spec.token ? authenticateToken(access.authenticator, spec.token, audiences) : undefined;
      const status = reviewed
        ? { authenticated: true, user: userInfoJson(reviewed), audiences }
        : { user: {}, error: '[invalid bearer token, token lookup failed]' };
      return send(scope, 201, { ...out, spec, status });
    }
    case 'SelfSubjectAccessReview':
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview': {
      const spec = (body.spec ?? {}) as SubjectAccessReview['spec'];
      const subject: UserInfo =
        info.kind === 'SelfSubjectAccessReview'
          ? user
          : { username: spec.user ?? '', uid: spec.uid, groups: spec.groups ?? [] };
      const ns = info.kind === 'LocalSubjectAccessReview' ? scope.namespace : undefined;
      const allowed = isAllowed(
        access.rbac,
        subject,
        attributesOf(spec.resourceAttributes, spec.nonResourceAttributes, ns),
      );
      return send(scope, 201, { ...out, spec, status: { allowed, ...(allowed ? { reason: 'allowed by RBAC' } : {}) } });
    }
    case 'SelfSubjectRulesReview': {
      const spec = (body.spec ?? {}) as SelfSubjectRulesReview['spec'];
      const rules = access.rbac.rulesFor(user, spec.namespace || undefined);
      return send(scope, 201, { ...out, spec, status: rulesStatus(rules) });
    }
    default:
      throw methodNotAllowed();
  }
}

function rulesStatus(rules: PolicyRule[]) {
  const resourceRules = rules
    .filter((r) => !r.nonResourceURLs?.length)
    .map((r) => ({
      verbs: r.verbs,
      apiGroups: r.apiGroups ?? [],
      resources: r.resources ?? [],
      ...(r.resourceNames?.length ? { resourceNames: r.resourceNames } : {}),
    }));
  const nonResourceRules = rules
    .filter((r) => r.nonResourceURLs?.length)
    .map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs }));
  return { resourceRules, nonResourceRules, incomplete: false };
}
