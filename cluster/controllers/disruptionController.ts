// The disruption controller: keeps each PodDisruptionBudget's status as Kubernetes' does: the pods its selector
// matches (currentHealthy: those Ready and not being deleted), the pods expected (the scale of their controllers
// when the budget is a percentage or maxUnavailable, else the pods found), desiredHealthy, disruptionsAllowed
// and the DisruptionAllowed condition. Eviction reads this status (kit/disruptionBudgets.ts).
import type { PodDisruptionBudget, PodDisruptionBudgetStatus } from 'kubernetes-types/policy/v1';
import type { Condition } from 'kubernetes-types/meta/v1';
import { fromLabelSelector, matchesLabels } from '../../kube/labelSelector';
import { controllerOf, deepEqual, keyOf, splitKey, type KubeObject } from '../../kube/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import type { Informer } from '../../kubeclient/informer';
import { timestamp } from '../clock';
import { Controller, ControllerContext } from './controllerContext';
import { scaledValue } from './kit/intOrPercent';
import type { Pod, Stored } from './kit/objects';
import { isPodReady } from './kit/podReadiness';
import { WorkQueue } from './workQueue';

type Budget = Stored<PodDisruptionBudget>;

/** how long a pod an eviction let go counts as disrupted before it must be being deleted */
const DISRUPTION_TIMEOUT_MS = 2 * 60_000;

export class DisruptionController implements Controller {
  readonly name = 'disruption-controller';
  private ctx!: ControllerContext;
  private budgets!: Informer;
  private pods!: Informer;
  private owners!: Record<string, Informer>;
  private queue?: WorkQueue;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.budgets = ctx.informers.get('policy', 'poddisruptionbudgets');
    this.pods = ctx.informers.pods();
    this.owners = {
      ReplicaSet: ctx.informers.get('apps', 'replicasets'),
      Deployment: ctx.informers.get('apps', 'deployments'),
      StatefulSet: ctx.informers.get('apps', 'statefulsets'),
      ReplicationController: ctx.informers.get('', 'replicationcontrollers'),
    };
    const queue = (this.queue = new WorkQueue((key) => this.sync(key), 2));
    const budget = (b: KubeObject) => queue.add(keyOf(b));
    this.budgets.on({ add: budget, update: budget });
    const inNamespace = (o: KubeObject) => {
      for (const b of this.budgets.list()) if (b.metadata.namespace === o.metadata.namespace) budget(b);
    };
    this.pods.on({ add: inNamespace, update: inNamespace, delete: inNamespace });
    for (const inf of Object.values(this.owners)) inf.on({ update: inNamespace });
    await Promise.all([this.budgets, this.pods, ...Object.values(this.owners)].map((i) => i.waitForSync()));
    for (const b of this.budgets.list()) budget(b);
  }

  stop(): void {
    this.queue?.stop();
  }

  /** The replicas a pod's controller wants (a Deployment's for a ReplicaSet it owns), by controller uid. */
  private controllerScale(pod: Pod): [string, number] | undefined {
    let ref = controllerOf(pod);
    let owner = ref && this.owners[ref.kind]?.get(pod.metadata.namespace, ref.name);
    if (owner?.metadata.uid !== ref?.uid) return undefined;
    if (ref?.kind === 'ReplicaSet') {
      const up = controllerOf(owner);
      const deployment = up?.kind === 'Deployment' && this.owners.Deployment.get(pod.metadata.namespace, up.name);
      if (deployment && deployment.metadata.uid === up?.uid) [ref, owner] = [up, deployment];
    }
    const replicas = (owner?.spec as { replicas?: number } | undefined)?.replicas ?? 1;
    return [ref!.uid, replicas];
  }

  /**
   * The pods an eviction let go that are not yet being deleted (kept for 2 minutes of cluster time, as Kubernetes'
   * DeletionTimeout): they count as unhealthy, so a second eviction cannot spend the same disruption.
   */
  private stillDisrupted(b: Budget, pods: Pod[]): Record<string, string> {
    const now = this.ctx.clock.now();
    const out: Record<string, string> = {};
    for (const [name, at] of Object.entries(b.status?.disruptedPods ?? {})) {
      const pod = pods.find((p) => p.metadata.name === name);
      if (!pod || pod.metadata.deletionTimestamp || now - Date.parse(at) > DISRUPTION_TIMEOUT_MS) continue;
      out[name] = at;
    }
    return out;
  }

  private calculate(b: Budget, pods: Pod[]): PodDisruptionBudgetStatus {
    const { minAvailable, maxUnavailable } = b.spec ?? {};
    const disrupted = this.stillDisrupted(b, pods);
    const currentHealthy = pods.filter(
      (p) => !p.metadata.deletionTimestamp && !(p.metadata.name in disrupted) && isPodReady(p),
    ).length;
    let expectedPods = pods.length;
    let desiredHealthy = 0;
    if (typeof minAvailable === 'number') desiredHealthy = minAvailable;
    else {
      // a percentage or maxUnavailable is of what the pods' controllers want
      const scales = new Map<string, number>();
      for (const p of pods) {
        const s = this.controllerScale(p);
        if (s) scales.set(s[0], s[1]);
      }
      expectedPods = [...scales.values()].reduce((a, n) => a + n, 0);
      desiredHealthy =
        minAvailable !== undefined
          ? scaledValue(minAvailable, expectedPods, true)
          : Math.max(0, expectedPods - scaledValue(maxUnavailable ?? 0, expectedPods, true));
    }
    const disruptionsAllowed = Math.max(0, currentHealthy - desiredHealthy);
    const old = b.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
    const allowed = disruptionsAllowed > 0 ? 'True' : 'False';
    const condition: Condition = {
      type: 'DisruptionAllowed',
      status: allowed,
      reason: allowed === 'True' ? 'SufficientPods' : 'InsufficientPods',
      message: '',
      observedGeneration: b.metadata.generation,
      lastTransitionTime: old?.status === allowed ? old.lastTransitionTime : timestamp(this.ctx.clock.now()),
    };
    return {
      observedGeneration: b.metadata.generation,
      disruptionsAllowed,
      currentHealthy,
      desiredHealthy,
      expectedPods,
      conditions: [condition],
      ...(Object.keys(disrupted).length ? { disruptedPods: disrupted } : {}),
    };
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const b: Budget | undefined = this.budgets.get(ns, name);
    if (!b) return;
    let pods: Pod[] = [];
    try {
      const selector = fromLabelSelector(b.spec?.selector ?? {});
      pods = (this.pods.list() as Pod[]).filter(
        (p) => p.metadata.namespace === ns && matchesLabels(selector, p.metadata.labels),
      );
    } catch {
      // a selector the API server let through but that does not parse selects nothing
    }
    const status = this.calculate(b, pods);
    if (deepEqual(b.status ?? {}, status)) return;
    try {
      await this.ctx.client.update(resourcePath(this.budgets.info, ns, name, 'status'), {
        apiVersion: 'policy/v1',
        kind: 'PodDisruptionBudget',
        ...b,
        status,
      });
    } catch (e) {
      if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) throw e;
    }
  }
}
