// Leader election over a coordination.k8s.io/v1 Lease, as client-go's leaderelection does it: the leader renews
// the lease; the others try again every retry period and take it over once it expired. Expiry is judged by when
// this process last saw the lease change, not by the timestamps in it, so clocks of different hosts need not
// agree. Every write names the resourceVersion it read, so two candidates can never both win.
import { hostname } from 'os';
import { randomBytes } from 'crypto';
import type { Lease } from 'kubernetes-types/coordination/v1';
import { KubeApiError } from '../kubeclient/apiError';
import { ObjectClient } from '../kubeclient/objectClient';

export interface LeaderElectionOptions {
  namespace: string;
  /** default slipway-syncer */
  name?: string;
  /** default host_random */
  identity?: string;
  /** how long a lease holds without renewal; default 15 s */
  leaseDurationMs?: number;
  /** how often the leader renews; default 5 s */
  renewMs?: number;
  /** how often a candidate tries to take the lease; default 2 s */
  retryMs?: number;
  /** the leader steps down when it could not renew for this long; default 10 s (less than the lease duration) */
  renewDeadlineMs?: number;
  /**
   * take the lease at the first attempt whoever holds it: for a syncer whose process has just started the cluster
   * itself, so a holder can only be an earlier run killed before it could release the lease
   */
  takeOverAtStart?: boolean;
}

export interface LeaderCallbacks {
  onStartedLeading(): Promise<void> | void;
  onStoppedLeading(): Promise<void> | void;
  log?: (line: string) => void;
}

export const DEFAULT_LEASE_NAME = 'slipway-syncer';

function microTime(ms = Date.now()): string {
  return new Date(ms).toISOString().replace(/Z$/, '000Z');
}

export class LeaderElector {
  readonly identity: string;
  private readonly name: string;
  private readonly durationMs: number;
  private readonly renewMs: number;
  private readonly retryMs: number;
  private readonly renewDeadlineMs: number;
  private leading = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private loop: Promise<void> = Promise.resolve();
  /** the lease as last read, and when this process saw it change */
  private observed?: { lease: Lease; at: number };
  private lastRenewed = 0;
  private firstAttempt?: () => void;
  /** resolves after the first attempt to take the lease, won or not */
  readonly ready: Promise<void>;

  constructor(
    private readonly client: ObjectClient,
    private readonly opts: LeaderElectionOptions,
    private readonly cb: LeaderCallbacks,
  ) {
    this.identity = opts.identity ?? `${hostname()}_${randomBytes(4).toString('hex')}`;
    this.name = opts.name ?? DEFAULT_LEASE_NAME;
    this.durationMs = opts.leaseDurationMs ?? 15_000;
    this.renewMs = opts.renewMs ?? 5_000;
    this.retryMs = opts.retryMs ?? 2_000;
    this.renewDeadlineMs = opts.renewDeadlineMs ?? Math.round((this.durationMs * 2) / 3);
    this.ready = new Promise((r) => (this.firstAttempt = r));
  }

  get isLeader(): boolean {
    return this.leading;
  }

  start(): void {
    this.tick(0);
  }

  /** Stops; a leader steps down and releases the lease, so a successor need not wait for it to expire. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.loop;
    if (!this.leading) return;
    this.leading = false;
    await this.cb.onStoppedLeading();
    await this.release().catch((e) =>
      this.cb.log?.(`could not release lease ${this.opts.namespace}/${this.name}: ${(e as Error).message}`),
    );
  }

  private tick(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.loop = this.attempt()
        .catch((e) => this.cb.log?.(`leader election: ${(e as Error).message}`))
        .finally(() => {
          this.firstAttempt?.();
          this.firstAttempt = undefined;
          this.tick(this.leading ? this.renewMs : this.retryMs);
        });
    }, ms);
  }

  private async attempt(): Promise<void> {
    let won = false;
    try {
      won = await this.tryAcquireOrRenew();
    } catch (e) {
      this.cb.log?.(`lease ${this.opts.namespace}/${this.name}: ${(e as Error).message}`);
    }
    if (this.stopped) return;
    if (!won && this.firstAttempt) {
      const holder = this.observed?.lease.spec?.holderIdentity;
      if (holder)
        this.cb.log?.(
          `standing by: ${holder} holds the lease ${this.opts.namespace}/${this.name}; taking over if it is not renewed for ${this.durationMs / 1000} s`,
        );
    }
    if (won) {
      this.lastRenewed = Date.now();
      if (!this.leading) {
        this.leading = true;
        this.cb.log?.(`${this.identity} is the leader (lease ${this.opts.namespace}/${this.name})`);
        try {
          await this.cb.onStartedLeading();
        } catch (e) {
          // still the holder: the next renewal starts over
          this.leading = false;
          await this.cb.onStoppedLeading();
          throw e;
        }
      }
    } else if (this.leading && Date.now() - this.lastRenewed > this.renewDeadlineMs) {
      // another may take the lease over soon: stop reconciling before it can
      this.leading = false;
      this.cb.log?.(`${this.identity} lost the lease ${this.opts.namespace}/${this.name}; standing by`);
      await this.cb.onStoppedLeading();
    }
  }

  private path(name?: string): string {
    return `/apis/coordination.k8s.io/v1/namespaces/${encodeURIComponent(this.opts.namespace)}/leases${name ? `/${encodeURIComponent(name)}` : ''}`;
  }

  private spec(prev?: Lease): Lease['spec'] {
    const now = microTime();
    const taking = prev?.spec?.holderIdentity !== this.identity;
    return {
      holderIdentity: this.identity,
      leaseDurationSeconds: Math.max(1, Math.ceil(this.durationMs / 1000)),
      acquireTime: taking ? now : (prev?.spec?.acquireTime ?? now),
      renewTime: now,
      leaseTransitions: (prev?.spec?.leaseTransitions ?? 0) + (taking && prev?.spec?.holderIdentity ? 1 : 0),
    };
  }

  /** true when this process holds the lease after the attempt */
  private async tryAcquireOrRenew(): Promise<boolean> {
    let lease: Lease;
    try {
      lease = await this.client.request('GET', this.path(this.name));
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e;
      try {
        await this.client.request('POST', this.path(), {
          apiVersion: 'coordination.k8s.io/v1',
          kind: 'Lease',
          metadata: { name: this.name, namespace: this.opts.namespace },
          spec: this.spec(),
        });
        return true;
      } catch (err) {
        if (err instanceof KubeApiError && err.status === 409) return false; // another candidate created it first
        throw err;
      }
    }
    const holder = lease.spec?.holderIdentity;
    const seen = this.observed;
    if (!seen || seen.lease.metadata?.resourceVersion !== lease.metadata?.resourceVersion)
      this.observed = { lease, at: Date.now() };
    const duration = (lease.spec?.leaseDurationSeconds ?? 15) * 1000;
    const expired = this.observed!.at + duration <= Date.now() || (this.opts.takeOverAtStart && !!this.firstAttempt);
    if (holder && holder !== this.identity && !expired) return false;
    try {
      const updated: Lease = await this.client.request('PUT', this.path(this.name), {
        ...lease,
        spec: this.spec(lease),
      });
      this.observed = { lease: updated, at: Date.now() };
      return true;
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 409) return false; // someone else wrote it since we read it
      throw e;
    }
  }

  private async release(): Promise<void> {
    const lease: Lease = await this.client.request('GET', this.path(this.name));
    if (lease.spec?.holderIdentity !== this.identity) return;
    // as client-go's ReleaseOnCancel: no holder, and a lease that has already run out
    await this.client.request('PUT', this.path(this.name), {
      ...lease,
      spec: { ...lease.spec, holderIdentity: '', leaseDurationSeconds: 1, renewTime: microTime() },
    });
  }
}
