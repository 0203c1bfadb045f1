// The container runtime interface the kubelet drives, shaped after Kubernetes' CRI: pod sandboxes
// (which own the pod's network address), images, containers and probes, plus a stream of container
// exits (the kubelet's PLEG). Implemented by the `simulated` runtime and by the container runtime
// (container/), which runs pods on the machine's container engine.
import type { Container, Probe } from 'kubernetes-types/core/v1';
import type { Readable, Writable } from 'stream';

/** A pod's resolv.conf, as CRI's DNSConfig */
export interface SandboxDns {
  servers: string[];
  searches: string[];
  /** "ndots:5", "edns0" */
  options: string[];
}

/** What a runtime knows about a pod, as CRI's PodSandboxConfig carries it. */
export interface SandboxConfig {
  uid: string;
  name: string;
  namespace: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  /** the address the pod had before a restart of the node, kept when still free */
  preferredIP?: string;
  /** the containers' resolv.conf; undefined: the runtime's default (the node's resolver) */
  dns?: SandboxDns;
  /** spec.shareProcessNamespace: the pod's containers share one process namespace (CRI's NamespaceMode POD) */
  sharePid?: boolean;
}

export interface Sandbox {
  id: string;
  ip: string;
}

export interface ImageRef {
  /** the reference as the pod names it, normalised ("docker.io/library/nginx:1.27") */
  image: string;
  /** what the image resolved to ("docker.io/library/nginx@sha256:...") */
  imageID: string;
}

export type ProbeKind = 'readiness' | 'liveness' | 'startup';

/** a host folder or file bound into a container */
export interface Mount {
  source: string;
  target: string;
  readOnly: boolean;
}

/** What the kubelet resolved from the API for a container: runtimes that run processes use it. */
export interface ContainerInputs {
  /** the Services' variables (`<NAME>_SERVICE_HOST`...), before envFrom and env, which win over them */
  serviceEnv: [string, string][];
  /** envFrom's variables, in order, before the container's env */
  envFrom: [string, string][];
  /** the values of env entries whose valueFrom names a ConfigMap or Secret key */
  valueFrom: Record<string, string>;
  mounts: Mount[];
}

export interface ContainerConfig {
  sandboxId: string;
  /** the pod's container spec (v1.Container) */
  spec: Container;
  /** 0 for the first run, then the restart count */
  attempt: number;
  /**
   * init containers run to completion before the next one starts; sidecars are init containers with restartPolicy
   * Always; ephemeral containers are kubectl debug's, run once in the running pod
   */
  kind: 'init' | 'sidecar' | 'regular' | 'ephemeral';
  /** an ephemeral container's targetContainerName: the id of that container's run, whose processes it sees */
  targetId?: string;
  /** the pod's restartPolicy (Always, OnFailure, Never) */
  podRestartPolicy: string;
  image: ImageRef;
  /** the CRI log file the container's output goes to */
  logPath: string;
  /** set when the runtime runs processes (runsProcesses) */
  inputs?: ContainerInputs;
}

export interface ContainerExit {
  exitCode: number;
  /** "Completed", "Error", "OOMKilled", ... as the container status shows it */
  reason: string;
  message?: string;
  /** ms, cluster time */
  startedAt: number;
  finishedAt: number;
  signal?: number;
}

export interface ProbeResult {
  success: boolean;
  /** why it failed, as it follows "Readiness probe failed: " in the Unhealthy event */
  output: string;
}

/** CPUs and memory of the machine that runs the pods, and its operating system as the engine names it. */
export interface HostResources {
  cpus: number;
  memoryBytes: number;
  os?: string;
}

/** One reading of a running container's resource usage, as the engine's stats give it. */
export interface ContainerUsage {
  pod: { uid: string; name: string; namespace: string };
  container: string;
  /** CPU time used since the container started, in nanoseconds */
  cpuNanoSeconds: number;
  /** memory in use minus the inactive file cache, as the kubelet's working set */
  memoryWorkingSetBytes: number;
  /** when read (ms since the epoch) */
  at: number;
}

/** A registry login for one pull (from the pod's imagePullSecrets). */
export interface RegistryAuth {
  username: string;
  password: string;
  /** the registry's host[:port], or Docker Hub's index address */
  serveraddress: string;
}

/** A terminal's size, as kubectl sends it when its window changes. */
export interface TerminalSize {
  width: number;
  height: number;
}

/**
 * The client's streams of an exec or attach (CRI's streaming requests), as the API server hands them over. The
 * output streams are not ended by the runtime: the caller ends the session once the promise settles.
 */
export interface StreamSession {
  stdin?: Readable;
  stdout?: Writable;
  /** absent with a tty, whose output is one stream */
  stderr?: Writable;
  tty: boolean;
  /** calls listener with each size the client sends (the last one at once, when one came before) */
  onResize(listener: (size: TerminalSize) => void): void;
  /** aborted when the client goes away */
  signal: AbortSignal;
}

export class ImagePullError extends Error {}
export class SandboxError extends Error {}

export interface ContainerRuntime {
  /** "simulated", "docker", "podman"; reported as containerRuntimeVersion "<name>://<version>" */
  readonly name: string;
  readonly version: string;
  /** the kubelet resolves env and volumes (ContainerConfig.inputs) only for a runtime that runs processes */
  readonly runsProcesses: boolean;
  /** the machine the pods run on, when the runtime knows it: the node's capacity (as kind's nodes report theirs) */
  readonly host?: HostResources;
  /** the usage of every running container; absent when the runtime cannot tell (the simulated one) */
  usage?(): Promise<ContainerUsage[]>;

  runPodSandbox(config: SandboxConfig): Promise<Sandbox>;
  /** stops every container of the sandbox at once and releases its address */
  removePodSandbox(id: string): Promise<void>;

  /** the image when present on the node */
  imageStatus(image: string): Promise<ImageRef | undefined>;
  /** rejects with ImagePullError; the sandbox tells the runtime whose pull it is; auth from imagePullSecrets */
  pullImage(image: string, sandboxId: string, container: string, auth?: RegistryAuth): Promise<ImageRef>;

  /** resolves with the container id */
  createContainer(config: ContainerConfig): Promise<string>;
  /** resolves with the start time (ms, cluster time) */
  startContainer(id: string): Promise<number>;
  /**
   * Sends the stop signal and resolves once the container has exited; after timeoutSeconds it is
   * killed. Calling it again with a shorter timeout brings the kill forward.
   */
  stopContainer(id: string, timeoutSeconds: number): Promise<ContainerExit>;
  removeContainer(id: string): Promise<void>;

  probe(id: string, kind: ProbeKind, probe: Probe): Promise<ProbeResult>;

  /** Runs command in the running container id with the session's streams; resolves with its exit code. */
  exec?(id: string, command: string[], session: StreamSession): Promise<number>;
  /** Attaches the session to the container's own stdio; resolves when its output ends or the client leaves. */
  attach?(id: string, session: StreamSession): Promise<void>;

  /** called when a container exits by itself (not when stopContainer stopped it) */
  onContainerExit(listener: (id: string, exit: ContainerExit) => void): void;

  /**
   * The node goes away with its process: the simulated runtime drops its state; a runtime running real
   * processes stops and removes them, and the promise says when that is done.
   */
  shutdown(): Promise<void>;
}
