// The `simulated` container runtime: no process runs. A container "runs" for as long as its behaviour
// (simulation.ts, steered by pod annotations) says, answers probes as planned, and writes honest lines
// about its own lifecycle to its log file so `kubectl logs` shows what the runtime did. Work is done only
// on events: a container with nothing planned holds no timer.
import type { Probe } from 'kubernetes-types/core/v1';
import { pooledRandomBytes } from '../randomBytes';
import * as path from 'path';
import { Clock, Timer } from '../clock';
import { Ipam } from './ipam';
import { LogRotation, LogWriter } from './logWriter';
import { imageDigest, normalizedImage, parseImage } from './imageRef';
import { behaviorOf, Behavior, probeOutcome } from './simulation';
import {
  ContainerConfig,
  ContainerExit,
  ContainerRuntime,
  ImagePullError,
  ImageRef,
  ProbeKind,
  ProbeResult,
  Sandbox,
  SandboxConfig,
  SandboxError,
} from './types';

const SIGKILL = 9;
const PREFIX = '[simulated runtime]';

interface SimSandbox {
  id: string;
  config: SandboxConfig;
  ip: string;
  containers: Set<string>;
}

interface SimContainer {
  id: string;
  config: ContainerConfig;
  sandbox: SimSandbox;
  behavior: Behavior;
  state: 'created' | 'running' | 'exited';
  startedAt: number;
  exit?: ContainerExit;
  exitTimer?: Timer;
  logTimer?: Timer;
  linesWritten: number;
  stopping?: { deadline: number; killTimer?: Timer; done: Promise<ContainerExit>; resolve(e: ContainerExit): void };
}

function hexId(): string {
  return pooledRandomBytes(32).toString('hex');
}

function seconds(n: number): string {
  return `${Number.isInteger(n) ? n : n.toFixed(1)}s`;
}

export interface SimulatedRuntimeOptions {
  node: string;
  podCIDR: string;
  clock: Clock;
  logRotation?: LogRotation;
}

export class SimulatedRuntime implements ContainerRuntime {
  readonly name = 'simulated';
  readonly version = '1.0';
  readonly runsProcesses = false;
  private readonly ipam: Ipam;
  private readonly clock: Clock;
  private readonly sandboxes = new Map<string, SimSandbox>();
  private readonly containers = new Map<string, SimContainer>();
  private readonly images = new Map<string, ImageRef>();
  /** failed pulls per pod and container, for image-pull: fail-first:N */
  private readonly pullAttempts = new Map<string, number>();
  private readonly exitListeners: ((id: string, exit: ContainerExit) => void)[] = [];
  private down = false;
  private readonly logs: LogWriter;

  constructor(readonly opts: SimulatedRuntimeOptions) {
    this.logs = new LogWriter(opts.logRotation);
    this.ipam = new Ipam(opts.podCIDR);
    this.clock = opts.clock;
  }

  // --- sandboxes -------------------------------------------------------------------------------------

  async runPodSandbox(config: SandboxConfig): Promise<Sandbox> {
    const ip = this.ipam.allocate(config.preferredIP);
    if (!ip) {
      throw new SandboxError(
        `failed to setup network for sandbox: plugin type="host-local" failed (add): failed to allocate for range 0: no IP addresses available in range set: ${this.ipam.rangeText()}`,
      );
    }
    const sb: SimSandbox = { id: hexId(), config, ip, containers: new Set() };
    this.sandboxes.set(sb.id, sb);
    return { id: sb.id, ip };
  }

  async removePodSandbox(id: string): Promise<void> {
    const sb = this.sandboxes.get(id);
    if (!sb) return;
    for (const cid of sb.containers) {
      const c = this.containers.get(cid);
      if (c) this.forget(c);
    }
    for (const key of [...this.pullAttempts.keys()])
      if (key.startsWith(`${sb.config.uid}/`)) this.pullAttempts.delete(key);
    this.sandboxes.delete(id);
    this.ipam.release(sb.ip);
  }

  // --- images ----------------------------------------------------------------------------------------

  async imageStatus(image: string): Promise<ImageRef | undefined> {
    const p = parseImage(image);
    return p ? this.images.get(normalizedImage(p)) : undefined;
  }

  async pullImage(image: string, sandboxId: string, container: string): Promise<ImageRef> {
    const sb = this.sandboxes.get(sandboxId);
    const p = parseImage(image);
    if (!p) throw new ImagePullError(`invalid reference format: ${JSON.stringify(image)}`);
    const behavior = behaviorOf(sb?.config.annotations, container, 'regular', 'Always');
    if (behavior.pullSeconds > 0) await this.clock.sleep(behavior.pullSeconds * 1000);
    const key = `${sb?.config.uid}/${container}`;
    const failed = this.pullAttempts.get(key) ?? 0;
    if (failed < behavior.pullFailures) {
      this.pullAttempts.set(key, failed + 1);
      const why =
        behavior.pullFailures === Infinity
          ? 'image-pull=fail'
          : `image-pull=fail-first:${behavior.pullFailures}, failure ${failed + 1}`;
      throw new ImagePullError(
        `rpc error: code = NotFound desc = ${PREFIX} failed to pull and unpack image "${normalizedImage(p)}": pull refused as the pod asks (sim.slipway.dev/${why})`,
      );
    }
    this.pullAttempts.delete(key);
    const ref: ImageRef = { image: normalizedImage(p), imageID: `${p.repository}@${imageDigest(p)}` };
    this.images.set(ref.image, ref);
    return ref;
  }

  // --- containers ------------------------------------------------------------------------------------

  async createContainer(config: ContainerConfig): Promise<string> {
    const sb = this.sandboxes.get(config.sandboxId);
    if (!sb) throw new SandboxError(`sandbox ${config.sandboxId} not found`);
    const id = hexId();
    const behavior = behaviorOf(sb.config.annotations, config.spec.name, config.kind, config.podRestartPolicy);
    this.containers.set(id, { id, config, sandbox: sb, behavior, state: 'created', startedAt: 0, linesWritten: 0 });
    sb.containers.add(id);
    return id;
  }

  async startContainer(id: string): Promise<number> {
    const c = this.mustGet(id);
    if (c.state !== 'created') throw new Error(`container ${id} is ${c.state}`);
    c.state = 'running';
    c.startedAt = this.clock.now();
    const b = c.behavior;
    const { spec, attempt, image } = c.config;
    const lines = [
      `${PREFIX} container "${spec.name}" of pod ${c.sandbox.config.namespace}/${c.sandbox.config.name} started from image ${image.image} (attempt ${attempt}); no process runs`,
    ];
    for (const p of b.problems) lines.push(`${PREFIX} ${p}`);
    if (b.crashOnStart)
      lines.push(`${PREFIX} crashing on start with exit code ${b.exitCode} (sim.slipway.dev/crash-on-start)`);
    else if (b.runSeconds === undefined) lines.push(`${PREFIX} runs until stopped`);
    else lines.push(`${PREFIX} will exit with code ${b.exitCode} after ${seconds(b.runSeconds)}`);
    this.log(c, 'stdout', lines);
    if (b.runSeconds !== undefined) {
      c.exitTimer = this.clock.after(b.runSeconds * 1000, () => {
        const code = b.exitCode;
        this.log(c, code === 0 ? 'stdout' : 'stderr', [`${PREFIX} exiting with code ${code}`]);
        this.exited(c, {
          exitCode: code,
          reason: code === 0 ? 'Completed' : 'Error',
          startedAt: c.startedAt,
          finishedAt: this.clock.now(),
        });
      });
    }
    if (b.logLinesPerSecond > 0 && !b.crashOnStart) this.startLogging(c);
    return c.startedAt;
  }

  stopContainer(id: string, timeoutSeconds: number): Promise<ContainerExit> {
    const c = this.containers.get(id);
    const now = this.clock.now();
    if (!c) return Promise.resolve({ exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now });
    if (c.exit) return Promise.resolve(c.exit);
    if (c.state === 'created') {
      const exit = { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now };
      this.exited(c, exit, true);
      return Promise.resolve(exit);
    }
    const deadline = now + Math.max(0, timeoutSeconds) * 1000;
    if (c.stopping) {
      // a shorter grace period brings the kill forward
      if (deadline < c.stopping.deadline) this.scheduleStop(c, deadline);
      return c.stopping.done;
    }
    let resolve!: (e: ContainerExit) => void;
    const done = new Promise<ContainerExit>((r) => (resolve = r));
    c.stopping = { deadline, done, resolve };
    this.log(c, 'stdout', [`${PREFIX} received SIGTERM (grace period ${seconds(timeoutSeconds)})`]);
    this.scheduleStop(c, deadline);
    return done;
  }

  private scheduleStop(c: SimContainer, deadline: number): void {
    const s = c.stopping!;
    s.deadline = deadline;
    s.killTimer?.cancel();
    const graceful = c.stopping && this.clock.now() + c.behavior.stopSeconds * 1000 <= deadline;
    const at = graceful ? this.clock.now() + c.behavior.stopSeconds * 1000 : deadline;
    s.killTimer = this.clock.after(Math.max(0, at - this.clock.now()), () => {
      if (graceful) {
        this.log(c, 'stdout', [`${PREFIX} stopped on SIGTERM, exiting with code 0`]);
        this.exited(
          c,
          { exitCode: 0, reason: 'Completed', startedAt: c.startedAt, finishedAt: this.clock.now() },
          true,
        );
      } else {
        this.log(c, 'stderr', [`${PREFIX} still running when the grace period ended: killed with SIGKILL`]);
        this.exited(
          c,
          {
            exitCode: 128 + SIGKILL,
            reason: 'Error',
            startedAt: c.startedAt,
            finishedAt: this.clock.now(),
            signal: SIGKILL,
          },
          true,
        );
      }
    });
  }

  async removeContainer(id: string): Promise<void> {
    const c = this.containers.get(id);
    if (c) this.forget(c);
  }

  async probe(id: string, kind: ProbeKind, _probe: Probe): Promise<ProbeResult> {
    const c = this.containers.get(id);
    if (!c || c.state !== 'running') return { success: false, output: 'container is not running' };
    const elapsed = (this.clock.now() - c.startedAt) / 1000;
    const o = probeOutcome(c.behavior[kind], elapsed);
    return { success: o.success, output: o.why };
  }

  onContainerExit(listener: (id: string, exit: ContainerExit) => void): void {
    this.exitListeners.push(listener);
  }

  async shutdown(): Promise<void> {
    this.down = true;
    for (const c of this.containers.values()) this.cancelTimers(c);
    this.containers.clear();
    this.sandboxes.clear();
  }

  // --- internals ------------------------------------------------------------------------------------

  private startLogging(c: SimContainer): void {
    const rate = c.behavior.logLinesPerSecond;
    // at most ten writes a second; faster rates write several lines at a time
    const intervalMs = Math.max(100, 1000 / rate);
    let owed = 0;
    c.logTimer = this.clock.every(intervalMs, () => {
      owed += (rate * intervalMs) / 1000;
      const n = Math.floor(owed);
      owed -= n;
      if (!n) return;
      const lines: string[] = [];
      for (let i = 0; i < n; i++)
        lines.push(
          `${PREFIX} ${c.config.spec.name} log line ${++c.linesWritten} (sim.slipway.dev/log-lines-per-second=${rate})`,
        );
      this.log(c, 'stdout', lines);
    });
  }

  private exited(c: SimContainer, exit: ContainerExit, stopped = false): void {
    if (c.exit || this.down) return;
    c.state = 'exited';
    c.exit = exit;
    this.cancelTimers(c);
    if (c.stopping) {
      c.stopping.resolve(exit);
      return;
    }
    if (!stopped) for (const l of this.exitListeners) l(c.id, exit);
  }

  private cancelTimers(c: SimContainer): void {
    c.exitTimer?.cancel();
    c.logTimer?.cancel();
    c.stopping?.killTimer?.cancel();
  }

  private forget(c: SimContainer): void {
    this.cancelTimers(c);
    if (c.stopping && !c.exit) {
      const now = this.clock.now();
      c.exit = { exitCode: 128 + SIGKILL, reason: 'Error', startedAt: c.startedAt, finishedAt: now, signal: SIGKILL };
      c.stopping.resolve(c.exit);
    }
    this.containers.delete(c.id);
    c.sandbox.containers.delete(c.id);
    this.logs.forgetDir(path.dirname(c.config.logPath));
  }

  private mustGet(id: string): SimContainer {
    const c = this.containers.get(id);
    if (!c) throw new Error(`container ${id} not found`);
    return c;
  }

  private log(c: SimContainer, stream: 'stdout' | 'stderr', lines: string[]): void {
    if (this.down) return;
    this.logs.append(c.config.logPath, stream, lines, this.clock.now());
  }
}
