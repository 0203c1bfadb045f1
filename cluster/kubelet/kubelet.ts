// The kubelet of one node: admits the pods bound to the node, runs each through a pod worker on the
// node's container runtime, routes container exits back to their pods, and cleans up after pods that
// are gone.
import type { LivePod } from '../controllers/kit/objects';
import * as fs from 'fs';
import { Clock, Timer } from '../clock';
import { podLogDir } from '../logs/podLogFiles';
import { ContainerRuntime, ContainerExit } from '../runtime/types';
import { Backoff } from './backoff';
import { NodeEvents } from './eventLimiter';
import { ImageManager } from './images';
import { PodInputs } from './podInputs';
import type { ClusterDnsSettings } from './podDns';
import type { PodNetworkSetup } from './podNetworkSetup';
import { PodWorker, WorkerHost } from './podWorker';
import { podRequests, Requests } from './resources';
import { StatusWriter } from './statusWriter';

export interface KubeletOptions {
  node: string;
  hostIP: string;
  logsDir: string;
  clock: Clock;
  runtime: ContainerRuntime;
  /** env and volumes from the API, when the runtime runs processes */
  inputs?: PodInputs;
  /** the cluster DNS the pods' resolv.conf names (the kubelet's --cluster-dns and --cluster-domain) */
  dns: ClusterDnsSettings;
  /** what a new sandbox's network gets before the pod's containers start */
  network?: PodNetworkSetup;
  events: NodeEvents;
  statusWriter: StatusWriter;
  /** allocatable resources in base units (cpu in cores, memory in bytes, pods as a count) */
  allocatable: Requests;
  /** the node's labels as they are now (users relabel nodes) */
  labels(): Record<string, string>;
  /** writes the status of a pod the kubelet refused */
  reject(pod: Pod, reason: string, message: string): void;
}

/** A pod as the API server stores it: namespaced, with a uid. */
export type Pod = LivePod & { metadata: { namespace: string } };

const CRASH_BACKOFF_INITIAL_MS = 10_000;
const CRASH_BACKOFF_MAX_MS = 300_000;
/** how often running pods' ConfigMap and Secret volumes are brought up to date (the kubelet's sync period) */
const VOLUME_SYNC_MS = 60_000;

/** the units the rejection message counts in: millicores for cpu, bytes and counts otherwise */
function amount(resource: string, v: number): number {
  return resource === 'cpu' ? Math.round(v * 1000) : Math.round(v);
}

export class Kubelet {
  private readonly workers = new Map<string, PodWorker>();
  private readonly byContainer = new Map<string, PodWorker>();
  private readonly admitted = new Map<string, Requests>();
  private readonly rejected = new Set<string>();
  private readonly used: Requests = { pods: 0 };
  private readonly host: WorkerHost;
  private stopped = false;
  private volumeSync?: Timer;

  constructor(private readonly opts: KubeletOptions) {
    const restarts = new Backoff(CRASH_BACKOFF_INITIAL_MS, CRASH_BACKOFF_MAX_MS, () => opts.clock.now());
    this.host = {
      node: opts.node,
      hostIP: opts.hostIP,
      logsDir: opts.logsDir,
      clock: opts.clock,
      runtime: opts.runtime,
      images: new ImageManager(opts.runtime, opts.clock),
      inputs: opts.inputs,
      dns: opts.dns,
      network: opts.network,
      restarts,
      events: opts.events,
      statusChanged: (w) => opts.statusWriter.changed(w),
      released: (w) => this.release(w.uid),
      terminated: (w) => {
        this.release(w.uid);
        opts.statusWriter.finished(w);
      },
      track: (id, w) => this.byContainer.set(id, w),
      untrack: (id) => this.byContainer.delete(id),
    };
    opts.runtime.onContainerExit((id: string, exit: ContainerExit) =>
      this.byContainer.get(id)?.containerExited(id, exit),
    );
    // running pods see ConfigMap and Secret changes in their volumes, as the kubelet's periodic sync brings them
    const inputs = opts.inputs;
    if (inputs) {
      this.volumeSync = opts.clock.every(VOLUME_SYNC_MS, () => {
        for (const w of this.workers.values()) void inputs.refreshVolumes(w.pod).catch(() => undefined);
      });
    }
  }

  get name(): string {
    return this.opts.node;
  }

  get podCount(): number {
    return this.workers.size;
  }

  get runtime(): ContainerRuntime {
    return this.opts.runtime;
  }

  /** the runtime id of a pod's container (init, sidecar, regular or ephemeral) while it runs */
  runningContainer(uid: string, name: string): string | undefined {
    return this.workers.get(uid)?.runningContainer(name);
  }

  /** a pod bound to this node was added or changed */
  podSeen(pod: Pod): void {
    if (this.stopped) return;
    const uid = pod.metadata?.uid;
    if (!uid || this.rejected.has(uid)) return;
    const w = this.workers.get(uid);
    if (w) {
      if (relevantChange(w.pod, pod)) w.update(pod);
      else w.state.pod = pod;
      return;
    }
    const phase = pod.status?.phase;
    const finished = phase === 'Succeeded' || phase === 'Failed';
    if (!finished && !pod.metadata.deletionTimestamp) {
      const refusal = this.admit(pod);
      if (refusal) {
        this.rejected.add(uid);
        this.opts.events.record(pod, 'Warning', refusal.reason, refusal.message);
        this.opts.reject(pod, refusal.reason, `Pod was rejected: ${refusal.message}`);
        return;
      }
    }
    const worker = new PodWorker(this.host, pod);
    this.workers.set(uid, worker);
    worker.start();
  }

  /** a pod bound to this node is gone from the API server */
  podGone(pod: Pod): void {
    const uid = pod.metadata?.uid;
    if (!uid) return;
    this.rejected.delete(uid);
    const w = this.workers.get(uid);
    if (!w) return;
    this.workers.delete(uid);
    this.release(uid);
    w.removed();
    this.host.images.forget(uid);
    this.opts.inputs?.forget(uid);
    this.host.restarts.forget(`${uid}/`);
    this.opts.statusWriter.forget(uid);
    const m = pod.metadata;
    // the pod's logs go with it, as the kubelet's container garbage collection removes them
    fs.rm(
      podLogDir(this.opts.logsDir, { namespace: m.namespace, name: m.name, uid }),
      { recursive: true, force: true },
      () => undefined,
    );
  }

  /** resolves once the runtime has stopped what it ran */
  stop(): Promise<void> {
    this.stopped = true;
    this.volumeSync?.cancel();
    for (const w of this.workers.values()) w.shutdown();
    this.workers.clear();
    this.byContainer.clear();
    return this.opts.runtime.shutdown();
  }

  /** The kubelet's admission: the node's labels match the pod's nodeSelector and its requests fit. */
  private admit(pod: Pod): { reason: string; message: string } | undefined {
    const selector: Record<string, string> = pod.spec?.nodeSelector ?? {};
    for (const [k, v] of Object.entries(selector)) {
      if (this.opts.labels()[k] !== v) return { reason: 'NodeAffinity', message: 'Predicate NodeAffinity failed' };
    }
    const req = podRequests(pod.spec);
    req.pods = 1;
    for (const [resource, n] of Object.entries(req)) {
      const capacity = this.opts.allocatable[resource];
      if (capacity === undefined || n <= 0) continue;
      const used = this.used[resource] ?? 0;
      if (used + n > capacity + 1e-9) {
        return {
          reason: `OutOf${resource}`,
          message: `Node didn't have enough resource: ${resource}, requested: ${amount(resource, n)}, used: ${amount(resource, used)}, capacity: ${amount(resource, capacity)}`,
        };
      }
    }
    for (const [resource, n] of Object.entries(req)) this.used[resource] = (this.used[resource] ?? 0) + n;
    this.admitted.set(pod.metadata.uid, req);
    return undefined;
  }

  /** a pod stopped holding its resources (finished, terminated or gone) */
  release(uid: string): void {
    const req = this.admitted.get(uid);
    if (!req) return;
    this.admitted.delete(uid);
    for (const [resource, n] of Object.entries(req)) this.used[resource] = (this.used[resource] ?? 0) - n;
  }
}

/** Whether an update means work for the kubelet (its own status writes coming back do not). */
function relevantChange(old: Pod, pod: Pod): boolean {
  const om = old.metadata ?? {},
    nm = pod.metadata ?? {};
  if (om.deletionTimestamp !== nm.deletionTimestamp || om.deletionGracePeriodSeconds !== nm.deletionGracePeriodSeconds)
    return true;
  if (old.spec?.activeDeadlineSeconds !== pod.spec?.activeDeadlineSeconds) return true;
  const images = (p: Pod) =>
    [...(p.spec?.initContainers ?? []), ...(p.spec?.containers ?? [])].map((c) => c.image).join('\n');
  if (images(old) !== images(pod)) return true;
  if (old.spec?.ephemeralContainers?.length !== pod.spec?.ephemeralContainers?.length) return true;
  // readiness gates are conditions other components write
  if (
    pod.spec?.readinessGates?.length &&
    JSON.stringify(old.status?.conditions) !== JSON.stringify(pod.status?.conditions)
  )
    return true;
  return false;
}
