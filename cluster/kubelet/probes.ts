// Startup, liveness and readiness probes of one container run, with the kubelet's semantics: a probe
// runs when its worker starts and then every periodSeconds, skipped until initialDelaySeconds have
// passed since the container started; successThreshold consecutive successes and failureThreshold
// consecutive failures change the result. Readiness starts as failure, liveness as success; liveness and
// readiness wait for the startup probe. The runtime decides each probe's outcome.
import type { Container, Probe } from 'kubernetes-types/core/v1';
import { Clock, Timer } from '../clock';
import { ContainerRuntime, ProbeKind } from '../runtime/types';

export interface ProbeHost {
  clock: Clock;
  runtime: ContainerRuntime;
  unhealthy(kind: ProbeKind, output: string): void;
  /** the startup probe passed (or there is none) */
  started(): void;
  readiness(ready: boolean): void;
  /** a liveness or startup probe failed failureThreshold times: the container must be killed */
  failed(kind: 'liveness' | 'startup'): void;
}

const TITLE: Record<ProbeKind, string> = { readiness: 'Readiness', liveness: 'Liveness', startup: 'Startup' };

export function probeTitle(kind: ProbeKind): string {
  return TITLE[kind];
}

class ProbeWorker {
  private timer?: Timer;
  private stopped = false;
  private inFlight = false;
  private last?: boolean;
  private count = 0;

  constructor(
    private readonly host: ProbeHost,
    private readonly kind: ProbeKind,
    private readonly probe: Probe,
    private readonly containerId: string,
    private readonly startedAt: number,
    private readonly onResult: (success: boolean) => void,
  ) {}

  start(): void {
    const period = Math.max(1, Number(this.probe.periodSeconds) || 10) * 1000;
    this.timer = this.host.clock.every(period, () => void this.tick());
    void this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private async tick(): Promise<void> {
    if (this.stopped || this.inFlight) return;
    const delay = Number(this.probe.initialDelaySeconds) || 0;
    if (Math.floor((this.host.clock.now() - this.startedAt) / 1000) < delay) return;
    this.inFlight = true;
    let result;
    try {
      result = await this.host.runtime.probe(this.containerId, this.kind, this.probe);
    } catch (e) {
      result = { success: false, output: (e as { message?: string } | undefined)?.message ?? String(e) };
    } finally {
      this.inFlight = false;
    }
    if (this.stopped) return;
    if (!result.success) this.host.unhealthy(this.kind, result.output);
    if (result.success === this.last) this.count++;
    else {
      this.last = result.success;
      this.count = 1;
    }
    const threshold = result.success
      ? Math.max(1, Number(this.probe.successThreshold) || 1)
      : Math.max(1, Number(this.probe.failureThreshold) || 3);
    if (this.count === threshold || (this.count > threshold && this.kind === 'readiness'))
      this.onResult(result.success);
  }
}

/** The probes of one run of a container; stop() when the run ends. */
export class ContainerProbes {
  private readonly workers: ProbeWorker[] = [];
  private ready = false;
  private stopped = false;

  constructor(
    private readonly host: ProbeHost,
    private readonly spec: Container,
    private readonly containerId: string,
    private readonly startedAt: number,
  ) {}

  start(): void {
    if (this.spec.startupProbe) {
      this.add('startup', this.spec.startupProbe, (ok) => {
        if (ok) {
          this.workers.shift()?.stop();
          this.afterStartup();
        } else this.host.failed('startup');
      });
    } else this.afterStartup();
  }

  stop(): void {
    this.stopped = true;
    for (const w of this.workers) w.stop();
    this.workers.length = 0;
  }

  private afterStartup(): void {
    if (this.stopped) return;
    this.host.started();
    if (this.spec.livenessProbe) {
      this.add('liveness', this.spec.livenessProbe, (ok) => {
        if (!ok) this.host.failed('liveness');
      });
    }
    if (this.spec.readinessProbe) {
      this.add('readiness', this.spec.readinessProbe, (ok) => {
        if (ok !== this.ready) {
          this.ready = ok;
          this.host.readiness(ok);
        }
      });
    } else this.host.readiness(true);
  }

  private add(kind: ProbeKind, probe: Probe, onResult: (ok: boolean) => void): void {
    const w = new ProbeWorker(
      this.host,
      kind,
      probe,
      this.containerId,
      this.startedAt,
      (ok) => !this.stopped && onResult(ok),
    );
    this.workers.push(w);
    w.start();
  }
}
