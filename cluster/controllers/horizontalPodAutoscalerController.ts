// The HorizontalPodAutoscaler controller: every sync period it reads the target's scale, its pods and their usage
// from metrics.k8s.io (served when pods run as real containers), works out the replicas each cpu or memory
// resource metric asks for (hpa/replicaCalculator.ts), takes the highest, stabilizes it and applies the scaling
// policies of its behavior (hpa/stabilization.ts), keeps it within minReplicas and maxReplicas, and writes
// status (currentMetrics, desiredReplicas, the AbleToScale, ScalingActive and ScalingLimited conditions) as
// Kubernetes' controller does. Without metrics (the simulated runtime) it only keeps the replicas within bounds
// and says why in ScalingActive.
import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerCondition,
  HorizontalPodAutoscalerStatus,
  MetricSpec,
  MetricStatus,
} from 'kubernetes-types/autoscaling/v2';
import type { Scale } from 'kubernetes-types/autoscaling/v1';
import { deepEqual, keyOf, splitKey, type KubeObject } from '../../kube/objects';
import { splitApiVersion } from '../../kube/registry';
import { parseQuantity } from '../../kube/semantics/quantity';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import type { Informer } from '../../kubeclient/informer';
import { timestamp } from '../clock';
import { Controller, ControllerContext } from './controllerContext';
import { podUsage, targetPods } from './hpa/podMetrics';
import { MetricError, recommend, type ResourceName, type ResourceTarget } from './hpa/replicaCalculator';
import { Stabilizer } from './hpa/stabilization';
import { errorText } from './kit/apiErrors';
import type { Stored } from './kit/objects';
import { WorkQueue } from './workQueue';

type Hpa = Stored<HorizontalPodAutoscaler>;

// Kubernetes' --horizontal-pod-autoscaler-sync-period
const SYNC_MS = 15_000;

/** The ScalingActive reason and message for a metric that cannot be read, with why. */
function failedMetric(m: MetricSpec, why: string): { reason: string; message: string } {
  const type = m.type ?? 'Resource';
  const what =
    type === 'Resource' || type === 'ContainerResource'
      ? `${(m.resource ?? m.containerResource)?.name ?? 'cpu'} resource metric`
      : type === 'Pods'
        ? `pods metric ${m.pods?.metric?.name ?? ''}`
        : type === 'Object'
          ? `object metric ${m.object?.metric?.name ?? ''}`
          : `external metric ${m.external?.metric?.name ?? ''}`;
  return {
    reason: `FailedGet${type}Metric`,
    message: `the HPA was unable to compute the replica count: failed to get ${what} value: ${why}`,
  };
}

/** autoscaling/v2's default when no metric is given: 80 % of the pods' CPU requests. */
const DEFAULT_METRIC: MetricSpec = {
  type: 'Resource',
  resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } },
};

/** "cpu resource utilization (percentage of request)", as the controller names a metric in messages. */
function metricName(t: ResourceTarget): string {
  return t.averageUtilization !== undefined
    ? `${t.resource} resource utilization (percentage of request)`
    : `${t.resource} resource`;
}

function resourceTarget(m: MetricSpec): ResourceTarget | string {
  if (m.type !== 'Resource' || !m.resource)
    return `only cpu and memory resource metrics are served here (metrics.k8s.io), not ${m.type} metrics`;
  const name = m.resource.name;
  if (name !== 'cpu' && name !== 'memory') return `no metrics are served for resource ${name}`;
  const t = m.resource.target;
  if (t?.type === 'Utilization' && t.averageUtilization !== undefined)
    return { resource: name as ResourceName, averageUtilization: t.averageUtilization };
  const value = parseQuantity(t?.averageValue);
  if (t?.type === 'AverageValue' && value !== undefined) return { resource: name as ResourceName, averageValue: value };
  return `the ${name} target must be an averageUtilization or an averageValue`;
}

/** A usage as a quantity: CPU in millicores ("250m"), memory in bytes. */
function quantityText(resource: ResourceName, value: number): string {
  return resource === 'cpu' ? `${Math.round(value * 1000)}m` : String(Math.round(value));
}

interface MetricsOutcome {
  /** undefined when no metric could be read */
  replicas?: number;
  currentMetrics: MetricStatus[];
  active: { status: 'True' | 'False'; reason: string; message: string };
  /** why it scales, for the event */
  reason: string;
}

export class HorizontalPodAutoscalerController implements Controller {
  readonly name = 'horizontal-pod-autoscaler';
  private ctx!: ControllerContext;
  private hpas!: Informer;
  private pods!: Informer;
  private queue?: WorkQueue;
  /** each HPA's recent recommendations and changes (kept in memory, as Kubernetes' controller keeps them) */
  private readonly stabilizers = new Map<string, Stabilizer>();

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.hpas = ctx.informers.get('autoscaling', 'horizontalpodautoscalers');
    this.pods = ctx.informers.pods();
    const queue = (this.queue = new WorkQueue((key) => this.sync(key), 2));
    const hpa = (o: KubeObject) => queue.add(keyOf(o));
    this.hpas.on({ add: hpa, update: hpa, delete: (o: KubeObject) => this.stabilizers.delete(keyOf(o)) });
    await Promise.all([this.hpas.waitForSync(), this.pods.waitForSync()]);
    for (const o of this.hpas.list()) hpa(o);
  }

  stop(): void {
    this.queue?.stop();
  }

  private scalePath(hpa: Hpa): string | undefined {
    const ref = hpa.spec?.scaleTargetRef;
    if (!ref) return undefined;
    const { group } = splitApiVersion(ref.apiVersion ?? '');
    const info = this.ctx.resources().find((r) => r.group === group && r.kind === ref.kind);
    return info && resourcePath(info, hpa.metadata.namespace, ref.name, 'scale');
  }

  private async sync(key: string): Promise<void> {
    const [ns, name] = splitKey(key);
    const hpa: Hpa | undefined = this.hpas.get(ns, name);
    if (!hpa) return;
    // a target's scale changed by someone else is looked at again on the next period
    this.queue?.addAfter(key, SYNC_MS, this.ctx.clock);
    const now = timestamp(this.ctx.clock.now());
    const min = hpa.spec?.minReplicas ?? 1;
    const max = hpa.spec?.maxReplicas ?? min;
    const ref = hpa.spec?.scaleTargetRef;
    const conds: HorizontalPodAutoscalerCondition[] = [];
    const status: HorizontalPodAutoscalerStatus = { ...hpa.status, desiredReplicas: hpa.status?.desiredReplicas ?? 0 };
    const path = this.scalePath(hpa);
    let scale: Scale | undefined;
    try {
      if (!path) throw new Error(`the server could not find the requested resource: ${ref?.kind} ${ref?.apiVersion}`);
      scale = await this.ctx.client.get(path);
    } catch (e) {
      conds.push({
        type: 'AbleToScale',
        status: 'False',
        reason: 'FailedGetScale',
        message: `the HPA controller was unable to get the target's current scale: ${errorText(e)}`,
      });
    }
    if (scale && path) {
      const current = scale.spec?.replicas ?? 0;
      status.currentReplicas = scale.status?.replicas ?? 0;
      let desired = current;
      let limited: [string, string] = ['DesiredWithinRange', 'the desired count is within the acceptable range'];
      const key = keyOf(hpa);
      if (current === 0 && min !== 0) {
        conds.push({
          type: 'AbleToScale',
          status: 'True',
          reason: 'SucceededGetScale',
          message: "the HPA controller was able to get the target's current scale",
        });
        conds.push({
          type: 'ScalingActive',
          status: 'False',
          reason: 'ScalingDisabled',
          message: 'scaling is disabled since the replica count of the target is zero',
        });
      } else {
        const measured = await this.fromMetrics(hpa, scale, current);
        desired = measured.replicas ?? current;
        let reason = measured.reason;
        if (measured.replicas !== undefined) {
          let stabilizer = this.stabilizers.get(key);
          if (!stabilizer) this.stabilizers.set(key, (stabilizer = new Stabilizer()));
          const next = stabilizer.next(desired, current, this.ctx.clock.now(), hpa.spec?.behavior);
          desired = next.replicas;
          if (next.limitedBy === 'ScaleUpLimit')
            limited = ['ScaleUpLimit', 'the desired replica count is increasing faster than the maximum scale rate'];
          else if (next.limitedBy === 'ScaleDownLimit')
            limited = ['ScaleDownLimit', 'the desired replica count is decreasing faster than the maximum scale rate'];
        }
        if (desired > max) {
          desired = max;
          limited = ['TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
          if (current > max) reason = 'Current number of replicas above Spec.MaxReplicas';
        } else if (desired < min) {
          desired = min;
          limited = ['TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
          if (current < min) reason = 'Current number of replicas below Spec.MinReplicas';
        }
        let able: [string, string] = ['ReadyForNewScale', 'recommended size matches current size'];
        if (desired !== current) {
          await this.ctx.client.update(path, { ...scale, spec: { replicas: desired } });
          this.stabilizers.get(key)?.scaled(current, desired, this.ctx.clock.now());
          this.ctx
            .recorder(this.name)
            .record(
              { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', ...hpa },
              'Normal',
              'SuccessfulRescale',
              `New size: ${desired}; reason: ${reason}`,
            );
          able = ['SucceededRescale', `the HPA controller was able to update the target scale to ${desired}`];
          status.lastScaleTime = now;
        }
        if (measured.currentMetrics.length) status.currentMetrics = measured.currentMetrics;
        else delete status.currentMetrics;
        conds.push({ type: 'AbleToScale', status: 'True', reason: able[0], message: able[1] });
        conds.push({ type: 'ScalingActive', ...measured.active });
        conds.push({
          type: 'ScalingLimited',
          status: limited[0] === 'DesiredWithinRange' ? 'False' : 'True',
          reason: limited[0],
          message: limited[1],
        });
      }
      status.desiredReplicas = desired;
    }
    // a condition keeps its transition time while its status stays
    status.conditions = conds.map((c) => {
      const old = hpa.status?.conditions?.find((o) => o.type === c.type);
      return { ...c, lastTransitionTime: old?.status === c.status ? old.lastTransitionTime : now };
    });
    if (hpa.metadata.generation !== undefined) status.observedGeneration = hpa.metadata.generation;
    if (deepEqual(hpa.status ?? {}, status)) return;
    try {
      await this.ctx.client.update(resourcePath(this.hpas.info, ns, name, 'status'), {
        apiVersion: 'autoscaling/v2',
        kind: 'HorizontalPodAutoscaler',
        ...hpa,
        status,
      });
    } catch (e) {
      if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) throw e;
    }
  }

  /** The replicas the HPA's metrics ask for (the highest of them), with status for each. */
  private async fromMetrics(hpa: Hpa, scale: Scale, current: number): Promise<MetricsOutcome> {
    const specs = hpa.spec?.metrics?.length ? hpa.spec.metrics : [DEFAULT_METRIC];
    const selector = scale.status?.selector;
    const currentMetrics: MetricStatus[] = [];
    let best: { replicas: number; target: ResourceTarget } | undefined;
    let failed: { reason: string; message: string } | undefined;
    const pods = selector ? targetPods(this.pods, hpa.metadata.namespace ?? '', selector) : [];
    for (const m of specs) {
      const target = resourceTarget(m);
      if (typeof target === 'string') {
        failed ??= failedMetric(m, target);
        continue;
      }
      try {
        if (!selector) throw new MetricError("the target's scale has no selector");
        const usage = await podUsage(this.ctx.client, hpa.metadata.namespace ?? '', selector, target.resource);
        const rec = recommend(target, current, pods, usage);
        currentMetrics.push({
          type: 'Resource',
          resource: {
            name: target.resource,
            current: {
              ...(rec.utilization !== undefined ? { averageUtilization: rec.utilization } : {}),
              averageValue: quantityText(target.resource, rec.averageValue),
            },
          },
        });
        if (!best || rec.replicas > best.replicas) best = { replicas: rec.replicas, target };
      } catch (e) {
        failed ??= failedMetric(m, errorText(e));
      }
    }
    if (!best) {
      return {
        currentMetrics,
        active: { status: 'False', ...(failed ?? failedMetric(specs[0], 'no metrics')) },
        reason: 'metrics unavailable',
      };
    }
    const name = metricName(best.target);
    return {
      replicas: best.replicas,
      currentMetrics,
      active: {
        status: 'True',
        reason: 'ValidMetricFound',
        message: `the HPA was able to successfully calculate a replica count from ${name}`,
      },
      reason: best.replicas > current ? `${name} above target` : 'All metrics below target',
    };
  }
}
