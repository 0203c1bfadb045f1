// `slipway logs POD | deploy/NAME [-f]`: container logs through the API's pods/log. For a workload every pod it
// selects is shown (kubectl picks one), each line prefixed with [pod/NAME]; with -f, pods that start later join in.
import type { Pod } from 'kubernetes-types/core/v1';
import { Application } from '../../kube/application';
import { fromLabelSelector, selectorToString } from '../../kube/labelSelector';
import { Informer } from '../../kubeclient/informer';
import { KubeApiError } from '../../kubeclient/apiError';
import { ObjectClient } from '../../kubeclient/objectClient';
import { RawStream } from '../../kubeclient/transport';
import { CommandError, CommandIO } from './output';
import { connect, findApp, TargetOptions } from './target';

export interface LogsOptions extends TargetOptions {
  target: string;
  follow: boolean;
  container?: string;
  tail?: number;
}

const WORKLOADS: Record<string, { apiVersion: string; kind: string }> = {
  deploy: { apiVersion: 'apps/v1', kind: 'Deployment' },
  deployment: { apiVersion: 'apps/v1', kind: 'Deployment' },
  deployments: { apiVersion: 'apps/v1', kind: 'Deployment' },
  sts: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  statefulset: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  statefulsets: { apiVersion: 'apps/v1', kind: 'StatefulSet' },
  ds: { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  daemonset: { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  daemonsets: { apiVersion: 'apps/v1', kind: 'DaemonSet' },
  rs: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  replicaset: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  replicasets: { apiVersion: 'apps/v1', kind: 'ReplicaSet' },
  job: { apiVersion: 'batch/v1', kind: 'Job' },
  jobs: { apiVersion: 'batch/v1', kind: 'Job' },
};

interface LogTarget {
  kind: string;
  apiVersion: string;
  name: string;
}

/** POD or TYPE/NAME (kubectl's short type names accepted) as the object whose pods' logs are read. */
export function parseLogTarget(s: string): LogTarget {
  const slash = s.indexOf('/');
  if (slash < 0) return { apiVersion: 'v1', kind: 'Pod', name: s };
  const type = s.slice(0, slash).toLowerCase();
  const name = s.slice(slash + 1);
  if (!name || name.includes('/')) throw new CommandError(`logs takes POD or TYPE/NAME, got ${s}`, 2);
  if (type === 'pod' || type === 'pods' || type === 'po') return { apiVersion: 'v1', kind: 'Pod', name };
  const w = WORKLOADS[type];
  if (!w)
    throw new CommandError(
      `logs: unknown type "${type}" in ${s}; use a pod name or deploy/, sts/, ds/, rs/ or job/NAME`,
      2,
    );
  return { ...w, name };
}

/** The namespace the object lives in: as the app's status lists it, else the app's destination. */
function namespaceFor(app: Application, t: LogTarget): string {
  const listed = (app.status?.resources ?? []).find((r) => r.kind === t.kind && r.name === t.name && r.namespace);
  return listed?.namespace ?? (app.spec.destination?.namespace || app.metadata.namespace || 'default');
}

/** Turns chunks into whole lines, each with the prefix. */
class LinePrinter {
  private buf = '';
  constructor(
    private readonly prefix: string,
    private readonly io: CommandIO,
  ) {}
  write(text: string): void {
    this.buf += text;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      this.io.out(this.prefix + this.buf.slice(0, nl));
      this.buf = this.buf.slice(nl + 1);
    }
  }
  flush(): void {
    if (this.buf) this.io.out(this.prefix + this.buf);
    this.buf = '';
  }
}

/** A pod as the API serves it: named, in a namespace. */
type ServedPod = Pod & { metadata: { name: string; namespace: string } };

function containersOf(pod: Pod, requested: string | undefined): string[] {
  const names: string[] = (pod.spec?.containers ?? []).map((c) => c.name);
  if (!requested) return names;
  const all = [...names, ...(pod.spec?.initContainers ?? []).map((c) => c.name)];
  return all.includes(requested) ? [requested] : [];
}

function logPath(pod: ServedPod): string {
  const { namespace, name } = pod.metadata;
  return `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/log`;
}

function openLog(
  client: ObjectClient,
  pod: ServedPod,
  container: string,
  o: LogsOptions,
  prefix: string,
  io: CommandIO,
): RawStream & { printer: LinePrinter } {
  const printer = new LinePrinter(prefix, io);
  const query: Record<string, string> = {
    container,
    ...(o.follow ? { follow: 'true' } : {}),
    ...(o.tail !== undefined ? { tailLines: String(o.tail) } : {}),
  };
  const s = client.getStream(logPath(pod), query, (text) => printer.write(text));
  return { ...s, done: s.done.finally(() => printer.flush()), printer };
}

export async function logs(o: LogsOptions, io: CommandIO): Promise<number> {
  const target = parseLogTarget(o.target);
  const t = connect(o);
  const streams = new Set<RawStream>();
  let informer: Informer | undefined;
  try {
    const app = await findApp(t, o);
    const namespace = namespaceFor(app, target);
    const shown = `${target.kind === 'Pod' ? 'pod' : target.kind.toLowerCase()}/${target.name}`;
    const obj = await t.client.find({ apiVersion: target.apiVersion, kind: target.kind, namespace, name: target.name });
    if (!obj)
      throw new CommandError(
        `no ${target.kind} ${target.name} in namespace ${namespace}; \`slipway status\` lists what ${app.metadata.name} deployed`,
        1,
      );

    let failures = 0;
    const started = new Set<string>();
    const single = target.kind === 'Pod';
    const start = (pod: ServedPod): Promise<void>[] => {
      if (!pod.spec?.nodeName || pod.metadata?.deletionTimestamp) return [];
      const containers = containersOf(pod, o.container);
      if (!containers.length) {
        if (!started.has(pod.metadata.name)) io.err(`pod/${pod.metadata.name} has no container ${o.container}`);
        started.add(pod.metadata.name);
        failures++;
        return [];
      }
      const out: Promise<void>[] = [];
      for (const c of containers) {
        const key = `${pod.metadata.name}/${c}`;
        if (started.has(key)) continue;
        started.add(key);
        const prefix =
          single && containers.length === 1
            ? ''
            : containers.length > 1 || o.container
              ? `[pod/${pod.metadata.name}/${c}] `
              : `[pod/${pod.metadata.name}] `;
        const s = openLog(t.client, pod, c, o, prefix, io);
        streams.add(s);
        out.push(
          s.done.then(
            () => void streams.delete(s),
            (e: Error) => {
              streams.delete(s);
              failures++;
              io.err(`${prefix || `pod/${pod.metadata.name}: `}${e instanceof KubeApiError ? e.message : String(e)}`);
            },
          ),
        );
      }
      return out;
    };

    let pods: ServedPod[];
    if (single) pods = [obj];
    else {
      const selector = selectorToString(fromLabelSelector(obj.spec?.selector));
      if (!selector) throw new CommandError(`${shown} has no pod selector`, 1);
      pods = (await t.client.list('v1', 'Pod', { namespace, labelSelector: selector })).items ?? [];
      pods.sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
      if (!o.follow && !pods.some((p) => p.spec?.nodeName))
        throw new CommandError(`${shown} has no scheduled pods yet; try again, or follow with -f`, 1);
      if (o.follow) {
        // pods started later (a rollout, a restart) join the stream
        const type = (await t.client.resourceType('v1', 'Pod'))!;
        informer = t.client.informer(type, { namespace, labelSelector: selector }, (event, pod) => {
          if (event !== 'DELETED') void start(pod);
        });
        informer.start();
      }
    }
    if (!o.follow) {
      // one pod after another, so each pod's lines stay together
      for (const p of pods) await Promise.all(start(p));
      return failures ? 1 : 0;
    }
    const all = pods.flatMap((p) => start(p));
    if (single) {
      await Promise.race([Promise.all(all), new Promise((r) => process.once('SIGINT', r))]);
    } else {
      await new Promise((r) => {
        process.once('SIGINT', r);
        process.once('SIGTERM', r);
      });
    }
    return failures ? 1 : 0;
  } finally {
    informer?.stop();
    for (const s of streams) s.stop();
    t.client.close();
  }
}
