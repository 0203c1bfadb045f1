// Which pods' logs to read: one pod (optionally one container), or every pod a workload selects; and one
// container's log read through the API's streaming GET pods/log, handed over line by line as it arrives.
import type { Pod } from 'kubernetes-types/core/v1';
import { fromLabelSelector, selectorToString } from '../../kube/labelSelector';
import type { ApiClient } from '../../kubeclient/apiClient';
import type { RawStream } from '../../kubeclient/transport';
import { objectPath } from '../cluster/objectActions';
import type { ObjectRef } from '../cluster/treeNode';

export interface LogTarget {
  namespace: string;
  /** what the log is called in titles: pod/NAME or deployment/NAME */
  title: string;
  /** one pod, by name... */
  podName?: string;
  /** ...or every pod this label selector selects */
  labelSelector?: string;
  /** only this container */
  container?: string;
}

export interface LogSettings {
  /** lines of each container's log read before following (the setting slipway.logs.tailLines) */
  tailLines: number;
  timestamps: boolean;
}

/** The log target of a pod (or one of its containers) or of a workload, whose selector is read from the API. */
export async function logTargetOf(api: ApiClient, ref: ObjectRef, container?: string): Promise<LogTarget> {
  const namespace = ref.namespace ?? 'default';
  const title = `${ref.kind.toLowerCase()}/${ref.name}${container ? `/${container}` : ''}`;
  if (ref.kind === 'Pod') return { namespace, title, podName: ref.name, container };
  const workload: { spec?: { selector?: Parameters<typeof fromLabelSelector>[0] } } = await api.get(objectPath(ref));
  const labelSelector = selectorToString(fromLabelSelector(workload.spec?.selector));
  if (!labelSelector) throw new Error(`${title} has no pod selector, so it has no pods to read logs of`);
  return { namespace, title, labelSelector, container };
}

/** The containers of a pod whose logs the target reads. */
export function containersOf(pod: Pod, target: LogTarget): string[] {
  const names = (pod.spec?.containers ?? []).map((c) => c.name);
  if (!target.container) return names;
  const all = [...names, ...(pod.spec?.initContainers ?? []).map((c) => c.name)];
  return all.includes(target.container) ? [target.container] : [];
}

/**
 * Which run of a container has a log to read: the current one (running, or ended), the previous one (waiting to
 * be restarted after a crash: what `kubectl logs --previous` shows), or none yet.
 */
export function readableRun(pod: Pod, container: string): 'current' | 'previous' | undefined {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  const s = statuses.find((x) => x.name === container);
  if (!pod.spec?.nodeName || !s) return undefined;
  if (s.state?.running || s.state?.terminated) return 'current';
  return s.lastState?.terminated ? 'previous' : undefined;
}

export function restartsOf(pod: Pod, container: string): number {
  const statuses = [...(pod.status?.containerStatuses ?? []), ...(pod.status?.initContainerStatuses ?? [])];
  return statuses.find((x) => x.name === container)?.restartCount ?? 0;
}

/** Turns chunks into whole lines, however the chunks fall. */
export class LineSplitter {
  private buf = '';
  push(text: string, onLine: (line: string) => void): void {
    this.buf += text;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      onLine(this.buf.slice(0, nl));
      this.buf = this.buf.slice(nl + 1);
    }
  }
  flush(onLine: (line: string) => void): void {
    if (this.buf) onLine(this.buf);
    this.buf = '';
  }
}

export interface ContainerLogOptions {
  follow: boolean;
  /** the run before the current one */
  previous?: boolean;
  tailLines?: number;
  timestamps: boolean;
}

/** One container's log, line by line: the last tailLines lines, then (follow) each line as it is written. */
export function containerLog(
  api: ApiClient,
  namespace: string,
  pod: string,
  container: string,
  o: ContainerLogOptions,
  onLine: (line: string) => void,
): RawStream {
  const query: Record<string, string> = { container };
  if (o.follow) query.follow = 'true';
  if (o.previous) query.previous = 'true';
  if (o.tailLines !== undefined) query.tailLines = String(o.tailLines);
  if (o.timestamps) query.timestamps = 'true';
  const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(pod)}/log`;
  const lines = new LineSplitter();
  const s = api.stream(path, query, (text) => lines.push(text, onLine));
  return { stop: () => s.stop(), done: s.done.finally(() => lines.flush(onLine)) };
}

/** Lines carry a [pod/container] prefix unless the target is one container of one pod. */
export function showsPrefix(target: LogTarget): boolean {
  return !(target.podName && target.container);
}

/** One line as shown: "[pod/container] text", or the text alone. */
export function formatLine(target: LogTarget, source: string, text: string): string {
  return showsPrefix(target) ? `[${source}] ${text}` : text;
}
