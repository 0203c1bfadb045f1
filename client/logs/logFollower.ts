// Follows logs as they are written: one pod's containers, or every pod of a workload, interleaved as lines
// arrive with a [pod/container] prefix. Pods are followed with an informer on the workload's selector, so pods
// that a rollout starts join in and a restarted container's new run is followed too. Each container's log
// starts from its last tailLines lines: the whole log is never downloaded first.
import type { Pod } from 'kubernetes-types/core/v1';
import type { ApiClient } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { Informer } from '../../kubeclient/informer';
import type { RawStream } from '../../kubeclient/transport';
import { containerLog, containersOf, readableRun, restartsOf, type LogSettings, type LogTarget } from './logSource';

export interface LogSink {
  /** a line of the log; source is "pod/container", time when it was written (RFC 3339) */
  line(source: string, text: string, time: string): void;
  /** something the reader should know: a pod joining or leaving, a log that cannot be read */
  note(text: string): void;
}

const PODS = { group: '', version: 'v1', plural: 'pods', namespaced: true };

export class LogFollower {
  private readonly informer: Informer;
  private readonly streams = new Map<string, RawStream>();
  /** pod uid/container/run already read, so a run is never read twice */
  private readonly opened = new Set<string>();
  private stopped = false;

  constructor(
    private readonly api: ApiClient,
    readonly target: LogTarget,
    private readonly settings: Pick<LogSettings, 'tailLines'>,
    private readonly sink: LogSink,
  ) {
    this.informer = new Informer(api, PODS, {
      namespace: target.namespace,
      ...(target.podName ? { fieldSelector: `metadata.name=${target.podName}` } : {}),
      ...(target.labelSelector ? { labelSelector: target.labelSelector } : {}),
    }).on({
      add: (p) => this.follow(p),
      update: (p) => this.follow(p),
      delete: (p: Pod) => this.sink.note(`pod/${p.metadata?.name} deleted`),
    });
  }

  /** Starts following; resolves once the pods are listed (their logs then stream in). */
  async start(): Promise<void> {
    this.informer.start();
    await this.informer.waitForSync();
    if (!this.stopped && this.informer.list().length === 0)
      this.sink.note(`no pods of ${this.target.title} yet; waiting for them`);
  }

  /** Ends every stream and the pod watch. */
  stop(): void {
    this.stopped = true;
    this.informer.stop();
    for (const s of this.streams.values()) s.stop();
    this.streams.clear();
  }

  /** Streams being read now, for the tests and the view's title. */
  get following(): number {
    return this.streams.size;
  }

  private follow(pod: Pod): void {
    if (this.stopped || pod.metadata?.deletionTimestamp) return;
    const name = pod.metadata?.name ?? '';
    const containers = containersOf(pod, this.target);
    for (const c of containers) {
      // a run is followed once it runs (or ran: a crash between two watch events)
      if (readableRun(pod, c) !== 'current') continue;
      const run = `${pod.metadata?.uid}/${c}/${restartsOf(pod, c)}`;
      if (this.opened.has(run)) continue;
      this.opened.add(run);
      const source = `${name}/${c}`;
      const s = containerLog(
        this.api,
        this.target.namespace,
        name,
        c,
        // always with timestamps, so the view can show or hide them while following
        { follow: true, tailLines: this.settings.tailLines, timestamps: true },
        (line) => {
          const sp = line.indexOf(' ');
          this.sink.line(source, line.slice(sp + 1), line.slice(0, sp));
        },
      );
      this.streams.set(run, s);
      s.done.then(
        () => this.streams.delete(run),
        (e: unknown) => {
          this.streams.delete(run);
          if (!this.stopped) this.sink.note(`pod/${source}: ${e instanceof KubeApiError ? e.message : String(e)}`);
        },
      );
    }
  }
}
