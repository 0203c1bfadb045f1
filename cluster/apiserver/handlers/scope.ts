// What a resource handler works with: the server's parts (ApiContext) and one request to a resource
// (RequestScope), as Kubernetes' endpoints/handlers RequestScope, with the query options every verb reads.
import type { IncomingMessage, ServerResponse } from 'http';
import type { DeleteOptions as MetaDeleteOptions } from 'kubernetes-types/meta/v1';
import type { KubeObject } from '../../../kube/objects';
import type { ResourceInfo, ResourceRegistry } from '../../../kube/registry';
import { matchesFields, parseFieldSelector } from '../../../kube/fieldSelector';
import { matchesLabels, parseLabelSelector } from '../../../kube/labelSelector';
import type { ServiceAccountTokens } from '../../security/serviceAccountTokens';
import type { Store } from '../../store/types';
import { parseFieldValidation } from '../admission';
import { badRequest } from '../apiErrors';
import { BodyValue, decodeBody, type RawBody } from '../body';
import type { CustomResources } from '../customResources';
import { convertedVersion } from '../conversion';
import type { DeleteOptions, ObjectStorage, WriteOptions } from '../objectStorage';
import { boolQueryParam, intQueryParam } from '../requestInfo';
import { awaitRevision, readResourceVersion } from '../resourceVersion';
import { reply } from '../responseWriters';
import type { OpenStreams } from '../responseStream';
import type { Strategies } from '../strategies';
import type { ProxyDialer } from '../subresources/proxy';
import type { ResourceMetrics } from '../../metrics/resourceMetrics';
import type { PodStreamer } from '../../kubelet/streaming';
import type { UserInfo } from '../access/userInfo';
import type { RbacAuthorizer } from '../access/rbac';

export interface ApiContext {
  readonly store: Store;
  readonly storage: ObjectStorage;
  readonly registry: ResourceRegistry;
  readonly customResources: CustomResources;
  readonly strategies: Strategies;
  readonly streams: OpenStreams;
  /** signs (and checks) ServiceAccount tokens */
  readonly tokens: ServiceAccountTokens;
  /** folder of container log files (see cluster/logs/podLogFiles) */
  readonly logsDir: string;
  /** RBAC, for checks beyond the request's own verb (a CSR's signer, roles' escalation) */
  readonly rbac: RbacAuthorizer;
  /** forwards pods/services/nodes proxy requests; undefined while pods are simulated (503) */
  readonly proxyDialer?: ProxyDialer;
  /** containers' CPU and memory usage for metrics.k8s.io; unavailable while pods are simulated (503) */
  readonly metrics?: ResourceMetrics;
  /** exec, attach and port-forward through the kubelets; set once the nodes run (ApiServer.connectNodes) */
  podStreamer?: PodStreamer;
}

export interface RequestScope {
  readonly api: ApiContext;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly url: URL;
  readonly info: ResourceInfo;
  /** undefined for cluster-scoped resources and requests across all namespaces */
  readonly namespace: string | undefined;
  /** warnings (unknown fields) sent back in Warning headers */
  readonly warnings: string[];
  /** who makes the request (after impersonation) */
  readonly user: UserInfo;
}

export function send(scope: RequestScope, code: number, body: unknown): void {
  reply(scope.res, code, body, scope.warnings, boolQueryParam(scope.url.searchParams, 'pretty'));
}

/** Kubernetes names the manager after the client's User-Agent product when none is given. */
function defaultManager(ua: string | undefined): string {
  if (!ua) return 'unknown';
  return ua.split('/')[0].slice(0, 128);
}

/** dryRun, fieldManager and fieldValidation of a write. */
export function writeOptions(scope: RequestScope): WriteOptions & { dryRun: boolean } {
  const q = scope.url.searchParams;
  const dryRun = q.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All'))
    throw badRequest(
      `dryRun: Unsupported value: ${JSON.stringify(dryRun.find((d) => d !== 'All'))}: supported values: "All"`,
    );
  const manager = q.get('fieldManager') ?? defaultManager(scope.req.headers['user-agent']);
  if (manager.length > 128) throw badRequest('fieldManager: Too long: may not be more than 128 bytes');
  return {
    dryRun: dryRun.length > 0,
    requester: scope.user,
    fieldManager: manager,
    fieldValidation: parseFieldValidation(q.get('fieldValidation')),
  };
}

/** A delete's options, from its DeleteOptions body and its query. */
export function deleteOptions(scope: RequestScope, buf: RawBody): DeleteOptions {
  const q = scope.url.searchParams;
  // a DeleteOptions body as the client sent it: its policy is checked below, the rest is read as given
  let body: MetaDeleteOptions = {};
  if (buf instanceof BodyValue) body = buf.value as MetaDeleteOptions;
  else if (buf.length && buf.toString().trim())
    body = decodeBody(buf, scope.req.headers['content-type'] ?? 'application/json') as MetaDeleteOptions;
  const policy =
    body.propagationPolicy ??
    q.get('propagationPolicy') ??
    (body.orphanDependents === true || boolQueryParam(q, 'orphanDependents') ? 'Orphan' : undefined);
  if (policy !== undefined && !['Background', 'Foreground', 'Orphan'].includes(policy)) {
    throw badRequest(
      `propagationPolicy: Unsupported value: ${JSON.stringify(policy)}: ` +
        'supported values: "Foreground", "Background", "Orphan"',
    );
  }
  const g = body.gracePeriodSeconds ?? intQueryParam(q, 'gracePeriodSeconds');
  const dry = [...(body.dryRun ?? []), ...q.getAll('dryRun')];
  return {
    propagationPolicy: policy as DeleteOptions['propagationPolicy'],
    gracePeriodSeconds: g,
    preconditions: body.preconditions,
    dryRun: dry.includes('All'),
    requester: scope.user,
  };
}

/** The request's labelSelector and fieldSelector as one predicate over stored objects, seen as the request's version. */
export function selectors(scope: RequestScope): (obj: KubeObject) => boolean {
  const q = scope.url.searchParams;
  const info = scope.info;
  let labelSel: ReturnType<typeof parseLabelSelector> | undefined;
  let fieldSel: ReturnType<typeof parseFieldSelector> | undefined;
  try {
    const ls = q.get('labelSelector');
    labelSel = ls ? parseLabelSelector(ls) : undefined;
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  try {
    const fs = q.get('fieldSelector');
    fieldSel = fs ? parseFieldSelector(fs, info) : undefined;
  } catch (e) {
    throw badRequest((e as Error).message);
  }
  const converted = fieldSel && convertedVersion(info);
  return (stored: KubeObject) => {
    if (labelSel && !matchesLabels(labelSel, stored?.metadata?.labels ?? {})) return false;
    // field names are the served version's (regarding.name for events.k8s.io)
    return !fieldSel || matchesFields(fieldSel, converted ? converted.fromStorage(stored) : stored, info);
  };
}

/** A read at a resourceVersion the store has not reached waits briefly for it (then 504), as kube-apiserver. */
export async function awaitReadVersion(scope: RequestScope): Promise<void> {
  const rv = readResourceVersion(scope.url.searchParams);
  if (rv !== undefined) await awaitRevision(scope.api.store, rv);
}
