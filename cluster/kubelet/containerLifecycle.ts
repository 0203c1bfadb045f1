// A pod's containers from start to exit (the kubelet's kuberuntime_container.go and its crash back-off):
// image pull, create and start, probes while running, restart after a crash with back-off, and stop within a
// grace period. The pod worker decides which containers should run; this carries it out.
import type { EphemeralContainer, LifecycleHandler } from 'kubernetes-types/core/v1';
import type { Pod } from './kubelet';
import { Timer } from '../clock';
import { containerLogFile } from '../logs/podLogFiles';
import { ContainerExit, ProbeKind } from '../runtime/types';
import { goDuration } from './goDuration';
import { ContainerConfigError } from './podInputs';
import { registryAuthFor } from './pullSecrets';
import type { ContainerRun } from './podStatus';
import { ContainerProbes, probeTitle } from './probes';
import type { WorkerHost } from './podWorker';

/** How long a postStart hook may run before it counts as failed: the kubelet waits for it, and a hung one would
 * hold the container back for good. */
const POST_START_TIMEOUT_S = 30;

/** What a pod's containers need of their pod worker. */
export interface ContainerOwner {
  readonly uid: string;
  readonly pod: Pod;
  /** the pod's sandbox, once created */
  readonly sandbox: string | undefined;
  /** the pod is gone from the API server (or the node from the cluster): nothing more happens */
  readonly isGone: boolean;
  /** the pod is being deleted: nothing new starts */
  readonly isTerminating: boolean;
  podDescription(): string;
  graceSeconds(): number;
  event(c: ContainerRun | undefined, type: 'Normal' | 'Warning', reason: string, message: string): void;
  sync(): void;
  /** the kubelet routes this container's exit to the pod's worker */
  track(containerId: string): void;
  /** the runtime id of the pod's container of that name while it runs */
  runningContainer(name: string): string | undefined;
}

export class ContainerLifecycle {
  /** containers being pulled, created or started */
  private readonly busy = new Set<ContainerRun>();
  private readonly probes = new Map<ContainerRun, ContainerProbes>();
  /** a container waiting out a back-off or a retry */
  private readonly timers = new Map<ContainerRun, Timer>();
  /** containers killed by a failed probe or a changed spec, restarted whatever their exit code */
  private readonly forceRestart = new Set<ContainerRun>();
  private readonly stopping = new Map<ContainerRun, Promise<void>>();

  constructor(
    private readonly host: WorkerHost,
    private readonly owner: ContainerOwner,
  ) {}

  /** Killed by the kubelet (failed probe, changed spec): restarted whatever its exit code. */
  mustRestart(c: ContainerRun): boolean {
    return this.forceRestart.has(c);
  }

  /** starts a container that has not run; restarts one that stopped when it should, after its crash back-off */
  startOrRestartWithBackOff(c: ContainerRun, restart: boolean): void {
    if (this.busy.has(c) || this.timers.has(c) || this.stopping.has(c)) return;
    if (c.state === 'running') return;
    if (c.state === 'waiting' && !c.lastTerminated && c.restartCount === 0) {
      void this.runContainer(c);
      return;
    }
    if (c.state === 'waiting' && c.waiting?.reason !== 'CrashLoopBackOff') {
      // a pull or create that failed earlier: its timer has fired, try again
      void this.runContainer(c);
      return;
    }
    if (c.state === 'terminated' && !restart) return;
    const last = c.state === 'terminated' ? c.terminated : c.lastTerminated;
    const key = `${this.owner.uid}/${c.name}`;
    if (c.state === 'terminated') {
      c.lastTerminated = c.terminated;
      c.terminated = undefined;
      c.state = 'waiting';
      c.waiting = { reason: 'CrashLoopBackOff' };
    }
    const finishedAt = last?.finishedAt ?? this.host.clock.now();
    // a container the kubelet killed (failed probe, changed spec) backs off like one that crashed
    if (this.host.restarts.inBackOffSince(key, finishedAt)) {
      const delay = this.host.restarts.get(key);
      const pod = this.owner.podDescription();
      c.waiting = {
        reason: 'CrashLoopBackOff',
        message: `back-off ${goDuration(delay)} restarting failed container=${c.name} pod=${pod}`,
      };
      this.owner.event(c, 'Warning', 'BackOff', `Back-off restarting failed container ${c.name} in pod ${pod}`);
      this.timer(c, this.host.restarts.until(key, finishedAt));
      return;
    }
    this.host.restarts.next(key, finishedAt);
    this.forceRestart.delete(c);
    c.restartCount++;
    void this.runContainer(c);
  }

  private async runContainer(c: ContainerRun): Promise<void> {
    const sandboxId = this.owner.sandbox;
    if (!sandboxId) return;
    const owner = this.owner;
    this.busy.add(c);
    try {
      const reader = this.host.inputs;
      const auth =
        reader &&
        (async (image: string) => {
          const { secrets, missing } = await reader.pullSecrets(owner.pod);
          if (missing.length) {
            const names = missing.join(', ');
            const message = `Unable to retrieve some image pull secrets (${names}); attempting to pull the image may not succeed.`;
            owner.event(c, 'Warning', 'FailedToRetrieveImagePullSecret', message);
          }
          return registryAuthFor(image, secrets);
        });
      const pulled = await this.host.images.ensure(
        owner.uid,
        sandboxId,
        c.spec,
        { event: (t, r, msg) => owner.event(c, t, r, msg) },
        auth,
      );
      if (owner.isGone || owner.isTerminating) return;
      if (!pulled.ok) {
        c.state = 'waiting';
        c.waiting = { reason: pulled.reason, message: pulled.message };
        this.timer(c, pulled.retryAt);
        return;
      }
      c.image = pulled.image;
      let inputs;
      let targetId: string | undefined;
      try {
        targetId = this.targetOf(c);
        inputs = await this.host.inputs?.resolve(owner.pod, c.spec);
      } catch (e) {
        if (!(e instanceof ContainerConfigError)) throw e;
        c.state = 'waiting';
        c.waiting = { reason: 'CreateContainerConfigError', message: e.message };
        owner.event(c, 'Warning', 'Failed', `Error: ${e.message}`);
        this.timer(c, this.host.clock.now() + 10_000);
        return;
      }
      if (owner.isGone || owner.isTerminating) return;
      const m = owner.pod.metadata;
      const id = await this.host.runtime.createContainer({
        sandboxId,
        spec: c.spec,
        attempt: c.restartCount,
        kind: c.kind,
        podRestartPolicy: owner.pod.spec?.restartPolicy ?? 'Always',
        image: pulled.image,
        targetId,
        logPath: containerLogFile(
          this.host.logsDir,
          { namespace: m.namespace, name: m.name, uid: m.uid },
          c.name,
          c.restartCount,
        ),
        inputs,
      });
      if (owner.isGone || owner.isTerminating) {
        void this.host.runtime.removeContainer(id);
        return;
      }
      owner.event(c, 'Normal', 'Created', `Created container: ${c.name}`);
      owner.track(id);
      c.id = id;
      const startedAt = await this.host.runtime.startContainer(id);
      owner.event(c, 'Normal', 'Started', `Started container ${c.name}`);
      // the postStart hook runs before the container counts as running; a failed one kills it
      const postStart = c.spec.lifecycle?.postStart;
      const failure =
        postStart && this.host.runtime.runsProcesses
          ? await this.runHook(id, postStart, POST_START_TIMEOUT_S)
          : undefined;
      if (c.id !== id || c.state === 'terminated') return;
      c.state = 'running';
      c.waiting = undefined;
      c.terminated = undefined;
      c.startedAt = startedAt;
      c.ready = false;
      c.started = false;
      if (owner.isGone || owner.isTerminating) return;
      if (postStart && failure) {
        this.hookFailed(c, 'FailedPostStartHook', postStart, failure);
        const restart = (owner.pod.spec?.restartPolicy ?? 'Always') !== 'Never' || c.kind === 'sidecar';
        this.kill(c, `FailedPostStartHook`, restart);
        return;
      }
      // an ephemeral container has no probes, and is never ready (the kubelet reports it so)
      if (c.kind !== 'ephemeral') this.startProbes(c, id, startedAt);
    } catch (e) {
      if (owner.isGone) return;
      const msg = (e as { message?: string } | undefined)?.message ?? String(e);
      c.state = 'waiting';
      c.waiting = { reason: 'CreateContainerError', message: msg };
      owner.event(c, 'Warning', 'Failed', `Error: ${msg}`);
      this.timer(c, this.host.clock.now() + 10_000);
    } finally {
      this.busy.delete(c);
      owner.sync();
    }
  }

  /**
   * The running container whose processes an ephemeral container with targetContainerName sees; the kubelet
   * refuses to create it while there is none (CreateContainerConfigError, tried again later).
   */
  private targetOf(c: ContainerRun): string | undefined {
    const target = c.kind === 'ephemeral' ? (c.spec as EphemeralContainer).targetContainerName : undefined;
    if (!target) return undefined;
    const id = this.owner.runningContainer(target);
    if (!id) throw new ContainerConfigError(`unable to find target container ${target}`);
    return id;
  }

  private startProbes(c: ContainerRun, id: string, startedAt: number): void {
    const owner = this.owner;
    const probes = new ContainerProbes(
      {
        clock: this.host.clock,
        runtime: this.host.runtime,
        unhealthy: (kind: ProbeKind, output: string) =>
          owner.event(c, 'Warning', 'Unhealthy', `${probeTitle(kind)} probe failed: ${output}`),
        started: () => {
          if (c.id !== id || c.state !== 'running') return;
          c.started = true;
          c.everStarted = true;
          owner.sync();
        },
        readiness: (ready: boolean) => {
          if (c.id !== id) return;
          c.ready = ready && c.state === 'running';
          owner.sync();
        },
        failed: (kind: 'liveness' | 'startup') => {
          if (c.id !== id || c.state !== 'running' || owner.isTerminating) return;
          const probe = kind === 'liveness' ? c.spec.livenessProbe : c.spec.startupProbe;
          const restart = (owner.pod.spec?.restartPolicy ?? 'Always') !== 'Never' || c.kind === 'sidecar';
          this.kill(c, `Container ${c.name} failed ${kind} probe, will be restarted`, restart, probe);
        },
      },
      c.spec,
      id,
      startedAt,
    );
    this.probes.set(c, probes);
    probes.start();
  }

  /** Stops a running container the kubelet decided to kill; restart: it starts again whatever its exit code. */
  kill(c: ContainerRun, message: string, restart: boolean, probe?: { terminationGracePeriodSeconds?: number }): void {
    this.owner.event(c, 'Normal', 'Killing', message);
    if (restart) this.forceRestart.add(c);
    void this.stop(c, probe?.terminationGracePeriodSeconds ?? this.owner.graceSeconds());
  }

  /** The container exited (by itself or stopped): record it, and let the worker decide what next. */
  exited(c: ContainerRun, id: string, exit: ContainerExit): void {
    if (c.id !== id) return;
    this.probes.get(c)?.stop();
    this.probes.delete(c);
    this.host.untrack(id);
    c.state = 'terminated';
    c.terminated = { ...exit, containerID: id };
    c.waiting = undefined;
    c.ready = false;
    c.started = false;
    this.owner.sync();
  }

  /** stops a running container and records its exit */
  stop(c: ContainerRun, graceSeconds: number): Promise<void> {
    const running = this.stopping.get(c);
    if (running) return running;
    const id = c.id!;
    this.probes.get(c)?.stop();
    this.probes.delete(c);
    const p = this.preStop(c, id, graceSeconds)
      .then((left) => this.host.runtime.stopContainer(id, left))
      .then((exit) => {
        this.stopping.delete(c);
        this.exited(c, id, exit);
      });
    this.stopping.set(c, p);
    return p;
  }

  /**
   * Runs the container's preStop hook within the grace period, as the kubelet does before it sends SIGTERM, and
   * resolves with the grace seconds left for the stop; a failed hook is a FailedPreStopHook event and the stop
   * goes on. Only containers that really run have a hook to run.
   */
  private async preStop(c: ContainerRun, id: string, graceSeconds: number): Promise<number> {
    const hook = c.spec.lifecycle?.preStop;
    if (!hook || !this.host.runtime.runsProcesses || graceSeconds <= 0) return graceSeconds;
    const started = Date.now();
    const failure = await this.runHook(id, hook, graceSeconds);
    if (failure) this.hookFailed(c, 'FailedPreStopHook', hook, failure);
    // as the kubelet, a hook that used up the grace period leaves a one-off 2 s for the stop
    const left = graceSeconds - Math.round((Date.now() - started) / 1000);
    return left > 0 ? left : 2;
  }

  /** Runs a lifecycle handler (exec, httpGet, tcpSocket or sleep) in the container; resolves with why it failed. */
  private async runHook(id: string, hook: LifecycleHandler, timeoutSeconds: number): Promise<string | undefined> {
    if (hook.sleep) {
      await new Promise((resolve) => setTimeout(resolve, Math.min(hook.sleep!.seconds, timeoutSeconds) * 1000));
      return undefined;
    }
    const r = await this.host.runtime.probe(id, 'liveness', { ...hook, timeoutSeconds });
    return r.success ? undefined : r.output;
  }

  private hookFailed(c: ContainerRun, reason: string, hook: LifecycleHandler, why: string): void {
    const what = hook.exec
      ? `Exec lifecycle hook (${JSON.stringify(hook.exec.command)})`
      : `${reason === 'FailedPostStartHook' ? 'PostStart' : 'PreStop'} hook`;
    const pod = this.owner.podDescription();
    this.owner.event(c, 'Warning', reason, `${what} for Container "${c.name}" in Pod "${pod}" failed - error: ${why}`);
  }

  /** The deletion grace period got shorter: containers being stopped are told again. */
  shortenGrace(graceSeconds: number): void {
    for (const c of this.stopping.keys()) if (c.id) void this.host.runtime.stopContainer(c.id, graceSeconds);
  }

  /** Nothing waits to start again (the pod is being deleted). */
  cancelTimers(): void {
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }

  /** Probes and timers stop (the pod finished or is gone). */
  stopAll(): void {
    for (const p of this.probes.values()) p.stop();
    this.probes.clear();
    this.cancelTimers();
  }

  private timer(c: ContainerRun, at: number): void {
    this.timers.get(c)?.cancel();
    this.timers.set(
      c,
      this.host.clock.after(Math.max(0, at - this.host.clock.now()), () => {
        this.timers.delete(c);
        this.owner.sync();
      }),
    );
  }
}
