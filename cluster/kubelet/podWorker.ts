// One pod on one node, driven the way the kubelet's pod worker drives it: a sandbox with the pod's
// address, init containers one after another, then the containers; restarts by restartPolicy with
// crash back-off; probes; ephemeral containers (kubectl debug) started once as they are added; the pod's active
// deadline; and graceful termination once the pod is being deleted, after which the kubelet removes it. Work
// happens on events (pod updates, container exits, probe results, timers); many state changes in one turn make one
// status write.
// This file decides what should run; containerLifecycle.ts starts, restarts and stops containers, podStatus.ts
// turns the state into the API status.
import type { PodCondition, PodStatus } from 'kubernetes-types/core/v1';
import type { Pod } from './kubelet';
import { Clock, Timer } from '../clock';
import { ContainerExit, ContainerRuntime } from '../runtime/types';
import { Backoff } from './backoff';
import { ContainerLifecycle, ContainerOwner } from './containerLifecycle';
import { newRun } from './containerRuns';
import { NodeEvents } from './eventLimiter';
import { ImageManager } from './images';
import type { PodInputs } from './podInputs';
import type { PodNetworkSetup } from './podNetworkSetup';
import { ClusterDnsSettings, podDns } from './podDns';
import { apiStatus, ContainerRun, initDone, nothingWillRun, PodState, podPhase, StatusPatch } from './podStatus';

export interface WorkerHost {
  node: string;
  hostIP: string;
  logsDir: string;
  clock: Clock;
  runtime: ContainerRuntime;
  images: ImageManager;
  /** env and volumes from the API, for a runtime that runs processes */
  inputs?: PodInputs;
  /** the cluster DNS the pods' resolv.conf names */
  dns: ClusterDnsSettings;
  /** what a new sandbox's network gets before the pod's containers start (the pod's NetworkPolicy filter) */
  network?: PodNetworkSetup;
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

/** the pod spec's list a container of each kind is in, as events name it (fieldPath) */
const SPEC_LISTS: Record<ContainerRun['kind'], string> = {
  init: 'initContainers',
  sidecar: 'initContainers',
  regular: 'containers',
  ephemeral: 'ephemeralContainers',
};

export class PodWorker implements ContainerOwner {
  readonly uid: string;
  readonly state: PodState;
  private sandboxId?: string;
  private creatingSandbox = false;
  private scheduled = false;
  private terminating = false;
  private gone = false;
  private finished = false;
  private readonly containers: ContainerLifecycle;
  private deadline?: Timer;
  /** set while a failed sandbox waits to be tried again (the sync at that time clears it) */
  private sandboxRetry?: Timer;
  /** finished before this kubelet started: its status stays as it is */
  private readonly keptTerminal: boolean = false;
  /** the last status written, to skip writes that change nothing */
  lastWritten?: string;

  constructor(
    private readonly host: WorkerHost,
    pod: Pod,
  ) {
    this.uid = pod.metadata.uid;
    this.containers = new ContainerLifecycle(host, this);
    const prevStatus: PodStatus = pod.status ?? {};
    const prevInit = new Map((prevStatus.initContainerStatuses ?? []).map((s) => [s.name, s]));
    const prevRegular = new Map((prevStatus.containerStatuses ?? []).map((s) => [s.name, s]));
    const prevEphemeral = new Map((prevStatus.ephemeralContainerStatuses ?? []).map((s) => [s.name, s]));
    const transitions = new Map<string, { status: string; time: string }>();
    for (const c of prevStatus.conditions ?? [])
      if (c?.type && c.lastTransitionTime) transitions.set(c.type, { status: c.status, time: c.lastTransitionTime });
    this.state = {
      pod,
      hostIP: host.hostIP,
      podIP: prevStatus.podIP,
      startTime: prevStatus.startTime ? Date.parse(prevStatus.startTime) : undefined,
      runtime: host.runtime.name,
      sandboxReady: false,
      init: (pod.spec?.initContainers ?? []).map((c) =>
        newRun(c, c.restartPolicy === 'Always' ? 'sidecar' : 'init', prevInit.get(c.name), host.clock.now()),
      ),
      regular: (pod.spec?.containers ?? []).map((c) => newRun(c, 'regular', prevRegular.get(c.name), host.clock.now())),
      ephemeral: (pod.spec?.ephemeralContainers ?? []).map((c) =>
        newRun(c, 'ephemeral', prevEphemeral.get(c.name), host.clock.now()),
      ),
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

  get isGone(): boolean {
    return this.gone;
  }

  get isTerminating(): boolean {
    return this.terminating;
  }

  get sandbox(): string | undefined {
    return this.sandboxId;
  }

  track(containerId: string): void {
    this.host.track(containerId, this);
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
      if (c.state === 'running' && c.id && !this.state.terminalPhase)
        this.containers.kill(c, `Container ${c.name} definition changed, will be restarted`, true);
    }
    // ephemeral containers are only ever added (pods/ephemeralcontainers)
    for (const c of pod.spec?.ephemeralContainers ?? [])
      if (!this.state.ephemeral.some((r) => r.name === c.name))
        this.state.ephemeral.push(newRun(c, 'ephemeral', undefined, this.host.clock.now()));
    if (pod.spec?.activeDeadlineSeconds !== old.spec?.activeDeadlineSeconds) this.armDeadline();
    this.sync();
  }

  /** the runtime id of the pod's container (init, sidecar, regular or ephemeral) while it runs */
  runningContainer(name: string): string | undefined {
    const c = this.allRuns().find((x) => x.name === name);
    return c?.state === 'running' ? c.id : undefined;
  }

  private allRuns(): ContainerRun[] {
    return [...this.state.init, ...this.state.regular, ...this.state.ephemeral];
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
    const c = this.allRuns().find((x) => x.id === id);
    if (c) this.containers.exited(c, id, exit);
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
        this.containers.startOrRestartWithBackOff(c, true);
        if (!c.everStarted) {
          initComplete = false;
          break;
        }
        continue;
      }
      if (initDone(c)) continue;
      initComplete = false;
      if (c.state === 'terminated' && policy === 'Never') break;
      this.containers.startOrRestartWithBackOff(
        c,
        policy !== 'Never' && c.state === 'terminated' && c.terminated!.exitCode !== 0,
      );
      break;
    }
    if (initComplete) {
      for (const c of this.state.regular) {
        const exit = c.terminated?.exitCode ?? 0;
        this.containers.startOrRestartWithBackOff(
          c,
          policy === 'Always' || (policy === 'OnFailure' && exit !== 0) || this.containers.mustRestart(c),
        );
      }
    }
    // ephemeral containers start once the sandbox is there, whether init has finished or not, and never restart
    for (const c of this.state.ephemeral) this.containers.startOrRestartWithBackOff(c, false);
    if (nothingWillRun(this.state)) {
      this.finishRun();
      return;
    }
    this.publish();
  }

  private createSandbox(): void {
    if (this.creatingSandbox || this.sandboxRetry) return;
    this.creatingSandbox = true;
    const m = this.pod.metadata;
    const dns = podDns(this.pod, this.host.dns);
    if (dns.fellBack)
      this.event(
        undefined,
        'Warning',
        'MissingClusterDNS',
        'pod: "' +
          this.podDescription() +
          '". kubelet does not have ClusterDNS IP configured and cannot create Pod using "ClusterFirst" policy. ' +
          'Falling back to "Default" policy.',
      );
    this.host.runtime
      .runPodSandbox({
        uid: m.uid,
        name: m.name,
        namespace: m.namespace,
        labels: m.labels ?? {},
        annotations: m.annotations ?? {},
        sharePid: !!this.pod.spec?.shareProcessNamespace,
        preferredIP: this.state.podIP,
        dns: dns.dns,
      })
      .then(async (sb) => {
        if (this.gone || this.terminating) {
          void this.host.runtime.removePodSandbox(sb.id);
          return;
        }
        try {
          await this.host.network?.setUp(this.pod, sb.ip);
        } catch (e) {
          // as CRI's RunPodSandbox when the network cannot be set up: no sandbox, tried again on a later sync
          await this.host.runtime.removePodSandbox(sb.id).catch(() => undefined);
          throw e;
        }
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
        // tried again 10 s later, not at once: a failure that lasts must not spin; meanwhile the status says the
        // pod is not ready to start its containers
        this.sandboxRetry?.cancel();
        this.sandboxRetry = this.host.clock.after(10_000, () => {
          this.sandboxRetry = undefined;
          this.sync();
        });
        this.publish();
      })
      .finally(() => {
        this.creatingSandbox = false;
        this.sync();
      });
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
    const running = this.allRuns().filter((c) => c.state === 'running');
    void Promise.all(running.map((c) => this.containers.stop(c, this.graceSeconds()))).then(() => {
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
    this.containers.cancelTimers();
    this.deadline?.cancel();
    const grace = this.graceSeconds();
    const regular = [...this.state.regular, ...this.state.ephemeral].filter((c) => c.state === 'running' && c.id);
    const sidecars = this.state.init.filter((c) => c.state === 'running' && c.id);
    const started = this.host.clock.now();
    const stopAll = (list: ContainerRun[], seconds: number) =>
      Promise.all(
        list.map((c) => {
          this.event(c, 'Normal', 'Killing', `Stopping container ${c.name}`);
          return this.containers.stop(c, seconds);
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
    this.containers.shortenGrace(this.graceSeconds());
  }

  graceSeconds(): number {
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
    this.containers.stopAll();
    this.deadline?.cancel();
    this.sandboxRetry?.cancel();
    for (const c of this.allRuns()) if (c.id) this.host.untrack(c.id);
  }

  // --- helpers ------------------------------------------------------------------------------------

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
    const fieldPath = c ? `spec.${SPEC_LISTS[c.kind]}{${c.name}}` : undefined;
    this.host.events.record(this.pod, type, reason, message, fieldPath);
  }
}
