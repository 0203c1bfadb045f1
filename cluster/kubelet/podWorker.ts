// One pod on one node, driven the way the kubelet's pod worker drives it: a sandbox with the pod's
// address, init containers one after another, then the containers; restarts by restartPolicy with
// crash back-off; probes; the pod's active deadline; and graceful termination once the pod is being
// deleted, after which the kubelet removes it. Work happens on events (pod updates, container exits,
// probe results, timers); many state changes in one turn make one status write.
import type {
  Container,
  ContainerStateTerminated,
  ContainerStatus,
  PodCondition,
  PodStatus,
} from 'kubernetes-types/core/v1';
import type { Pod } from './kubelet';
import { Clock, Timer } from '../clock';
import { containerLogFile } from '../logs/podLogFiles';
import { ContainerExit, ContainerRuntime, ProbeKind } from '../runtime/types';
import { Backoff } from './backoff';
import { NodeEvents } from './eventLimiter';
import { goDuration } from './goDuration';
import { ImageManager } from './images';
import { apiStatus, ContainerRun, initDone, nothingWillRun, PodState, podPhase, StatusPatch } from './podStatus';
import { ContainerProbes, probeTitle } from './probes';

export interface WorkerHost {
  node: string;
  hostIP: string;
  logsDir: string;
  clock: Clock;
  runtime: ContainerRuntime;
  images: ImageManager;
  /** crash back-off per pod and container: 10s doubling to 5m */
  restarts: Backoff;
  events: NodeEvents;
  /** the pod's status should be written */
  statusChanged(w: PodWorker): void;
  /** the pod finished: what it requested is free again */
  released(w: PodWorker): void;
  /** every container has stopped after deletion: write the final status and delete the pod */
  terminated(w: PodWorker): void;
  track(containerId: string, w: PodWorker): void;
  untrack(containerId: string): void;
}

const DEFAULT_GRACE_SECONDS = 30;

function newRun(
  spec: Container,
  kind: ContainerRun['kind'],
  previous: ContainerStatus | undefined,
  now: number,
): ContainerRun {
  const run: ContainerRun = {
    name: spec.name,
    kind,
    spec,
    restartCount: 0,
    state: 'waiting',
    waiting: { reason: kind === 'regular' ? 'ContainerCreating' : 'PodInitializing' },
    ready: false,
    started: false,
    everStarted: false,
  };
  if (!previous) return run;
  // the node restarted: containers that ran before are gone and start again as their next attempt
  run.restartCount = Number(previous.restartCount) || 0;
  const t = previous.state?.terminated ?? previous.lastState?.terminated;
  if (kind === 'init' && previous.state?.terminated?.exitCode === 0) {
    run.state = 'terminated';
    run.terminated = fromApiTerminated(previous.state.terminated);
    run.waiting = undefined;
    run.everStarted = true;
    return run;
  }
  if (previous.state?.running) {
    run.lastTerminated = {
      exitCode: 255,
      reason: 'Unknown',
      startedAt: Date.parse(previous.state.running.startedAt ?? '') || 0,
      finishedAt: now,
    };
    run.restartCount++;
  } else if (t) {
    run.lastTerminated = fromApiTerminated(t);
    if (previous.state?.terminated) run.restartCount++;
  }
  return run;
}

function fromApiTerminated(t: ContainerStateTerminated): ContainerRun['terminated'] {
  return {
    exitCode: Number(t.exitCode) || 0,
    reason: t.reason ?? (Number(t.exitCode) ? 'Error' : 'Completed'),
    message: t.message,
    startedAt: Date.parse(t.startedAt ?? '') || 0,
    finishedAt: Date.parse(t.finishedAt ?? '') || 0,
    containerID: typeof t.containerID === 'string' ? t.containerID.replace(/^[a-z]+:\/\//, '') : undefined,
  };
}

export class PodWorker {
  readonly uid: string;
  readonly state: PodState;
  private sandboxId?: string;
  private creatingSandbox = false;
  private scheduled = false;
  private terminating = false;
  private gone = false;
  private finished = false;
  private readonly busy = new Set<ContainerRun>();
  private readonly probes = new Map<ContainerRun, ContainerProbes>();
  private readonly timers = new Map<ContainerRun, Timer>();
  /** containers killed by a failed probe or a changed spec, restarted whatever their exit code */
  private readonly forceRestart = new Set<ContainerRun>();
  private deadline?: Timer;
  private sandboxRetry?: Timer;
  /** finished before this kubelet started: its status stays as it is */
  private readonly keptTerminal: boolean = false;
  private readonly stopping = new Map<ContainerRun, Promise<void>>();
  /** the last status written, to skip writes that change nothing */
  lastWritten?: string;

  constructor(
    private readonly host: WorkerHost,
    pod: Pod,
  ) {
    this.uid = pod.metadata.uid;
    const prevStatus: PodStatus = pod.status ?? {};
    const prevInit = new Map((prevStatus.initContainerStatuses ?? []).map((s) => [s.name, s]));
    const prevRegular = new Map((prevStatus.containerStatuses ?? []).map((s) => [s.name, s]));
    const transitions = new Map<string, { status: string; time: string }>();
    for (const c of prevStatus.conditions ?? [])
      if (c?.type && c.lastTransitionTime) transitions.set(c.type, { status: c.status, time: c.lastTransitionTime });
    this.state = {
      pod,
      hostIP: host.hostIP,
      podIP: prevStatus.podIP,
      startTime: prevStatus.startTime ? Date.parse(prevStatus.startTime) : undefined,
      sandboxReady: false,
      init: (pod.spec?.initContainers ?? []).map((c) =>
        newRun(c, c.restartPolicy === 'Always' ? 'sidecar' : 'init', prevInit.get(c.name), host.clock.now()),
      ),
      regular: (pod.spec?.containers ?? []).map((c) => newRun(c, 'regular', prevRegular.get(c.name), host.clock.now())),
      transitions,
    };
    if (prevStatus.phase === 'Succeeded' || prevStatus.phase === 'Failed') {
      // a finished pod keeps its status
      this.state.terminalPhase = prevStatus.phase;
      this.state.reason = prevStatus.reason;
      this.state.message = prevStatus.message;
      this.keptTerminal = true;
    }
  }

  get pod(): Pod {
    return this.state.pod;
  }

  get isFinished(): boolean {
    return this.finished;
  }

  podDescription(): string {
    const m = this.pod.metadata;
    return `${m.name}_${m.namespace}(${m.uid})`;
  }

  // --- inputs --------------------------------------------------------------------------------------

  start(): void {
    if (this.state.startTime === undefined) this.state.startTime = this.host.clock.now();
    this.armDeadline();
    this.sync();
  }

  update(pod: Pod): void {
    const old = this.pod;
    this.state.pod = pod;
    if (pod.metadata?.deletionTimestamp) {
      if (
        this.terminating &&
        (pod.metadata.deletionGracePeriodSeconds ?? Infinity) < (old.metadata?.deletionGracePeriodSeconds ?? Infinity)
      )
        this.shortenGrace();
      this.sync();
      return;
    }
    // a changed image (the one container field a pod update may change) restarts the container
    const specs = new Map(
      [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])].map((c) => [c.name, c]),
    );
    for (const c of [...this.state.init, ...this.state.regular]) {
      const next = specs.get(c.name);
      if (!next || next.image === c.spec.image) {
        if (next) c.spec = next;
        continue;
      }
      c.spec = next;
      if (c.state === 'running' && c.id && !this.state.terminalPhase) {
        this.event(c, 'Normal', 'Killing', `Container ${c.name} definition changed, will be restarted`);
        this.forceRestart.add(c);
        void this.stopRun(c, this.graceSeconds());
      }
    }
    if (pod.spec?.activeDeadlineSeconds !== old.spec?.activeDeadlineSeconds) this.armDeadline();
    this.sync();
  }

  /** the pod is gone from the API server: stop everything at once, nothing more to report */
  removed(): void {
    this.gone = true;
    this.cleanup();
    if (this.sandboxId) void this.host.runtime.removePodSandbox(this.sandboxId);
    this.sandboxId = undefined;
  }

  /** a container exited by itself */
  containerExited(id: string, exit: ContainerExit): void {
    const c = [...this.state.init, ...this.state.regular].find((x) => x.id === id);
    if (c) this.onExit(c, id, exit);
  }

  /** the node goes away with its runtime: drop timers, write nothing */
  shutdown(): void {
    this.gone = true;
    this.cleanup();
  }

  // --- the sync loop -------------------------------------------------------------------------------

  sync(): void {
    if (this.scheduled || this.gone) return;
    this.scheduled = true;
    queueMicrotask(() => {
      this.scheduled = false;
      this.reconcile();
    });
  }

  private reconcile(): void {
    if (this.gone || this.finished) return;
    if (this.pod.metadata?.deletionTimestamp) {
      this.terminate();
      return;
    }
    if (this.state.terminalPhase) {
      if (!this.keptTerminal) this.publish();
      return;
    }
    if (!this.sandboxId) {
      this.createSandbox();
      return;
    }
    const policy = this.pod.spec?.restartPolicy ?? 'Always';
    let initComplete = true;
    for (const c of this.state.init) {
      if (c.kind === 'sidecar') {
        this.startOrRestartWithBackOff(c, true);
        if (!c.everStarted) {
          initComplete = false;
          break;
        }
        continue;
      }
      if (initDone(c)) continue;
      initComplete = false;
      if (c.state === 'terminated' && policy === 'Never') break;
      this.startOrRestartWithBackOff(c, policy !== 'Never' && c.state === 'terminated' && c.terminated!.exitCode !== 0);
      break;
    }
    if (initComplete) {
      for (const c of this.state.regular) {
        const exit = c.terminated?.exitCode ?? 0;
        this.startOrRestartWithBackOff(
          c,
          policy === 'Always' || (policy === 'OnFailure' && exit !== 0) || this.forceRestart.has(c),
        );
      }
    }
    if (nothingWillRun(this.state)) {
      this.finishRun();
      return;
    }
    this.publish();
  }

  /** starts a container that has not run; restarts one that stopped when it should, after its crash back-off */
  private startOrRestartWithBackOff(c: ContainerRun, restart: boolean): void {
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
    const key = `${this.uid}/${c.name}`;
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
      c.waiting = {
        reason: 'CrashLoopBackOff',
        message: `back-off ${goDuration(delay)} restarting failed container=${c.name} pod=${this.podDescription()}`,
      };
      this.event(
        c,
        'Warning',
        'BackOff',
        `Back-off restarting failed container ${c.name} in pod ${this.podDescription()}`,
      );
      this.timer(c, this.host.restarts.until(key, finishedAt));
      return;
    }
    this.host.restarts.next(key, finishedAt);
    this.forceRestart.delete(c);
    c.restartCount++;
    void this.runContainer(c);
  }

  private createSandbox(): void {
    if (this.creatingSandbox) return;
    this.creatingSandbox = true;
    const m = this.pod.metadata;
    this.host.runtime
      .runPodSandbox({
        uid: m.uid,
        name: m.name,
        namespace: m.namespace,
        labels: m.labels ?? {},
        annotations: m.annotations ?? {},
        preferredIP: this.state.podIP,
      })
      .then((sb) => {
        if (this.gone || this.terminating) {
          void this.host.runtime.removePodSandbox(sb.id);
          return;
        }
        this.sandboxId = sb.id;
        this.state.podIP = sb.ip;
        this.state.sandboxReady = true;
      })
      .catch((e) => {
        this.event(undefined, 'Warning', 'FailedCreatePodSandBox', `Failed to create pod sandbox: ${e?.message ?? e}`);
        // the kubelet tries again on its next sync
        this.sandboxRetry?.cancel();
        this.sandboxRetry = this.host.clock.after(10_000, () => this.sync());
      })
      .finally(() => {
        this.creatingSandbox = false;
        this.sync();
      });
  }

  private async runContainer(c: ContainerRun): Promise<void> {
    if (!this.sandboxId) return;
    const sandboxId = this.sandboxId;
    this.busy.add(c);
    try {
      const pulled = await this.host.images.ensure(this.uid, sandboxId, c.spec, {
        event: (t, r, msg) => this.event(c, t, r, msg),
      });
      if (this.gone || this.terminating) return;
      if (!pulled.ok) {
        c.state = 'waiting';
        c.waiting = { reason: pulled.reason, message: pulled.message };
        this.timer(c, pulled.retryAt);
        return;
      }
      c.image = pulled.image;
      const m = this.pod.metadata;
      const id = await this.host.runtime.createContainer({
        sandboxId,
        spec: c.spec,
        attempt: c.restartCount,
        kind: c.kind,
        podRestartPolicy: this.pod.spec?.restartPolicy ?? 'Always',
        image: pulled.image,
        logPath: containerLogFile(
          this.host.logsDir,
          { namespace: m.namespace, name: m.name, uid: m.uid },
          c.name,
          c.restartCount,
        ),
      });
      if (this.gone || this.terminating) {
        void this.host.runtime.removeContainer(id);
        return;
      }
      this.event(c, 'Normal', 'Created', `Created container: ${c.name}`);
      this.host.track(id, this);
      c.id = id;
      const startedAt = await this.host.runtime.startContainer(id);
      this.event(c, 'Normal', 'Started', `Started container ${c.name}`);
      if (c.id !== id || c.state === 'terminated') return;
      c.state = 'running';
      c.waiting = undefined;
      c.terminated = undefined;
      c.startedAt = startedAt;
      c.ready = false;
      c.started = false;
      if (this.gone || this.terminating) return;
      this.startProbes(c, id, startedAt);
    } catch (e) {
      if (this.gone) return;
      const msg = (e as { message?: string } | undefined)?.message ?? String(e);
      c.state = 'waiting';
      c.waiting = { reason: 'CreateContainerError', message: msg };
      this.event(c, 'Warning', 'Failed', `Error: ${msg}`);
      this.timer(c, this.host.clock.now() + 10_000);
    } finally {
      this.busy.delete(c);
      this.sync();
    }
  }

  private startProbes(c: ContainerRun, id: string, startedAt: number): void {
    const probes = new ContainerProbes(
      {
        clock: this.host.clock,
        runtime: this.host.runtime,
        unhealthy: (kind: ProbeKind, output: string) =>
          this.event(c, 'Warning', 'Unhealthy', `${probeTitle(kind)} probe failed: ${output}`),
        started: () => {
          if (c.id !== id || c.state !== 'running') return;
          c.started = true;
          c.everStarted = true;
          this.sync();
        },
        readiness: (ready: boolean) => {
          if (c.id !== id) return;
          c.ready = ready && c.state === 'running';
          this.sync();
        },
        failed: (kind: 'liveness' | 'startup') => {
          if (c.id !== id || c.state !== 'running' || this.terminating) return;
          this.event(c, 'Normal', 'Killing', `Container ${c.name} failed ${kind} probe, will be restarted`);
          if ((this.pod.spec?.restartPolicy ?? 'Always') !== 'Never' || c.kind === 'sidecar') this.forceRestart.add(c);
          const probe = kind === 'liveness' ? c.spec.livenessProbe : c.spec.startupProbe;
          void this.stopRun(c, probe?.terminationGracePeriodSeconds ?? this.graceSeconds());
        },
      },
      c.spec,
      id,
      startedAt,
    );
    this.probes.set(c, probes);
    probes.start();
  }

  private onExit(c: ContainerRun, id: string, exit: ContainerExit): void {
    if (c.id !== id) return;
    this.probes.get(c)?.stop();
    this.probes.delete(c);
    this.host.untrack(id);
    c.state = 'terminated';
    c.terminated = { ...exit, containerID: id };
    c.waiting = undefined;
    c.ready = false;
    c.started = false;
    this.sync();
  }

  /** stops a running container and records its exit */
  private stopRun(c: ContainerRun, graceSeconds: number): Promise<void> {
    const running = this.stopping.get(c);
    if (running) return running;
    const id = c.id!;
    this.probes.get(c)?.stop();
    this.probes.delete(c);
    const p = this.host.runtime.stopContainer(id, graceSeconds).then((exit) => {
      this.stopping.delete(c);
      this.onExit(c, id, exit);
    });
    this.stopping.set(c, p);
    return p;
  }

  // --- finishing ----------------------------------------------------------------------------------

  /** Every container is done for good: the pod is Succeeded or Failed; sidecars stop and the sandbox goes. */
  private finishRun(reason?: string, message?: string): void {
    if (this.state.terminalPhase) return;
    this.state.terminalPhase = (reason ? 'Failed' : podPhase(this.state)) as 'Succeeded' | 'Failed';
    this.host.released(this);
    if (reason) {
      this.state.reason = reason;
      this.state.message = message;
    }
    this.deadline?.cancel();
    const running = [...this.state.init, ...this.state.regular].filter((c) => c.state === 'running');
    void Promise.all(running.map((c) => this.stopRun(c, this.graceSeconds()))).then(() => {
      this.cleanup();
      if (this.sandboxId) void this.host.runtime.removePodSandbox(this.sandboxId);
      this.sandboxId = undefined;
      this.state.sandboxReady = false;
      this.publish();
    });
    this.publish();
  }

  /** The pod is being deleted: stop its containers within the grace period, then hand it back. */
  private terminate(): void {
    if (this.terminating) return;
    this.terminating = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.deadline?.cancel();
    const grace = this.graceSeconds();
    const regular = this.state.regular.filter((c) => c.state === 'running' && c.id);
    const sidecars = this.state.init.filter((c) => c.state === 'running' && c.id);
    const started = this.host.clock.now();
    const stopAll = (list: ContainerRun[], seconds: number) =>
      Promise.all(
        list.map((c) => {
          this.event(c, 'Normal', 'Killing', `Stopping container ${c.name}`);
          return this.stopRun(c, seconds);
        }),
      );
    void stopAll(regular, grace)
      // sidecars stop after the containers they serve, within what is left of the grace period
      .then(() => stopAll(sidecars, Math.max(0, grace - (this.host.clock.now() - started) / 1000)))
      .then(async () => {
        if (this.gone) return;
        this.cleanup();
        if (this.sandboxId) await this.host.runtime.removePodSandbox(this.sandboxId);
        this.sandboxId = undefined;
        this.state.sandboxReady = false;
        if (!this.state.terminalPhase) {
          const allSucceeded = this.state.regular.every(
            (c) => c.state === 'terminated' && c.terminated?.exitCode === 0,
          );
          this.state.terminalPhase = allSucceeded ? 'Succeeded' : 'Failed';
        }
        this.finished = true;
        this.host.terminated(this);
      });
  }

  private shortenGrace(): void {
    const grace = this.graceSeconds();
    for (const c of this.stopping.keys()) if (c.id) void this.host.runtime.stopContainer(c.id, grace);
  }

  private graceSeconds(): number {
    const m = this.pod.metadata ?? {};
    const g = m.deletionGracePeriodSeconds ?? this.pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
    return Math.max(0, Number(g) || 0);
  }

  private armDeadline(): void {
    this.deadline?.cancel();
    this.deadline = undefined;
    const ads = this.pod.spec?.activeDeadlineSeconds;
    if (typeof ads !== 'number' || this.state.terminalPhase || this.state.startTime === undefined) return;
    const at = this.state.startTime + ads * 1000;
    this.deadline = this.host.clock.after(Math.max(0, at - this.host.clock.now()), () => {
      if (this.state.terminalPhase || this.terminating || this.gone) return;
      const message = 'Pod was active on the node longer than the specified deadline';
      this.event(undefined, 'Normal', 'DeadlineExceeded', message);
      this.finishRun('DeadlineExceeded', message);
    });
  }

  private cleanup(): void {
    for (const p of this.probes.values()) p.stop();
    this.probes.clear();
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.deadline?.cancel();
    this.sandboxRetry?.cancel();
    for (const c of [...this.state.init, ...this.state.regular]) if (c.id) this.host.untrack(c.id);
  }

  // --- helpers ------------------------------------------------------------------------------------

  private timer(c: ContainerRun, at: number): void {
    this.timers.get(c)?.cancel();
    this.timers.set(
      c,
      this.host.clock.after(Math.max(0, at - this.host.clock.now()), () => {
        this.timers.delete(c);
        this.sync();
      }),
    );
  }

  private publish(): void {
    if (!this.terminating && !this.gone) this.host.statusChanged(this);
  }

  /** the status to write now, or undefined when it is what was written last */
  statusToWrite(currentConditions: PodCondition[]): StatusPatch | undefined {
    const status = apiStatus(this.state, currentConditions);
    const text = JSON.stringify(status);
    if (text === this.lastWritten) return undefined;
    return status;
  }

  event(c: ContainerRun | undefined, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const fieldPath = c ? `spec.${c.kind === 'regular' ? 'containers' : 'initContainers'}{${c.name}}` : undefined;
    this.host.events.record(this.pod, type, reason, message, fieldPath);
  }
}
