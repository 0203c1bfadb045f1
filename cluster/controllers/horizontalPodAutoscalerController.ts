// The HorizontalPodAutoscaler controller with the simulated runtime, which has no metrics: it keeps the target's
// replicas within minReplicas and maxReplicas through its scale subresource (as Kubernetes' controller does before
// it reads metrics), and says in status why it scales no further: AbleToScale True, ScalingActive False
// (FailedGet<Type>Metric: metrics are unavailable with the simulated runtime), ScalingLimited when clamped.
import type {
  HorizontalPodAutoscaler,
  HorizontalPodAutoscalerCondition,
  HorizontalPodAutoscalerStatus,
  MetricSpec,
} from 'kubernetes-types/autoscaling/v2';
import type { Scale } from 'kubernetes-types/autoscaling/v1';
import { deepEqual, keyOf, splitKey, type KubeObject } from '../../kube/objects';
import { splitApiVersion } from '../../kube/registry';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import type { Informer } from '../../kubeclient/informer';
import { timestamp } from '../clock';
import { Controller, ControllerContext } from './controllerContext';
import { errorText } from './kit/apiErrors';
import type { Stored } from './kit/objects';
import { WorkQueue } from './workQueue';

type Hpa = Stored<HorizontalPodAutoscaler>;

// Kubernetes' --horizontal-pod-autoscaler-sync-period
const SYNC_MS = 15_000;

/** The ScalingActive reason and message for the HPA's first metric, which cannot be read. */
function noMetrics(hpa: Hpa): { reason: string; message: string } {
  const m: MetricSpec = hpa.spec?.metrics?.[0] ?? ({ type: 'Resource', resource: { name: 'cpu' } } as MetricSpec);
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
    message:
      `the HPA was unable to compute the replica count: failed to get ${what} value: ` +
      'metrics are unavailable with the simulated runtime (it reports no container usage)',
  };
}

export class HorizontalPodAutoscalerController implements Controller {
  readonly name = 'horizontal-pod-autoscaler';
  private ctx!: ControllerContext;
  private hpas!: Informer;
  private queue?: WorkQueue;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.hpas = ctx.informers.get('autoscaling', 'horizontalpodautoscalers');
    const queue = (this.queue = new WorkQueue((key) => this.sync(key), 2));
    const hpa = (o: KubeObject) => queue.add(keyOf(o));
    this.hpas.on({ add: hpa, update: hpa });
    await this.hpas.waitForSync();
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
        if (current > max) {
          desired = max;
          limited = ['TooManyReplicas', 'the desired replica count is more than the maximum replica count'];
        } else if (current < min) {
          desired = min;
          limited = ['TooFewReplicas', 'the desired replica count is less than the minimum replica count'];
        }
        let able: [string, string] = ['ReadyForNewScale', 'recommended size matches current size'];
        if (desired !== current) {
          await this.ctx.client.update(path, { ...scale, spec: { replicas: desired } });
          const reason = `Current number of replicas ${desired > current ? 'below Spec.MinReplicas' : 'above Spec.MaxReplicas'}`;
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
        conds.push({ type: 'AbleToScale', status: 'True', reason: able[0], message: able[1] });
        conds.push({ type: 'ScalingActive', status: 'False', ...noMetrics(hpa) });
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
}
