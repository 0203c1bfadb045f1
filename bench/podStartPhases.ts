// Where a pod's start goes, from two kinds of timestamps taken in the benchmark's process: what a watch of the
// pods saw (bound to a node, container running, Ready) and the engine calls the cluster made for the pod (its
// sandbox container created, started and inspected for its IP, the image looked up, its container created and
// started), as the recording proxy of engineTrace.ts timed them.
import type { Pod } from 'kubernetes-types/core/v1';
import { performance } from 'perf_hooks';
import type { EngineCall } from './engineTrace';
import { percentile } from './lsp/stats';

/** What the watch saw of one pod, as performance.now() times. */
export interface PodSeen {
  name: string;
  namespace: string;
  /** the create request was sent */
  created: number;
  bound?: number;
  running?: number;
  ready?: number;
}

/** Updates the times first seen from a pod as a watch event carries it. */
export function notePod(seen: PodSeen | undefined, pod: Pod): void {
  if (!seen) return;
  const now = performance.now();
  if (pod.spec?.nodeName) seen.bound ??= now;
  if (pod.status?.containerStatuses?.some((s) => s.state?.running)) seen.running ??= now;
  if (pod.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')) seen.ready ??= now;
}

/** The phases of a pod's start, in order, each with the ms it took; undefined when a call is missing. */
export function podPhases(pod: PodSeen, calls: EngineCall[]): [string, number][] | undefined {
  const created = (prefix: string) =>
    calls.find(
      (c) => c.method === 'POST' && c.path === '/containers/create' && c.query.get('name')?.startsWith(prefix),
    );
  const on = (id: string | undefined, method: string, suffix: string, after: number | undefined) =>
    id === undefined || after === undefined
      ? undefined
      : calls.find((c) => c.method === method && c.path === `/containers/${id}${suffix}` && c.start >= after);
  const idOf = (c?: EngineCall): string | undefined => (c?.body ? JSON.parse(c.body).Id : undefined);
  const sandboxCreate = created(`k8s_POD_${pod.name}_${pod.namespace}_`);
  const sandbox = idOf(sandboxCreate);
  if (!sandboxCreate?.end || !sandbox) return undefined;
  const sandboxStart = on(sandbox, 'POST', '/start', sandboxCreate.end);
  const sandboxInspect = on(sandbox, 'GET', '/json', sandboxStart?.end);
  const containerCreate = calls.find(
    (c) =>
      c.method === 'POST' &&
      c.path === '/containers/create' &&
      c !== sandboxCreate &&
      c.query.get('name')?.includes(`_${pod.name}_${pod.namespace}_`),
  );
  const container = idOf(containerCreate);
  const containerStart = on(container, 'POST', '/start', containerCreate?.end);
  if (!sandboxStart?.end || !sandboxInspect?.end || !containerCreate?.end || !containerStart?.end) return undefined;
  if (pod.bound === undefined || pod.running === undefined || pod.ready === undefined) return undefined;
  return [
    ['create → bound (API, scheduler, watch)', pod.bound - pod.created],
    ['bound → sandbox create sent (kubelet)', sandboxCreate.start - pod.bound],
    ['sandbox create (engine)', sandboxCreate.end - sandboxCreate.start],
    ['sandbox start (engine)', sandboxStart.end - sandboxStart.start],
    ['sandbox inspect for its IP (engine)', sandboxInspect.end - sandboxInspect.start],
    ['→ container create sent (image check, env, volumes)', containerCreate.start - sandboxInspect.end],
    ['container create (engine)', containerCreate.end - containerCreate.start],
    ['container start (engine)', containerStart.end - containerStart.start],
    ['→ running seen (status write, watch)', pod.running - containerStart.end],
    ['→ Ready seen (probe, status write, watch)', pod.ready - pod.running],
  ];
}

/** One line per phase: p50 and p99 over the pods, and the share of the p50 sum. */
export function phaseTable(phases: [string, number][][]): string[] {
  if (!phases.length) return ['  (no pod had every engine call in the trace)'];
  const names = phases[0].map(([n]) => n);
  const p50s = names.map((_, i) =>
    percentile(
      phases.map((p) => p[i][1]),
      50,
    ),
  );
  const total = p50s.reduce((a, b) => a + b, 0);
  return names.map((n, i) => {
    const p99 = percentile(
      phases.map((p) => p[i][1]),
      99,
    );
    const share = total > 0 ? ((100 * p50s[i]) / total).toFixed(0) : '0';
    return `  ${n.padEnd(56)} p50 ${p50s[i].toFixed(1).padStart(7)} ms  p99 ${p99.toFixed(1).padStart(7)} ms  ${share}%`;
  });
}

/** Latency of the engine calls of one kind (e.g. image lookups), which no pod name identifies. */
export function callLatency(calls: EngineCall[], match: (c: EngineCall) => boolean): string {
  const ms = calls.filter((c) => match(c) && c.end !== undefined).map((c) => c.end! - c.start);
  if (!ms.length) return 'none';
  return `${ms.length} calls, p50 ${percentile(ms, 50).toFixed(1)} ms, p99 ${percentile(ms, 99).toFixed(1)} ms`;
}
