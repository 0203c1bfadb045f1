// default-scheduler: places pending pods on nodes, as kube-scheduler does. It watches pods and nodes
// through the shared informers, keeps a per-node accounting cache, decides synchronously (algorithm.ts)
// and binds asynchronously through pods/binding, counting the pod on its node ("assumed") meanwhile.
// A pod that fits nowhere may preempt pods of lower priority (preemption/): it is nominated to the node where
// evicting the fewest and least important makes room, they are deleted, and it is placed once they are gone.
// Otherwise it gets PodScheduled=False/Unschedulable and a FailedScheduling event, and waits in the queue for
// a cluster change that could help it, with back-off.
import type { Node as NodeObject, Pod as PodObject } from 'kubernetes-types/core/v1';
import { deepEqual } from '../../kube/objects';
import { KubeApiError } from '../../kubeclient/apiError';
import { Informer } from '../../kubeclient/informer';
import { Clock } from '../clock';
import { Controller, ControllerContext } from '../controllers/controllerContext';
import { EventRecorder } from '../controllers/events';
import type { LivePod, Node } from '../controllers/kit/objects';
import { decide } from './algorithm';
import { SchedulerCache } from './cache';
import { CycleState, Lookups } from './framework';
import { delayedClaims } from './filters/volumeBinding';
import { fitErrorMessage, NO_NODES_AVAILABLE } from './fitError';
import { Nominator } from './nominator';
import { PodScheduledWriter } from './podConditions';
import { isTerminal, newPodInfo, PodInfo, podRef } from './podInfo';
import { preempt } from './preemption/defaultPreemption';
import { deleteVictims } from './preemption/victimDeletion';
import { Victims } from './preemption/victims';
import { ClusterEvent, hasSchedulingGates, QueuedPod, SchedulingQueue } from './queue';
import { effectiveTaints } from './taints';
import { WorkloadInformers, workloadSelectors } from './workloadSelectors';

export const SCHEDULER_NAME = 'default-scheduler';
/** Binding writes in flight at once; the rest wait their turn (decisions do not). */
const MAX_BINDS_IN_FLIGHT = 32;
/** A FailedScheduling event repeats at most this often for the same message (the recorder counts repeats). */
const EVENT_REPEAT_MS = 10_000;
/** How long a pod waits for claims that bind on first consumer (kube-scheduler's bind timeout). */
const VOLUME_BIND_TIMEOUT_MS = 600_000;
/** A sync slice of the scheduling loop, so decisions never hold the event loop for long. */
const SLICE_MS = 20;

export interface SchedulerStats {
  /** scheduling attempts (decisions) made */
  attempts: number;
  scheduled: number;
  unschedulable: number;
  /** milliseconds spent deciding (filters and scoring), not writing */
  decisionMs: number;
  bound: number;
  bindErrors: number;
  /** preemptions decided (each evicting one or more victims) */
  preemptions: number;
}

function responsibleFor(pod: PodObject): boolean {
  const name = pod.spec?.schedulerName;
  return !name || name === SCHEDULER_NAME;
}

export class Scheduler implements Controller {
  readonly name = SCHEDULER_NAME;
  readonly cache = new SchedulerCache();
  readonly nominator = new Nominator();
  readonly stats: SchedulerStats = {
    attempts: 0,
    scheduled: 0,
    unschedulable: 0,
    decisionMs: 0,
    bound: 0,
    bindErrors: 0,
    preemptions: 0,
  };
  private ctx!: ControllerContext;
  private clock!: Clock;
  private queue!: SchedulingQueue;
  private recorder!: EventRecorder;
  private conditions!: PodScheduledWriter;
  private lookups!: Lookups;
  private pods!: Informer;
  private loopScheduled = false;
  private stopped = false;
  private bindsInFlight = 0;
  private readonly bindWaiters: (() => void)[] = [];
  private readonly lastEvent = new Map<string, { message: string; at: number }>();

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.clock = ctx.clock;
    this.recorder = ctx.recorder(SCHEDULER_NAME);
    this.conditions = new PodScheduledWriter(ctx.client);
    this.queue = new SchedulingQueue(ctx.clock, () => this.kick());
    const inf = ctx.informers;
    this.pods = inf.pods();
    const nodes = inf.nodes();
    const namespaces = inf.get('', 'namespaces');
    const pvcs = inf.get('', 'persistentvolumeclaims');
    const pvs = inf.get('', 'persistentvolumes');
    const classes = inf.get('storage.k8s.io', 'storageclasses');
    const budgets = inf.get('policy', 'poddisruptionbudgets');
    const workloads: WorkloadInformers = {
      services: inf.get('', 'services'),
      replicaSets: inf.get('apps', 'replicasets'),
      statefulSets: inf.get('apps', 'statefulsets'),
      replicationControllers: inf.get('', 'replicationcontrollers'),
    };
    this.lookups = {
      namespaceLabels: (ns) => namespaces.get(undefined, ns)?.metadata?.labels,
      pvc: (ns, name) => pvcs.get(ns, name),
      pv: (name) => pvs.get(undefined, name),
      storageClass: (name) => classes.get(undefined, name),
      workloadSelectors: (pod) => workloadSelectors(workloads, pod),
      disruptionBudgets: () => budgets.list(),
    };
    nodes.on({
      add: (n) => this.nodeChanged(n, undefined),
      update: (n, old) => this.nodeChanged(n, old),
      delete: (n) => this.cache.removeNode(n.metadata.name),
    });
    this.pods.on({
      add: (p) => this.podChanged(p, undefined),
      update: (p, old) => this.podChanged(p, old),
      delete: (p) => this.podDeleted(p),
    });
    namespaces.on({
      update: (n, old) => !deepEqual(n.metadata?.labels, old.metadata?.labels) && this.queue.moveAll('NamespaceChange'),
    });
    const volumeEvent = (e: ClusterEvent) => ({
      add: () => this.queue.moveAll(e),
      update: () => this.queue.moveAll(e),
    });
    pvcs.on(volumeEvent('PvcChange'));
    pvs.on(volumeEvent('PvChange'));
    classes.on(volumeEvent('StorageClassChange'));
    // handlers hear only what comes after them: take over what a shared cache may already hold
    for (const n of nodes.list()) this.nodeChanged(n, undefined);
    for (const p of this.pods.list()) this.podChanged(p, undefined);
    // decide only once the caches hold what the cluster holds
    await Promise.all(
      [this.pods, nodes, namespaces, pvcs, pvs, classes, budgets, ...Object.values(workloads)].map((i) =>
        i.waitForSync(),
      ),
    );
    this.kick();
  }

  stop(): void {
    this.stopped = true;
    this.queue?.stop();
    for (const w of this.bindWaiters.splice(0)) w();
  }

  // --- informer events --------------------------------------------------------------------------

  private nodeChanged(node: Node, old: NodeObject | undefined): void {
    this.cache.setNode(node);
    if (!old) return this.queue.moveAll('NodeAdd');
    if (!deepEqual(node.status?.allocatable ?? node.status?.capacity, old.status?.allocatable ?? old.status?.capacity))
      this.queue.moveAll('NodeAllocatableChange');
    if (!deepEqual(node.metadata?.labels, old.metadata?.labels)) this.queue.moveAll('NodeLabelChange');
    if (!deepEqual(effectiveTaints(node), effectiveTaints(old))) this.queue.moveAll('NodeTaintChange');
    if (!!node.spec?.unschedulable !== !!old.spec?.unschedulable) this.queue.moveAll('NodeSchedulableChange');
  }

  private podChanged(pod: LivePod, old: PodObject | undefined): void {
    const uid = pod.metadata.uid;
    const nodeName = pod.spec?.nodeName;
    if (nodeName) {
      this.nominator.delete(uid);
      this.conditions.drop(uid);
      this.lastEvent.delete(uid);
      if (this.queue.has(uid) && !this.cache.isAssumed(uid)) this.queue.delete(uid);
      if (isTerminal(pod)) {
        if (this.cache.has(uid)) {
          this.cache.removePod(uid);
          this.queue.moveAll('AssignedPodDelete');
        }
        return;
      }
      const wasAssigned = !!old?.spec?.nodeName && this.cache.has(uid) && !this.cache.isAssumed(uid);
      // kubelets update the status of every pod often; the same spec and labels need no new accounting
      const same =
        wasAssigned &&
        this.cache.nodeOf(uid) === nodeName &&
        pod.metadata.generation === old.metadata?.generation &&
        pod.metadata.generation !== undefined &&
        deepEqual(pod.metadata.labels, old.metadata?.labels);
      if (same) {
        this.cache.podInfo(uid)!.pod = pod;
        return;
      }
      this.cache.addOrUpdatePod(newPodInfo(pod), nodeName);
      if (!wasAssigned) this.queue.moveAll('AssignedPodAdd');
      else if (!deepEqual(pod.metadata.labels, old.metadata?.labels)) this.queue.moveAll('AssignedPodUpdate');
      return;
    }
    if (!responsibleFor(pod) || isTerminal(pod) || pod.metadata.deletionTimestamp) {
      this.queue.delete(uid);
      this.nominator.delete(uid);
      return;
    }
    this.trackNomination(pod, old);
    // being bound right now: the informer has not caught up with our own decision
    if (this.cache.isAssumed(uid)) return;
    const priority = typeof pod.spec?.priority === 'number' ? pod.spec.priority : 0;
    if (!old || !this.queue.has(uid)) {
      this.queue.add(pod, priority);
      if (hasSchedulingGates(pod)) this.markGated(pod);
      return;
    }
    const changed = !deepEqual(pod.spec, old.spec) || !deepEqual(pod.metadata.labels, old.metadata?.labels);
    this.queue.update(pod, priority, changed);
    if (hasSchedulingGates(pod)) this.markGated(pod);
  }

  /** A pending pod's status.nominatedNodeName, or our own nomination that the informer has not shown yet. */
  private trackNomination(pod: LivePod, old: PodObject | undefined): void {
    const uid = pod.metadata.uid;
    const node = pod.status?.nominatedNodeName || (old?.status?.nominatedNodeName ? '' : this.nominator.nodeOf(uid));
    if (node) this.nominator.set(newPodInfo(pod), node);
    else this.nominator.delete(uid);
  }

  private podDeleted(pod: LivePod): void {
    const uid = pod.metadata.uid;
    this.queue.delete(uid);
    this.nominator.delete(uid);
    this.conditions.drop(uid);
    this.lastEvent.delete(uid);
    if (this.cache.has(uid)) {
      this.cache.removePod(uid);
      this.queue.moveAll('AssignedPodDelete');
    }
  }

  /** Kubernetes marks a pod held back by scheduling gates; kubectl shows it as SchedulingGated. */
  private markGated(pod: LivePod): void {
    this.conditions.set(pod, {
      reason: 'SchedulingGated',
      message: 'Scheduling is blocked due to non-empty scheduling gates',
    });
  }

  // --- the scheduling loop ----------------------------------------------------------------------

  private kick(): void {
    if (this.loopScheduled || this.stopped) return;
    this.loopScheduled = true;
    setImmediate(() => this.loop());
  }

  private loop(): void {
    this.loopScheduled = false;
    if (this.stopped) return;
    const end = performance.now() + SLICE_MS;
    while (performance.now() < end) {
      const qp = this.queue.pop();
      if (!qp) return;
      this.scheduleOne(qp);
    }
    this.kick();
  }

  private scheduleOne(qp: QueuedPod): void {
    // the informer's copy is the freshest there is
    const pod = this.pods.get(qp.pod.metadata.namespace, qp.pod.metadata.name) ?? qp.pod;
    if (pod.metadata.uid !== qp.uid || pod.spec?.nodeName || pod.metadata.deletionTimestamp || isTerminal(pod)) {
      this.queue.done(qp.uid);
      return;
    }
    const info = newPodInfo(pod);
    const t0 = performance.now();
    const d = decide(info, this.cache, this.lookups, this.nominator);
    if (!d.node) {
      let message = NO_NODES_AVAILABLE;
      let nominated: string | undefined;
      let victims: Victims | undefined;
      if (!d.noNodes) {
        // PostFilter: preemption
        const p = preempt(d.state, d.diagnosis, this.nominator);
        message = fitErrorMessage(d.diagnosis, p.victims ? undefined : p.message);
        victims = p.victims;
        nominated = p.victims ? p.victims.node : p.clearNomination ? '' : undefined;
      }
      this.stats.decisionMs += performance.now() - t0;
      this.stats.attempts++;
      this.stats.unschedulable++;
      this.queue.unschedulable(qp, d.rejectors);
      if (nominated) this.nominator.set(info, nominated);
      else if (nominated === '') this.nominator.delete(info.uid);
      this.reportFailure(pod, 'Unschedulable', message, nominated);
      if (victims) this.preemptOn(qp, info, victims);
      return;
    }
    this.stats.decisionMs += performance.now() - t0;
    this.stats.attempts++;
    this.stats.scheduled++;
    this.cache.assume(info, d.node.name);
    void this.bind(qp, info, d.node.name, d.state);
  }

  /**
   * Evicts the victims; the preemptor waits (unschedulable) until their deletion frees the room. Pods of lower
   * priority nominated to the same node lose the nomination, to look for room elsewhere.
   */
  private preemptOn(qp: QueuedPod, preemptor: PodInfo, victims: Victims): void {
    this.stats.preemptions++;
    for (const p of this.nominator.nominatedOn(victims.node)) {
      if (p.priority >= preemptor.priority) continue;
      this.nominator.delete(p.uid);
      this.conditions.clearNomination(p.pod);
    }
    deleteVictims(this.ctx.client, this.recorder, SCHEDULER_NAME, preemptor, victims).catch((e: Error) => {
      if (this.stopped) return;
      const message = `running PostFilter plugin "DefaultPreemption": ${e.message}`;
      this.recorder.record(podRef(preemptor.pod), 'Warning', 'FailedScheduling', message);
      this.queue.error(qp);
    });
  }

  private reportFailure(pod: LivePod, reason: string, message: string, nominated?: string): void {
    const uid = pod.metadata.uid;
    const now = this.clock.now();
    const last = this.lastEvent.get(uid);
    if (!last || last.message !== message || now - last.at >= EVENT_REPEAT_MS) {
      this.lastEvent.set(uid, { message, at: now });
      this.recorder.record(podRef(pod), 'Warning', 'FailedScheduling', message);
    }
    this.conditions.set(pod, { reason, message }, nominated);
  }

  // --- binding ----------------------------------------------------------------------------------

  private async bindSlot(): Promise<void> {
    while (this.bindsInFlight >= MAX_BINDS_IN_FLIGHT && !this.stopped)
      await new Promise<void>((r) => this.bindWaiters.push(r));
    this.bindsInFlight++;
  }

  private releaseBindSlot(): void {
    this.bindsInFlight--;
    this.bindWaiters.shift()?.();
  }

  private async bind(qp: QueuedPod, info: PodInfo, node: string, state: CycleState): Promise<void> {
    const { namespace, name, uid } = info;
    await this.bindSlot();
    try {
      if (this.stopped) return;
      for (const c of delayedClaims(state)) await this.bindClaim(namespace, c.name, node);
      await this.ctx.client.create(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods/${encodeURIComponent(name)}/binding`,
        {
          apiVersion: 'v1',
          kind: 'Binding',
          metadata: { name, namespace, uid },
          target: { apiVersion: 'v1', kind: 'Node', name: node },
        },
      );
      this.stats.bound++;
      this.queue.done(uid);
      this.recorder.record(
        podRef(info.pod),
        'Normal',
        'Scheduled',
        `Successfully assigned ${namespace}/${name} to ${node}`,
      );
    } catch (e) {
      this.stats.bindErrors++;
      this.cache.forget(uid);
      // what was counted for the pod is free again
      this.queue.moveAll('AssignedPodDelete');
      const status = e instanceof KubeApiError ? e.status : 0;
      if (this.stopped || status === 404 || status === 409) {
        // gone, or bound by someone else: the informer will tell
        this.queue.done(uid);
        return;
      }
      const message = `running Bind plugin "DefaultBinder": ${(e as Error).message}`;
      this.recorder.record(podRef(info.pod), 'Warning', 'FailedScheduling', message);
      this.conditions.set(info.pod, { reason: 'SchedulerError', message });
      this.queue.error(qp);
    } finally {
      this.releaseBindSlot();
    }
  }

  /** VolumeBinding's PreBind: tell the claim where its consumer goes, then wait until it is bound. */
  private async bindClaim(namespace: string, claim: string, node: string): Promise<void> {
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/persistentvolumeclaims/${encodeURIComponent(claim)}`;
    const cur = this.lookups.pvc(namespace, claim);
    if (cur?.metadata?.annotations?.['volume.kubernetes.io/selected-node'] !== node) {
      await this.ctx.client.patch(
        path,
        { metadata: { annotations: { 'volume.kubernetes.io/selected-node': node } } },
        'merge',
      );
    }
    const deadline = this.clock.now() + VOLUME_BIND_TIMEOUT_MS;
    while (!this.stopped) {
      const pvc = this.lookups.pvc(namespace, claim);
      if (!pvc) throw new Error(`persistentvolumeclaim "${claim}" not found`);
      if (pvc.spec?.volumeName && pvc.status?.phase === 'Bound') return;
      if (this.clock.now() > deadline) throw new Error('binding volumes: context deadline exceeded');
      await this.clock.sleep(200);
    }
  }
}
