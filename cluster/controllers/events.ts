// Records core/v1 Events about objects, as client-go's event recorder does: the same event about the same
// object within ten minutes is counted on the existing Event rather than written again, and events wait in
// a bounded queue drained at a limited rate, dropped when it is full, so a burst of thousands of pods does
// not double the API writes it costs (client-go's broadcaster drops events the same way).
import type { KubeObject } from '../../kube/objects';
import { ApiClient } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { clock, timestamp } from '../clock';

export interface EventSource {
  component: string;
  host?: string;
}

interface Seen {
  name: string;
  namespace: string;
  count: number;
  last: number;
}

const AGGREGATE_MS = 10 * 60 * 1000;
const QUEUE_LIMIT = 1000;
const WRITES_PER_SECOND = 100;
const BURST = 300;

let lastSuffix = 0n;

/** Kubernetes names events after the time in nanoseconds (hex), so names sort in the order they happened. */
function timeSuffix(ms: number): string {
  let n = BigInt(Math.floor(ms)) * 1_000_000n;
  if (n <= lastSuffix) n = lastSuffix + 1n;
  lastSuffix = n;
  return n.toString(16);
}

interface Pending {
  obj: KubeObject;
  type: string;
  reason: string;
  message: string;
  fieldPath?: string;
  at: number;
}

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();
  private readonly queue: Pending[] = [];
  private tokens = BURST;
  private refilledAt = Date.now();
  private draining = false;
  /** events dropped because the queue was full */
  dropped = 0;

  constructor(
    private readonly client: ApiClient,
    private readonly source: EventSource,
  ) {}

  /** type 'Normal' | 'Warning'; reason in CamelCase; message a sentence without a final period, as kubectl shows it. */
  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    if (this.queue.length >= QUEUE_LIMIT) {
      this.dropped++;
      return;
    }
    this.queue.push({ obj, type, reason, message, fieldPath, at: clock().now() });
    this.drain();
  }

  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    const step = () => {
      // the rate limit is in real time: it protects the API server, whatever speed the cluster clock runs at
      const now = Date.now();
      this.tokens = Math.min(BURST, this.tokens + ((now - this.refilledAt) / 1000) * WRITES_PER_SECOND);
      this.refilledAt = now;
      while (this.queue.length && this.tokens >= 1) {
        this.tokens -= 1;
        const e = this.queue.shift()!;
        void this.write(e.obj, e.type, e.reason, e.message, e.fieldPath, e.at).catch(() => undefined);
      }
      if (this.queue.length) setTimeout(step, Math.ceil(1000 / WRITES_PER_SECOND)).unref();
      else this.draining = false;
    };
    step();
  }

  private async write(
    obj: KubeObject,
    type: string,
    reason: string,
    message: string,
    fieldPath: string | undefined,
    at: number,
  ): Promise<void> {
    const meta = obj.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const key = `${meta.uid}|${fieldPath ?? ''}|${type}|${reason}|${message}`;
    const now = at;
    const prev = this.seen.get(key);
    const path = (name?: string) =>
      `/api/v1/namespaces/${encodeURIComponent(namespace)}/events${name ? `/${encodeURIComponent(name)}` : ''}`;
    if (prev && now - prev.last < AGGREGATE_MS) {
      prev.count++;
      prev.last = now;
      try {
        await this.client.patch(path(prev.name), { count: prev.count, lastTimestamp: timestamp(now) }, 'merge');
        return;
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 404)) throw e;
      }
    }
    const name = `${meta.name}.${timeSuffix(now)}`;
    this.seen.set(key, { name, namespace, count: 1, last: now });
    if (this.seen.size > 5000) this.seen.delete(this.seen.keys().next().value as string);
    await this.client.create(path(), {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name, namespace },
      involvedObject: {
        apiVersion: obj.apiVersion,
        kind: obj.kind,
        name: meta.name,
        namespace: meta.namespace,
        uid: meta.uid,
        resourceVersion: meta.resourceVersion,
        ...(fieldPath ? { fieldPath } : {}),
      },
      reason,
      message,
      type,
      source: { component: this.source.component, ...(this.source.host ? { host: this.source.host } : {}) },
      firstTimestamp: timestamp(now),
      lastTimestamp: timestamp(now),
      eventTime: null,
      count: 1,
      reportingComponent: this.source.component,
      reportingInstance: this.source.host ?? '',
    });
  }
}
