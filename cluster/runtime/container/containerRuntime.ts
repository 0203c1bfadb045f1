// The container runtime: pods run as real containers on the machine's container engine, spoken to through its
// Docker Engine API (engine.ts). Each pod gets a sandbox container holding its network namespace (and IPC), which
// its containers join, so they share localhost and the pod IP the engine gave the sandbox (and on Podman the
// pod's hostname), across their own restarts (sandboxImage.ts says what runs in it). Every container carries
// labels naming its cluster, node, pod and container (labels.ts): at start the runtime removes what an earlier
// run of the same node left (the kubelet starts the pods again from the API), and at shutdown what it ran.
// Output goes to the CRI log files (logPump.ts); an exit is seen by waiting on the container, with its real exit
// code and OOMKilled.
import type Docker from 'dockerode';
import type { Probe } from 'kubernetes-types/core/v1';
import { Clock, Timer } from '../../clock';
import { normalizedImage, parseImage } from '../imageRef';
import { LogRotation, LogWriter } from '../logWriter';
import {
  ContainerConfig,
  ContainerExit,
  ContainerRuntime,
  ContainerUsage,
  HostResources,
  ImagePullError,
  ImageRef,
  ProbeKind,
  ProbeResult,
  RegistryAuth,
  Sandbox,
  SandboxConfig,
  SandboxError,
  StreamSession,
} from '../types';
import { createOptions, PodContext } from './createOptions';
import { Engine } from './engine';
import { LABEL, nodeFilter, ROLES_BY_DEPENDENCE } from './labels';
import { pumpLogs } from './logPump';
import { runProbe } from './probes';
import { ensureSandboxImage } from './sandboxImage';
import { attachToContainer, execInContainer } from './streams';

export interface ContainerRuntimeOptions {
  engine: Engine;
  /** names the cluster on every container's labels (stable across restarts of the same cluster) */
  cluster: string;
  node: string;
  clock: Clock;
  /** when the containers' log files are rotated (default: the kubelet's) */
  logRotation?: LogRotation;
}

interface Running {
  id: string;
  pod: PodContext;
  spec: ContainerConfig['spec'];
  logPath: string;
  startedAt: number;
  /** resolves with the exit once the container has exited and its output is written */
  exited?: Promise<ContainerExit>;
  exit?: ContainerExit;
  /** set once this runtime stops it; sigkillAt: when it sent SIGKILL (wall-clock ms, as the engine's FinishedAt) */
  stopping?: { deadline: number; kill?: Timer; sigkillAt?: number };
}

/** The parts of the engine's container stats that usage reads (Docker's and Podman's compatible API). */
interface EngineStats {
  cpu_stats?: { cpu_usage?: { total_usage?: number } };
  memory_stats?: { usage?: number; stats?: { inactive_file?: number; total_inactive_file?: number } };
}

/** how long an exit waits for the container's last output to reach its log file */
const LOG_DRAIN_MS = 2000;

function message(e: unknown): string {
  const err = e as { json?: { message?: string }; reason?: string; message?: string };
  return (err?.json?.message ?? err?.message ?? String(e)).trim();
}

export class EngineRuntime implements ContainerRuntime {
  readonly name: string;
  readonly version: string;
  readonly runsProcesses = true;
  readonly host?: HostResources;
  private readonly docker: Docker;
  private readonly sandboxes = new Map<string, PodContext>();
  private readonly containers = new Map<string, Running>();
  private readonly exitListeners: ((id: string, exit: ContainerExit) => void)[] = [];
  private readonly logs: LogWriter;
  private sandboxImage = '';
  private down = false;

  constructor(private readonly opts: ContainerRuntimeOptions) {
    this.name = opts.engine.name;
    this.version = opts.engine.version;
    this.host = opts.engine.host;
    this.docker = opts.engine.docker;
    this.logs = new LogWriter(opts.logRotation);
  }

  /** Makes the sandbox image and removes what an earlier run of this node left behind. */
  async start(): Promise<void> {
    this.sandboxImage = await ensureSandboxImage(this.docker, this.opts.engine.arch);
    await this.removeAll();
  }

  private get labels(): Record<string, string> {
    return { [LABEL.cluster]: this.opts.cluster, [LABEL.node]: this.opts.node };
  }

  // --- sandboxes -------------------------------------------------------------------------------------

  async runPodSandbox(config: SandboxConfig): Promise<Sandbox> {
    const podLabels = {
      ...this.labels,
      [LABEL.podUid]: config.uid,
      [LABEL.podName]: config.name,
      [LABEL.podNamespace]: config.namespace,
    };
    let infra: Docker.Container | undefined;
    try {
      infra = await this.docker.createContainer({
        name: `k8s_POD_${config.name}_${config.namespace}_${config.uid}_${Date.now().toString(36)}`,
        Image: this.sandboxImage,
        Hostname: config.name.slice(0, 63),
        Labels: { ...podLabels, [LABEL.role]: 'sandbox' },
        // the pod's containers join this network namespace and share its resolv.conf
        HostConfig: {
          IpcMode: 'shareable',
          Dns: config.dns?.servers,
          DnsSearch: config.dns?.searches,
          DnsOptions: config.dns?.options,
        },
      });
      await infra.start();
      const info = await infra.inspect();
      const nets = Object.values(info.NetworkSettings.Networks ?? {});
      const ip = nets.find((n) => n.IPAddress)?.IPAddress ?? '';
      if (!ip) throw new Error('the engine gave the sandbox container no IP address');
      this.sandboxes.set(info.Id, { config, infraId: info.Id, ip, shareUts: this.name === 'podman' });
      return { id: info.Id, ip };
    } catch (e) {
      if (infra) await infra.remove({ force: true }).catch(() => undefined);
      throw new SandboxError(`failed to create the pod's sandbox container: ${message(e)}`);
    }
  }

  async removePodSandbox(id: string): Promise<void> {
    this.sandboxes.delete(id);
    const list = await this.docker.listContainers({
      all: true,
      filters: { label: [`${LABEL.sandbox}=${id}`] },
    });
    await this.removeInOrder(list);
    await this.remove(id);
  }

  // --- images ----------------------------------------------------------------------------------------

  async imageStatus(image: string): Promise<ImageRef | undefined> {
    const p = parseImage(image);
    if (!p) return undefined;
    for (const ref of [image, normalizedImage(p)]) {
      try {
        const info = await this.docker.getImage(ref).inspect();
        return { image: normalizedImage(p), imageID: info.RepoDigests?.[0] ?? info.Id };
      } catch {
        // not under this name
      }
    }
    return undefined;
  }

  async pullImage(image: string, _sandboxId: string, _container: string, auth?: RegistryAuth): Promise<ImageRef> {
    try {
      const stream = await this.docker.pull(image, auth ? { authconfig: auth } : {});
      await new Promise<void>((resolve, reject) =>
        this.docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
          const failed = err ?? out?.find((o) => o.error);
          if (failed) reject(new Error(message(failed instanceof Error ? failed : failed.error)));
          else resolve();
        }),
      );
    } catch (e) {
      throw new ImagePullError(`failed to pull image ${JSON.stringify(image)}: ${message(e)}`);
    }
    const ref = await this.imageStatus(image);
    if (!ref) throw new ImagePullError(`the engine pulled ${JSON.stringify(image)} but does not list it`);
    return ref;
  }

  // --- usage -----------------------------------------------------------------------------------------

  async usage(): Promise<ContainerUsage[]> {
    const running = [...this.containers.entries()].filter(([, r]) => !r.exit && !r.stopping);
    const read = await Promise.all(
      running.map(async ([id, r]): Promise<ContainerUsage | undefined> => {
        try {
          const s = (await this.docker.getContainer(id).stats({ stream: false })) as EngineStats;
          const total = s.cpu_stats?.cpu_usage?.total_usage;
          const usage = s.memory_stats?.usage;
          if (typeof total !== 'number' || typeof usage !== 'number') return undefined;
          const inactive = s.memory_stats?.stats?.inactive_file ?? s.memory_stats?.stats?.total_inactive_file ?? 0;
          const c = r.pod.config;
          return {
            pod: { uid: c.uid, name: c.name, namespace: c.namespace },
            container: r.spec.name,
            cpuNanoSeconds: total,
            memoryWorkingSetBytes: Math.max(0, usage - inactive),
            at: Date.now(),
          };
        } catch {
          return undefined; // exited meanwhile
        }
      }),
    );
    return read.filter((u): u is ContainerUsage => !!u);
  }

  // --- containers ------------------------------------------------------------------------------------

  async createContainer(config: ContainerConfig): Promise<string> {
    const pod = this.sandboxes.get(config.sandboxId);
    if (!pod) throw new SandboxError(`sandbox ${config.sandboxId} not found`);
    const c = pod.config;
    const labels = {
      ...this.labels,
      [LABEL.podUid]: c.uid,
      [LABEL.podName]: c.name,
      [LABEL.podNamespace]: c.namespace,
      [LABEL.sandbox]: pod.infraId,
    };
    const options = createOptions(config.spec, config.image.image, pod, labels, config.inputs, config.targetId);
    // a retried create (after a failure) must not collide with what an earlier attempt left
    const suffix = `${config.attempt}_${Date.now().toString(36)}`;
    options.name = `k8s_${config.spec.name}_${c.name}_${c.namespace}_${c.uid}_${suffix}`;
    // the container's earlier runs have exited and their output is in the log files: they leave the engine, as
    // the kubelet's container garbage collection removes dead containers, so a crash loop piles nothing up
    for (const old of this.containers.values())
      if (old.exit && old.pod === pod && old.spec.name === config.spec.name) void this.remove(old.id);
    let created: Docker.Container;
    try {
      created = await this.docker.createContainer(options);
    } catch (e) {
      throw new Error(message(e));
    }
    this.containers.set(created.id, {
      id: created.id,
      pod,
      spec: config.spec,
      logPath: config.logPath,
      startedAt: 0,
    });
    return created.id;
  }

  async startContainer(id: string): Promise<number> {
    const r = this.containers.get(id);
    if (!r) throw new Error(`container ${id} not found`);
    const container = this.docker.getContainer(id);
    try {
      await container.start();
    } catch (e) {
      throw new Error(message(e));
    }
    r.startedAt = this.opts.clock.now();
    const logged = pumpLogs(this.docker, id, r.logPath, this.logs, !!r.spec.tty).catch(() => undefined);
    r.exited = container
      .wait()
      .then(async () => {
        const info = await container.inspect();
        // whether a SIGKILL of this runtime ended it: one sent before it finished (a stop asked for after an exit
        // the engine had not reported yet sent, at most, a SIGTERM, or a SIGKILL too late to count)
        const sigkillAt = r.stopping?.sigkillAt;
        const killedHere = sigkillAt !== undefined && !(Date.parse(info.State.FinishedAt) < sigkillAt);
        // the last lines reach the log file before anyone reads the exit
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([logged, new Promise((res) => (timer = setTimeout(res, LOG_DRAIN_MS)))]);
        clearTimeout(timer);
        await this.logs.flush();
        const code = info.State.ExitCode;
        // some engines (Podman on cgroups v1) do not report the OOM kill: a SIGKILL nobody here sent to a
        // container with a memory limit is taken for one, as the kernel's OOM killer is what sends it
        const oom = info.State.OOMKilled || (code === 137 && !killedHere && !!info.HostConfig?.Memory);
        const exit: ContainerExit = {
          exitCode: code,
          reason: oom ? 'OOMKilled' : code === 0 ? 'Completed' : 'Error',
          message: info.State.Error || undefined,
          startedAt: r.startedAt,
          finishedAt: this.opts.clock.now(),
          signal: code > 128 ? code - 128 : undefined,
        };
        return exit;
      })
      .catch((): ContainerExit => ({
        exitCode: 137,
        reason: 'Error',
        message: 'the container is gone',
        startedAt: r.startedAt,
        finishedAt: this.opts.clock.now(),
        signal: 9,
      }));
    void r.exited.then((exit) => {
      r.exit = exit;
      r.stopping?.kill?.cancel();
      if (!r.stopping && !this.down) for (const l of this.exitListeners) l(id, exit);
    });
    return r.startedAt;
  }

  stopContainer(id: string, timeoutSeconds: number): Promise<ContainerExit> {
    const r = this.containers.get(id);
    const now = this.opts.clock.now();
    const none: ContainerExit = { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now };
    if (!r) return Promise.resolve(none);
    if (r.exit) return Promise.resolve(r.exit);
    if (!r.exited) return Promise.resolve(none);
    const graceMs = Math.max(0, timeoutSeconds) * 1000;
    if (!r.stopping) {
      r.stopping = { deadline: Infinity };
      // the grace period counts from the SIGTERM's delivery, which a busy engine may take a while to make
      void this.docker
        .getContainer(id)
        .kill({ signal: 'SIGTERM' })
        .catch(() => undefined)
        .then(() => this.killBy(r, this.opts.clock.now() + graceMs));
    } else this.killBy(r, now + graceMs);
    return r.exited;
  }

  /** Sends SIGKILL at deadline (cluster time) unless it exits first; a sooner deadline brings the kill forward. */
  private killBy(r: Running, deadline: number): void {
    const stopping = r.stopping;
    if (!stopping || r.exit || deadline >= stopping.deadline) return;
    stopping.deadline = deadline;
    stopping.kill?.cancel();
    stopping.kill = this.opts.clock.after(Math.max(0, deadline - this.opts.clock.now()), () => {
      stopping.sigkillAt = Date.now();
      void this.docker
        .getContainer(r.id)
        .kill({ signal: 'SIGKILL' })
        .catch(() => undefined);
    });
  }

  async removeContainer(id: string): Promise<void> {
    await this.remove(id);
  }

  probe(id: string, _kind: ProbeKind, probe: Probe): Promise<ProbeResult> {
    const r = this.containers.get(id);
    if (!r || !r.exited || r.exit) return Promise.resolve({ success: false, output: 'container is not running' });
    return runProbe(this.docker, id, r.pod.ip, r.spec, probe);
  }

  exec(id: string, command: string[], session: StreamSession): Promise<number> {
    return execInContainer(this.docker, id, command, session);
  }

  attach(id: string, session: StreamSession): Promise<void> {
    return attachToContainer(this.docker, id, session);
  }

  onContainerExit(listener: (id: string, exit: ContainerExit) => void): void {
    this.exitListeners.push(listener);
  }

  async shutdown(): Promise<void> {
    this.down = true;
    await this.removeAll();
    await this.logs.flush();
  }

  // --- internals ------------------------------------------------------------------------------------

  /** removes every container of this node of this cluster: containers first, then their sandboxes */
  private async removeAll(): Promise<void> {
    const list = await this.docker.listContainers({
      all: true,
      filters: nodeFilter(this.opts.cluster, this.opts.node),
    });
    await this.removeInOrder(list);
  }

  /** removes containers so that none goes while another still joins its namespaces (the engine refuses that) */
  private async removeInOrder(list: Docker.ContainerInfo[]): Promise<void> {
    for (const role of ROLES_BY_DEPENDENCE)
      await Promise.all(
        list.filter((c) => (c.Labels[LABEL.role] ?? 'container') === role).map((c) => this.remove(c.Id)),
      );
  }

  private async remove(id: string): Promise<void> {
    const r = this.containers.get(id);
    if (r) {
      r.stopping ??= { deadline: 0 };
      // a forced removal kills it
      r.stopping.sigkillAt ??= Date.now();
    }
    const container = this.docker.getContainer(id);
    // killed first: a forced removal stops a running container the engine's way, SIGTERM and up to 10 s (Podman)
    // before SIGKILL, and a shell as PID 1 ignores SIGTERM; the pod's graceful stop, if any, is already over
    if (!r?.exit) await container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
    await container.remove({ force: true }).catch(async (e: { statusCode?: number }) => {
      if (e?.statusCode === 404) return;
      // refused while the engine was busy with it (a start or its own stop in flight): once the engine reports it
      // stopped, remove it again, so no container outlives its pod
      await container.kill({ signal: 'SIGKILL' }).catch(() => undefined);
      await container.wait().catch(() => undefined);
      await container.remove({ force: true }).catch(() => undefined);
    });
    this.containers.delete(id);
    this.sandboxes.delete(id);
  }
}
