// metrics.k8s.io/v1beta1, as metrics-server serves it behind kube-apiserver: PodMetrics and NodeMetrics, get and
// list (pods by namespace, both by label selector, labels copied from the pod or node), CPU in nanocores and
// memory in Ki. Without a runtime that reports usage (the simulated one) the answer is 503, as kube-apiserver
// answers for an aggregated API whose server is not there.
import type { KubeObject, ObjectMeta } from '../../kube/objects';
import type { NodeUsage, PodUsage, ResourceMetrics } from '../metrics/resourceMetrics';
import { windowText } from '../metrics/resourceMetrics';
import { ApiError, methodNotAllowed, notFound } from './apiErrors';
import { selectors, send, type RequestScope } from './handlers/scope';

export const METRICS_GROUP = 'metrics.k8s.io';
const API_VERSION = `${METRICS_GROUP}/v1beta1`;

function cpuText(cores: number): string {
  return `${Math.round(cores * 1e9)}n`;
}

function memoryText(bytes: number): string {
  return `${Math.round(bytes / 1024)}Ki`;
}

function meta(scope: RequestScope, key: string, name: string, namespace?: string): ObjectMeta {
  const obj = scope.api.store.get(key)?.value as KubeObject | undefined;
  return {
    name,
    ...(namespace ? { namespace } : {}),
    creationTimestamp: new Date().toISOString(),
    ...(obj?.metadata?.labels ? { labels: obj.metadata.labels } : {}),
  };
}

function podMetrics(scope: RequestScope, p: PodUsage): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: 'PodMetrics',
    metadata: meta(scope, `/registry/core/pods/${p.namespace}/${p.name}`, p.name, p.namespace),
    timestamp: new Date(p.at).toISOString(),
    window: windowText(p.windowMs),
    containers: p.containers.map((c) => ({
      name: c.name,
      usage: { cpu: cpuText(c.cpu), memory: memoryText(c.memory) },
    })),
  };
}

function nodeMetrics(scope: RequestScope, n: NodeUsage): KubeObject {
  return {
    apiVersion: API_VERSION,
    kind: 'NodeMetrics',
    metadata: meta(scope, `/registry/core/nodes/${n.name}`, n.name),
    timestamp: new Date(n.at).toISOString(),
    window: windowText(n.windowMs),
    usage: { cpu: cpuText(n.cpu), memory: memoryText(n.memory) },
  };
}

export async function serveMetrics(scope: RequestScope, method: string, name: string | undefined): Promise<void> {
  if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
  const source: ResourceMetrics | undefined = scope.api.metrics;
  if (!source?.available) {
    throw new ApiError(
      503,
      'ServiceUnavailable',
      'the server is currently unable to handle the request: metrics are unavailable because the embedded ' +
        'cluster simulates containers (no usage to measure); start it with --runtime container for kubectl top ' +
        'and autoscaling on CPU and memory',
    );
  }
  const pods = scope.info.plural === 'pods';
  const items = pods
    ? (await source.pods())
        .filter((p) => scope.namespace === undefined || p.namespace === scope.namespace)
        .map((p) => podMetrics(scope, p))
    : (await source.nodeUsage()).map((n) => nodeMetrics(scope, n));
  if (name !== undefined) {
    const found = items.find((i) => i.metadata?.name === name);
    if (!found) throw notFound(scope.info.plural, METRICS_GROUP, name);
    return send(scope, 200, found);
  }
  const matches = selectors(scope);
  send(scope, 200, {
    apiVersion: API_VERSION,
    kind: pods ? 'PodMetricsList' : 'NodeMetricsList',
    metadata: {},
    items: items.filter(matches),
  });
}
