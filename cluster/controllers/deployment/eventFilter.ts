// client-go's spam filter for events: each object gets a bucket of 25 events from a component, refilled
// at one per five minutes (cluster time), so a ReplicaSet that fails to create pods on every retry
// does not flood the namespace with Events.
import type { KubeObject } from '../../../kube/objects';
import { Clock } from '../../clock';
import { EventRecorder } from '../events';

const BURST = 25;
const REFILL_MS = 5 * 60 * 1000;
const MAX_TRACKED = 4096;

interface Bucket {
  tokens: number;
  at: number;
}

export class SpamFilteredRecorder {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly recorder: EventRecorder,
    private readonly clock: Clock,
  ) {}

  record(obj: KubeObject, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const m = obj.metadata ?? {};
    const key = `${obj.apiVersion}|${obj.kind}|${m.namespace}|${m.name}|${m.uid}`;
    const now = this.clock.now();
    let b = this.buckets.get(key);
    if (b) {
      this.buckets.delete(key);
      b.tokens = Math.min(BURST, b.tokens + (now - b.at) / REFILL_MS);
      b.at = now;
    } else {
      b = { tokens: BURST, at: now };
    }
    // most recently used last, so the oldest is dropped first
    this.buckets.set(key, b);
    if (this.buckets.size > MAX_TRACKED) this.buckets.delete(this.buckets.keys().next().value as string);
    if (b.tokens < 1) return;
    b.tokens--;
    this.recorder.record(obj, type, reason, message);
  }
}
