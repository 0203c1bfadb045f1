// The default ClusterRoles and ClusterRoleBindings kube-apiserver reconciles at start (labelled
// kubernetes.io/bootstrapping=rbac-defaults): cluster-admin for system:masters; admin, edit and view built by
// aggregation from the system:aggregate-to-* roles (a user's own ClusterRoles join them with the same labels);
// system:basic-user, system:discovery and system:public-info-viewer for every authenticated user.
import type { ClusterRole, ClusterRoleBinding, PolicyRule } from 'kubernetes-types/rbac/v1';

const READ = ['get', 'list', 'watch'];
const WRITE = ['create', 'delete', 'deletecollection', 'patch', 'update'];
const AGGREGATE = 'rbac.authorization.k8s.io/aggregate-to-';

const meta = (name: string, labels: Record<string, string> = {}) => ({
  name,
  labels: { 'kubernetes.io/bootstrapping': 'rbac-defaults', ...labels },
  annotations: { 'rbac.authorization.kubernetes.io/autoupdate': 'true' },
});

const role = (name: string, rules: PolicyRule[], labels?: Record<string, string>): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: meta(name, labels),
  rules,
});

const aggregated = (name: string, to: string, labels?: Record<string, string>): ClusterRole => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRole',
  metadata: meta(name, labels),
  aggregationRule: { clusterRoleSelectors: [{ matchLabels: { [`${AGGREGATE}${to}`]: 'true' } }] },
  rules: [],
});

const binding = (name: string, roleName: string, groups: string[]): ClusterRoleBinding => ({
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleBinding',
  metadata: meta(name),
  roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: roleName },
  subjects: groups.map((name) => ({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Group', name })),
});

/** What a namespace's users work with, by group: read by view, written by edit. */
const WORKLOADS: Omit<PolicyRule, 'verbs'>[] = [
  {
    apiGroups: [''],
    resources: [
      'pods',
      'pods/log',
      'pods/status',
      'services',
      'services/status',
      'endpoints',
      'configmaps',
      'persistentvolumeclaims',
      'persistentvolumeclaims/status',
      'replicationcontrollers',
      'replicationcontrollers/scale',
      'replicationcontrollers/status',
      'serviceaccounts',
      'events',
      'limitranges',
      'resourcequotas',
      'resourcequotas/status',
      'namespaces',
      'namespaces/status',
    ],
  },
  {
    apiGroups: ['apps'],
    resources: [
      'deployments',
      'deployments/scale',
      'deployments/status',
      'replicasets',
      'replicasets/scale',
      'replicasets/status',
      'statefulsets',
      'statefulsets/scale',
      'statefulsets/status',
      'daemonsets',
      'daemonsets/status',
      'controllerrevisions',
    ],
  },
  { apiGroups: ['batch'], resources: ['jobs', 'jobs/status', 'cronjobs', 'cronjobs/status'] },
  { apiGroups: ['autoscaling'], resources: ['horizontalpodautoscalers', 'horizontalpodautoscalers/status'] },
  { apiGroups: ['networking.k8s.io'], resources: ['ingresses', 'ingresses/status', 'networkpolicies'] },
  { apiGroups: ['policy'], resources: ['poddisruptionbudgets', 'poddisruptionbudgets/status'] },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'] },
  { apiGroups: ['coordination.k8s.io'], resources: ['leases'] },
];

const withVerbs = (rules: Omit<PolicyRule, 'verbs'>[], verbs: string[]) => rules.map((r) => ({ ...r, verbs }));
/** edit writes what view reads, but not namespaces (an admin of a namespace cannot delete it) */
const writable = WORKLOADS.map((r) => ({
  ...r,
  resources: r.resources?.filter((x) => !x.startsWith('namespaces') && !x.endsWith('/status')),
}));

const SELF_REVIEWS: PolicyRule[] = [
  {
    apiGroups: ['authorization.k8s.io'],
    resources: ['selfsubjectaccessreviews', 'selfsubjectrulesreviews'],
    verbs: ['create'],
  },
  { apiGroups: ['authentication.k8s.io'], resources: ['selfsubjectreviews'], verbs: ['create'] },
];
const PUBLIC_INFO = ['/healthz', '/livez', '/readyz', '/version', '/version/'];
const DISCOVERY = ['/api', '/api/*', '/apis', '/apis/*', '/openapi', '/openapi/*', ...PUBLIC_INFO];

export const BOOTSTRAP_CLUSTER_ROLES: ClusterRole[] = [
  role('cluster-admin', [
    { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
    { nonResourceURLs: ['*'], verbs: ['*'] },
  ]),
  aggregated('admin', 'admin'),
  aggregated('edit', 'edit', { [`${AGGREGATE}admin`]: 'true' }),
  aggregated('view', 'view', { [`${AGGREGATE}edit`]: 'true' }),
  role('system:aggregate-to-view', withVerbs(WORKLOADS, READ), { [`${AGGREGATE}view`]: 'true' }),
  role(
    'system:aggregate-to-edit',
    [
      ...withVerbs(writable, WRITE),
      { apiGroups: [''], resources: ['secrets'], verbs: [...READ, ...WRITE] },
      { apiGroups: [''], resources: ['serviceaccounts/token'], verbs: ['create'] },
      { apiGroups: [''], resources: ['pods/attach', 'pods/exec', 'pods/portforward'], verbs: [...READ, ...WRITE] },
      { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
    ],
    { [`${AGGREGATE}edit`]: 'true' },
  ),
  role(
    'system:aggregate-to-admin',
    [
      { apiGroups: ['rbac.authorization.k8s.io'], resources: ['roles', 'rolebindings'], verbs: [...READ, ...WRITE] },
      { apiGroups: ['authorization.k8s.io'], resources: ['localsubjectaccessreviews'], verbs: ['create'] },
    ],
    { [`${AGGREGATE}admin`]: 'true' },
  ),
  role('system:basic-user', SELF_REVIEWS),
  role('system:discovery', [{ nonResourceURLs: DISCOVERY, verbs: ['get'] }]),
  role('system:public-info-viewer', [{ nonResourceURLs: PUBLIC_INFO, verbs: ['get'] }]),
];

export const BOOTSTRAP_CLUSTER_ROLE_BINDINGS: ClusterRoleBinding[] = [
  binding('cluster-admin', 'cluster-admin', ['system:masters']),
  binding('system:basic-user', 'system:basic-user', ['system:authenticated']),
  binding('system:discovery', 'system:discovery', ['system:authenticated']),
  binding('system:public-info-viewer', 'system:public-info-viewer', ['system:authenticated', 'system:unauthenticated']),
];
