// The built-in API groups, versions, kinds and resources the embedded cluster serves.
// One table is the truth for discovery, routing, schemas and the language server.

export interface SubresourceInfo {
  name: string; // "status", "scale", "log", "binding"
  kind: string; // response kind
  group: string;
  version: string;
  verbs: string[];
  /**
   * A connection rather than an object (exec, attach, portforward, proxy: kube-apiserver's connect verbs); its kind
   * (PodExecOptions...) is the request's options, which have no schema here.
   */
  connect?: boolean;
}

export interface ResourceInfo {
  group: string; // "" for core
  version: string;
  kind: string;
  listKind: string;
  plural: string; // the resource name in URLs
  singular: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  subresources: SubresourceInfo[];
  /** true for kinds that come from a CustomResourceDefinition */
  custom?: boolean;
  /**
   * Set on a version served by conversion from objects stored in another group/version (autoscaling/v1 from v2,
   * events.k8s.io/v1 from core v1 Events), as kube-apiserver stores one version of each resource. Clients that
   * want each object once (the garbage collector) skip these.
   */
  storedAs?: { group: string; version: string };
}

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface Row {
  kind: string;
  plural?: string;
  namespaced: boolean;
  short?: string[];
  all?: boolean;
  sub?: SubresourceName[];
  verbs?: string[];
  /** the apiVersion its objects are stored in, when it is another (served by conversion) */
  storedAs?: string;
}

const GROUPS: { group: string; version: string; kinds: Row[] }[] = [
  {
    group: '',
    version: 'v1',
    kinds: [
      {
        kind: 'Namespace',
        namespaced: false,
        short: ['ns'],
        sub: ['finalize', 'status'],
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      },
      {
        kind: 'Pod',
        namespaced: true,
        short: ['po'],
        all: true,
        sub: ['attach', 'binding', 'ephemeralcontainers', 'eviction', 'exec', 'log', 'portforward', 'proxy', 'status'],
      },
      {
        kind: 'Service',
        namespaced: true,
        short: ['svc'],
        all: true,
        sub: ['proxy', 'status'],
        verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
      },
      { kind: 'Endpoints', plural: 'endpoints', namespaced: true, short: ['ep'] },
      { kind: 'ConfigMap', namespaced: true, short: ['cm'] },
      { kind: 'Secret', namespaced: true },
      { kind: 'ServiceAccount', namespaced: true, short: ['sa'], sub: ['token'] },
      { kind: 'PersistentVolume', namespaced: false, short: ['pv'], sub: ['status'] },
      { kind: 'PersistentVolumeClaim', namespaced: true, short: ['pvc'], sub: ['status'] },
      { kind: 'Node', namespaced: false, short: ['no'], sub: ['proxy', 'status'] },
      { kind: 'Event', namespaced: true, short: ['ev'] },
      { kind: 'LimitRange', namespaced: true, short: ['limits'] },
      { kind: 'ResourceQuota', namespaced: true, short: ['quota'], sub: ['status'] },
      { kind: 'ReplicationController', namespaced: true, short: ['rc'], all: true, sub: ['status', 'scale'] },
      { kind: 'PodTemplate', namespaced: true },
    ],
  },
  {
    group: 'apps',
    version: 'v1',
    kinds: [
      { kind: 'Deployment', namespaced: true, short: ['deploy'], all: true, sub: ['status', 'scale'] },
      { kind: 'ReplicaSet', namespaced: true, short: ['rs'], all: true, sub: ['status', 'scale'] },
      { kind: 'StatefulSet', namespaced: true, short: ['sts'], all: true, sub: ['status', 'scale'] },
      { kind: 'DaemonSet', namespaced: true, short: ['ds'], all: true, sub: ['status'] },
      { kind: 'ControllerRevision', namespaced: true },
    ],
  },
  {
    group: 'batch',
    version: 'v1',
    kinds: [
      { kind: 'Job', namespaced: true, all: true, sub: ['status'] },
      { kind: 'CronJob', namespaced: true, short: ['cj'], all: true, sub: ['status'] },
    ],
  },
  {
    group: 'networking.k8s.io',
    version: 'v1',
    kinds: [
      { kind: 'Ingress', plural: 'ingresses', namespaced: true, short: ['ing'], sub: ['status'] },
      { kind: 'IngressClass', plural: 'ingressclasses', namespaced: false },
      { kind: 'NetworkPolicy', plural: 'networkpolicies', namespaced: true, short: ['netpol'] },
    ],
  },
  { group: 'discovery.k8s.io', version: 'v1', kinds: [{ kind: 'EndpointSlice', namespaced: true }] },
  {
    group: 'policy',
    version: 'v1',
    kinds: [{ kind: 'PodDisruptionBudget', namespaced: true, short: ['pdb'], sub: ['status'] }],
  },
  {
    group: 'autoscaling',
    version: 'v2',
    kinds: [{ kind: 'HorizontalPodAutoscaler', namespaced: true, short: ['hpa'], all: true, sub: ['status'] }],
  },
  {
    // resource usage, read-only and never stored, as metrics-server serves it
    group: 'metrics.k8s.io',
    version: 'v1beta1',
    kinds: [
      { kind: 'PodMetrics', plural: 'pods', namespaced: true, verbs: ['get', 'list'] },
      { kind: 'NodeMetrics', plural: 'nodes', namespaced: false, verbs: ['get', 'list'] },
    ],
  },
  {
    // after v2, so v2 stays the group's preferred version
    group: 'autoscaling',
    version: 'v1',
    kinds: [
      {
        kind: 'HorizontalPodAutoscaler',
        namespaced: true,
        short: ['hpa'],
        all: true,
        sub: ['status'],
        storedAs: 'autoscaling/v2',
      },
    ],
  },
  {
    group: 'events.k8s.io',
    version: 'v1',
    kinds: [{ kind: 'Event', namespaced: true, short: ['ev'], storedAs: 'v1' }],
  },
  {
    // reviews: questions answered at create, never stored
    group: 'authentication.k8s.io',
    version: 'v1',
    kinds: [
      { kind: 'TokenReview', namespaced: false, verbs: ['create'] },
      { kind: 'SelfSubjectReview', namespaced: false, verbs: ['create'] },
    ],
  },
  {
    group: 'authorization.k8s.io',
    version: 'v1',
    kinds: [
      { kind: 'LocalSubjectAccessReview', namespaced: true, verbs: ['create'] },
      { kind: 'SelfSubjectAccessReview', namespaced: false, verbs: ['create'] },
      { kind: 'SelfSubjectRulesReview', namespaced: false, verbs: ['create'] },
      { kind: 'SubjectAccessReview', namespaced: false, verbs: ['create'] },
    ],
  },
  {
    group: 'rbac.authorization.k8s.io',
    version: 'v1',
    kinds: [
      { kind: 'Role', namespaced: true },
      { kind: 'RoleBinding', namespaced: true },
      { kind: 'ClusterRole', namespaced: false },
      { kind: 'ClusterRoleBinding', namespaced: false },
    ],
  },
  {
    group: 'storage.k8s.io',
    version: 'v1',
    kinds: [{ kind: 'StorageClass', plural: 'storageclasses', namespaced: false, short: ['sc'] }],
  },
  { group: 'coordination.k8s.io', version: 'v1', kinds: [{ kind: 'Lease', namespaced: true }] },
  { group: 'node.k8s.io', version: 'v1', kinds: [{ kind: 'RuntimeClass', namespaced: false }] },
  {
    group: 'flowcontrol.apiserver.k8s.io',
    version: 'v1',
    kinds: [
      { kind: 'FlowSchema', namespaced: false, sub: ['status'] },
      { kind: 'PriorityLevelConfiguration', namespaced: false, sub: ['status'] },
    ],
  },
  {
    group: 'scheduling.k8s.io',
    version: 'v1',
    kinds: [{ kind: 'PriorityClass', plural: 'priorityclasses', namespaced: false, short: ['pc'] }],
  },
  {
    group: 'certificates.k8s.io',
    version: 'v1',
    kinds: [{ kind: 'CertificateSigningRequest', namespaced: false, short: ['csr'], sub: ['status', 'approval'] }],
  },
  {
    // read-only: the API server keeps one per group version it serves
    group: 'apiregistration.k8s.io',
    version: 'v1',
    kinds: [{ kind: 'APIService', namespaced: false, verbs: ['get', 'list', 'watch'] }],
  },
  {
    // webhooks are called by cluster/apiserver/admission/webhooks, policies evaluated by admission/policies
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    kinds: [
      { kind: 'MutatingWebhookConfiguration', namespaced: false },
      { kind: 'ValidatingWebhookConfiguration', namespaced: false },
      { kind: 'ValidatingAdmissionPolicy', namespaced: false, sub: ['status'] },
      { kind: 'ValidatingAdmissionPolicyBinding', namespaced: false },
    ],
  },
  {
    group: 'apiextensions.k8s.io',
    version: 'v1',
    kinds: [{ kind: 'CustomResourceDefinition', namespaced: false, short: ['crd', 'crds'], sub: ['status'] }],
  },
];

/** Kubernetes' plural rule for the built-ins that have no explicit plural. */
export function pluralize(kind: string): string {
  const lower = kind.toLowerCase();
  if (/(s|x|z|ch|sh)$/.test(lower)) return lower + 'es';
  if (/[^aeiou]y$/.test(lower)) return lower.slice(0, -1) + 'ies';
  return lower + 's';
}

type SubresourceName =
  | 'status'
  | 'scale'
  | 'log'
  | 'binding'
  | 'eviction'
  | 'token'
  | 'approval'
  | 'ephemeralcontainers'
  | 'finalize'
  | 'exec'
  | 'attach'
  | 'portforward'
  | 'proxy';

/** The proxy subresource's verbs: every HTTP method is passed on, as kube-apiserver lists them. */
const PROXY_VERBS = ['create', 'delete', 'get', 'patch', 'update'];

/** A subresource as kube-apiserver's discovery describes it: the kind it answers with and its verbs. */
function subresource(name: SubresourceName, group: string, version: string, kind: string): SubresourceInfo {
  switch (name) {
    case 'exec':
      return { name, kind: 'PodExecOptions', group, version, verbs: ['create', 'get'], connect: true };
    case 'attach':
      return { name, kind: 'PodAttachOptions', group, version, verbs: ['create', 'get'], connect: true };
    case 'portforward':
      return { name, kind: 'PodPortForwardOptions', group, version, verbs: ['create', 'get'], connect: true };
    case 'proxy':
      return { name, kind: `${kind}ProxyOptions`, group, version, verbs: PROXY_VERBS, connect: true };
    case 'finalize':
      return { name, kind, group, version, verbs: ['update'] };
    case 'scale':
      return { name, kind: 'Scale', group: 'autoscaling', version: 'v1', verbs: ['get', 'patch', 'update'] };
    case 'log':
      return { name, kind: 'Pod', group, version, verbs: ['get'] };
    case 'binding':
      return { name, kind: 'Binding', group, version, verbs: ['create'] };
    case 'eviction':
      return { name, kind: 'Eviction', group: 'policy', version: 'v1', verbs: ['create'] };
    case 'token':
      return { name, kind: 'TokenRequest', group: 'authentication.k8s.io', version: 'v1', verbs: ['create'] };
    default:
      return { name, kind, group, version, verbs: ['get', 'patch', 'update'] };
  }
}

function build(): ResourceInfo[] {
  const out: ResourceInfo[] = [];
  for (const g of GROUPS) {
    for (const r of g.kinds) {
      out.push({
        group: g.group,
        version: g.version,
        kind: r.kind,
        listKind: r.kind + 'List',
        plural: r.plural ?? pluralize(r.kind),
        singular: r.kind.toLowerCase(),
        namespaced: r.namespaced,
        shortNames: r.short ?? [],
        categories: r.all ? ['all'] : [],
        verbs: r.verbs ?? ALL_VERBS,
        subresources: (r.sub ?? []).map((s) => subresource(s, g.group, g.version, r.kind)),
        ...(r.storedAs ? { storedAs: splitApiVersion(r.storedAs) } : {}),
      });
    }
  }
  return out;
}

export const BUILTIN_RESOURCES: readonly ResourceInfo[] = build();

export function apiVersionOf(r: { group: string; version: string }): string {
  return r.group ? `${r.group}/${r.version}` : r.version;
}

export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const i = apiVersion.indexOf('/');
  return i < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
}

/**
 * A mutable view over the built-ins plus the custom resources the cluster has learned from CRDs.
 * Lookups answer by kind, by resource name, by short name and by singular name, as kubectl resolves them.
 */
export class ResourceRegistry {
  private resources: ResourceInfo[];

  constructor(initial: readonly ResourceInfo[] = BUILTIN_RESOURCES) {
    this.resources = initial.slice();
  }

  all(): readonly ResourceInfo[] {
    return this.resources;
  }

  add(info: ResourceInfo): void {
    this.remove(info.group, info.version, info.plural);
    this.resources.push(info);
  }

  remove(group: string, version: string, plural: string): void {
    this.resources = this.resources.filter((r) => !(r.group === group && r.version === version && r.plural === plural));
  }

  byResource(group: string, version: string, plural: string): ResourceInfo | undefined {
    return this.resources.find((r) => r.group === group && r.version === version && r.plural === plural);
  }

  byKind(apiVersion: string, kind: string): ResourceInfo | undefined {
    const { group, version } = splitApiVersion(apiVersion);
    return this.resources.find((r) => r.group === group && r.version === version && r.kind === kind);
  }

  /** Every registered version of a group/kind, for "no matches for kind X in version Y" messages. */
  kindsNamed(kind: string): ResourceInfo[] {
    return this.resources.filter((r) => r.kind === kind);
  }

  groups(): { group: string; versions: string[] }[] {
    const m = new Map<string, string[]>();
    for (const r of this.resources) {
      const vs = m.get(r.group) ?? [];
      if (!vs.includes(r.version)) vs.push(r.version);
      m.set(r.group, vs);
    }
    return [...m.entries()].map(([group, versions]) => ({ group, versions }));
  }
}
