// Records core/v1 Events about objects, as client-go's event recorder does: the same event about the same
// object within ten minutes is counted on the existing Event rather than written again.
import { ApiClient, ApiRequestError } from '../client/apiClient';
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

let lastSuffix = 0n;

/** Kubernetes names events after the time in nanoseconds (hex), so names sort in the order they happened. */
function timeSuffix(ms: number): string {
  let n = BigInt(Math.floor(ms)) * 1_000_000n;
  if (n <= lastSuffix) n = lastSuffix + 1n;
  lastSuffix = n;
  return n.toString(16);
}

export class EventRecorder {
  private readonly seen = new Map<string, Seen>();

  constructor(private readonly client: ApiClient, private readonly source: EventSource) {}

  /** type 'Normal' | 'Warning'; reason in CamelCase; message a sentence without a final period, as kubectl shows it. */
  record(obj: any, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    void this.write(obj, type, reason, message, fieldPath).catch(() => undefined);
  }

  private async write(obj: any, type: string, reason: string, message: string, fieldPath?: string): Promise<void> {
    const meta = obj.metadata ?? {};
    const namespace = meta.namespace || 'default';
    const key = `${meta.uid}|${fieldPath ?? ''}|${type}|${reason}|${message}`;
    const now = clock().now();
    const prev = this.seen.get(key);
    const path = (name?: string) => `/api/v1/namespaces/${encodeURIComponent(namespace)}/events${name ? `/${encodeURIComponent(name)}` : ''}`;
    if (prev && now - prev.last < AGGREGATE_MS) {
      prev.count++;
      prev.last = now;
      try {
        await this.client.patch(path(prev.name), { count: prev.count, lastTimestamp: timestamp(now) }, 'merge');
        return;
      } catch (e) {
        if (!(e instanceof ApiRequestError && e.status === 404)) throw e;
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
