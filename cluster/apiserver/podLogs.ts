// GET pods/<name>/log: container, follow, tailLines, sinceSeconds, sinceTime, timestamps, previous, limitBytes.
import { clock } from '../clock';
import type { ServerResponse } from 'http';
import { badRequest } from './apiErrors';
import type { ContainerStatus, Pod as PodObject } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../kube/objects';

/** A pod as stored (so named, namespaced and with its uid), whose logs are served. */
export type Pod = KubeObject & PodObject & { metadata: { namespace: string; name: string; uid: string } };
import { LogFileReader } from '../logs/logFileReader';
import { containerLogFile, loggedRuns, parseLogLine } from '../logs/podLogFiles';
import { boolQueryParam, intQueryParam } from './requestInfo';
import { OpenStreams, ResponseStream } from './responseStream';

export interface LogQuery {
  container?: string;
  follow: boolean;
  tailLines?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps: boolean;
  previous: boolean;
  limitBytes?: number;
}

export function parseLogQuery(q: URLSearchParams): LogQuery {
  const bool = (n: string) => boolQueryParam(q, n);
  const sinceSeconds = intQueryParam(q, 'sinceSeconds', 1);
  const sinceTime = q.get('sinceTime') ?? undefined;
  if (sinceSeconds !== undefined && sinceTime !== undefined)
    throw badRequest('at most one of `sinceTime` or `sinceSeconds` may be specified');
  return {
    container: q.get('container') ?? undefined,
    follow: bool('follow'),
    tailLines: intQueryParam(q, 'tailLines', 0),
    sinceSeconds,
    sinceTime,
    timestamps: bool('timestamps'),
    previous: bool('previous'),
    limitBytes: intQueryParam(q, 'limitBytes', 1),
  };
}

/** Picks the container as kubectl's server does, or explains what to pass. */
export function chooseContainer(pod: Pod, requested: string | undefined): string {
  const names: string[] = (pod.spec?.containers ?? []).map((c) => c.name);
  const all = [
    ...names,
    ...(pod.spec?.initContainers ?? []).map((c) => c.name),
    ...(pod.spec?.ephemeralContainers ?? []).map((c) => c.name),
  ];
  if (!requested) {
    if (names.length === 1) return names[0];
    throw badRequest(
      `a container name must be specified for pod ${pod.metadata.name}, choose one of: [${names.join(' ')}]`,
    );
  }
  if (!all.includes(requested)) throw badRequest(`container ${requested} is not valid for pod ${pod.metadata.name}`);
  return requested;
}

function statusOf(pod: Pod, container: string): ContainerStatus | undefined {
  const s = pod.status;
  const all = [
    ...(s?.containerStatuses ?? []),
    ...(s?.initContainerStatuses ?? []),
    ...(s?.ephemeralContainerStatuses ?? []),
  ];
  return all.find((x) => x.name === container);
}

function restartCountOf(pod: Pod, container: string): number | undefined {
  return statusOf(pod, container)?.restartCount;
}

function isRunning(pod: Pod, container: string): boolean {
  return !!statusOf(pod, container)?.state?.running;
}

export interface LogSource {
  logsDir: string;
  /** the pod as stored now, or undefined once deleted (ends a follow) */
  currentPod(): Pod | undefined;
}

export function servePodLogs(src: LogSource, pod: Pod, q: LogQuery, res: ServerResponse, streams?: OpenStreams): void {
  const container = chooseContainer(pod, q.container);
  const ref = { namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  const runs = loggedRuns(src.logsDir, ref, container);
  const current = restartCountOf(pod, container) ?? (runs.length ? runs[runs.length - 1] : undefined);
  if (!pod.spec?.nodeName) throw badRequest(`pod ${pod.metadata.name} does not have a host assigned`);
  let run: number | undefined;
  if (q.previous) {
    run = current !== undefined ? runs.filter((r) => r < current).pop() : undefined;
    if (run === undefined)
      throw badRequest(`previous terminated container "${container}" in pod "${pod.metadata.name}" not found`);
  } else {
    run = current;
    if (run === undefined || !runs.includes(run)) {
      const waiting = statusOf(pod, container)?.state?.waiting?.reason ?? 'ContainerCreating';
      throw badRequest(`container "${container}" in pod "${pod.metadata.name}" is waiting to start: ${waiting}`);
    }
  }
  const file = containerLogFile(src.logsDir, ref, container, run);
  const since =
    q.sinceSeconds !== undefined
      ? clock().now() - q.sinceSeconds * 1000
      : q.sinceTime
        ? Date.parse(q.sinceTime)
        : undefined;
  let budget = q.limitBytes ?? Infinity;

  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked' });
  res.flushHeaders();
  // ends once and stops the follow timer with it; a client that stops reading is cut off
  const stream = new ResponseStream(res, streams);
  const format = (raw: string): string | undefined => {
    const l = parseLogLine(raw);
    if (!l) return undefined;
    if (since !== undefined && Date.parse(l.time) < since) return undefined;
    return (q.timestamps ? `${l.time} ` : '') + l.text + '\n';
  };
  const emit = (text: string, initial = false): boolean => {
    if (budget <= 0) return false;
    const buf = Buffer.from(text);
    if (buf.length > budget) {
      stream.write(buf.subarray(0, budget), initial);
      budget = 0;
      return false;
    }
    budget -= buf.length;
    return stream.write(buf, initial);
  };

  // the current file only, as the kubelet reads it (rotated files hold older output); a follow goes on across
  // rotations
  const reader = new LogFileReader(file);
  stream.onEnd(() => reader.close());
  const content = reader.read();
  // a line still being written is left for the follow to complete
  let partial = q.follow && !content.endsWith('\n') ? content.slice(content.lastIndexOf('\n') + 1) : '';
  const lines = content
    .slice(0, content.length - partial.length)
    .split('\n')
    .filter((l) => l !== '');
  let out = lines.map(format).filter((x): x is string => x !== undefined);
  if (q.tailLines !== undefined) out = out.slice(Math.max(0, out.length - q.tailLines));
  for (const l of out)
    if (!emit(l, true)) {
      stream.end();
      return;
    }
  const keepFollowing = q.follow && !q.previous && budget > 0 && isRunning(pod, container);
  if (!keepFollowing) {
    stream.end();
    return;
  }
  // follow: poll the file for appended lines until the container stops, the pod goes or the client leaves
  // every 200 real milliseconds whatever the cluster's clock speed (the file is polled, not watched)
  stream.every(200 * clock().speed, () => {
    const text = partial + reader.read();
    const parts = text.split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) {
      const f = p ? format(p) : undefined;
      if (f !== undefined && !emit(f)) {
        stream.end();
        return;
      }
    }
    const now = src.currentPod();
    const sameRun =
      now &&
      now.metadata.uid === pod.metadata.uid &&
      isRunning(now, container) &&
      restartCountOf(now, container) === run;
    if (!sameRun) stream.end();
  });
}
