// Whether the connected cluster answers, learned from the traffic the views already make: informers re-list and
// re-watch by themselves when a cluster goes away and comes back, so every request that cannot reach the cluster
// (KubeApiError status 0) says "lost" and the next answer says "connected" again. No probe of its own.
import { KubeApiError } from '../../kubeclient/apiError';
import type { RawStream, Request, Transport, WatchEventHandler, WatchHandle } from '../../kubeclient/transport';

export type HealthState = 'connected' | 'lost';

export interface ConnectionHealth {
  readonly state: HealthState;
  /** why the cluster is unreachable, when lost */
  readonly reason?: string;
  onDidChange(listener: (state: HealthState) => void): { dispose(): void };
}

const unreachable = (e: unknown): e is KubeApiError => e instanceof KubeApiError && e.status === 0;

/** A transport that reports reachability of `inner`'s server through `health`. */
export class HealthTransport implements Transport, ConnectionHealth {
  state: HealthState = 'connected';
  reason?: string;
  private readonly listeners = new Set<(state: HealthState) => void>();

  constructor(private readonly inner: Transport) {}

  get server(): string {
    return this.inner.server;
  }

  onDidChange(listener: (state: HealthState) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private set(state: HealthState, reason?: string): void {
    this.reason = reason;
    if (state === this.state) return;
    this.state = state;
    for (const l of [...this.listeners]) l(state);
  }

  async request(req: Request): Promise<unknown> {
    try {
      const answer = await this.inner.request(req);
      this.set('connected');
      return answer;
    } catch (e) {
      if (unreachable(e)) this.set('lost', e.message);
      else this.set('connected');
      throw e;
    }
  }

  watch(pathAndQuery: string, accept: string, onEvent: WatchEventHandler, onEnd: (err?: Error) => void): WatchHandle {
    return this.inner.watch(pathAndQuery, accept, onEvent, (err) => {
      if (unreachable(err)) this.set('lost', err.message);
      onEnd(err);
    });
  }

  stream(pathAndQuery: string, onText: (text: string) => void): RawStream {
    return this.inner.stream(pathAndQuery, onText);
  }

  close(): void {
    this.listeners.clear();
    this.inner.close();
  }
}
