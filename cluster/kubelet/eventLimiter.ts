// The kubelet's events go out at most eventRecordQPS (50/s, bursts of 100) as the kubelet's event client
// is limited, and the backlog is bounded (1,000): when many pods start at once, excess events are
// dropped, as a real kubelet's event broadcaster drops them, rather than competing with status writes.
import type { KubeObject } from '../../kube/objects';
import { Clock, Timer } from '../clock';
import { EventRecorder } from '../controllers/events';

export interface NodeEvents {
  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void;
  stop(): void;
}

const QPS = 50;
const BURST = 100;
const BACKLOG = 1000;

export class LimitedRecorder implements NodeEvents {
  private tokens = BURST;
  private last: number;
  private readonly queue: [KubeObject, 'Normal' | 'Warning', string, string, string | undefined][] = [];
  private timer?: Timer;
  private stopped = false;
  dropped = 0;

  constructor(
    private readonly recorder: EventRecorder,
    private readonly clock: Clock,
  ) {
    this.last = clock.now();
  }

  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string, fieldPath?: string): void {
    if (this.stopped) return;
    this.refill();
    if (this.tokens >= 1 && !this.queue.length) {
      this.tokens--;
      this.recorder.record(obj, type, reason, message, fieldPath);
      return;
    }
    if (this.queue.length >= BACKLOG) {
      this.dropped++;
      return;
    }
    this.queue.push([obj, type, reason, message, fieldPath]);
    this.schedule();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.queue.length = 0;
  }

  private refill(): void {
    const now = this.clock.now();
    this.tokens = Math.min(BURST, this.tokens + ((now - this.last) / 1000) * QPS);
    this.last = now;
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = this.clock.after(1000 / QPS, () => {
      this.timer = undefined;
      this.refill();
      while (this.tokens >= 1 && this.queue.length) {
        this.tokens--;
        const [obj, type, reason, message, fieldPath] = this.queue.shift()!;
        this.recorder.record(obj, type, reason, message, fieldPath);
      }
      if (this.queue.length && !this.stopped) this.schedule();
    });
  }
}
