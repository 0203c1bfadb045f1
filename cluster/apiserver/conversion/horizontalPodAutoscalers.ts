// autoscaling/v1 HorizontalPodAutoscalers served from the stored autoscaling/v2 objects, as kube-apiserver's
// pkg/apis/autoscaling/v1 conversion: the CPU utilization target is v1's targetCPUUtilizationPercentage, and what
// v1 cannot say (other metrics, their current values, conditions, behavior) rides in the
// autoscaling.alpha.kubernetes.io/* annotations, so a v2 → v1 → v2 round trip loses nothing.
import type * as v1 from 'kubernetes-types/autoscaling/v1';
import type * as v2 from 'kubernetes-types/autoscaling/v2';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { isRecord, type KubeObject } from '../../../kube/objects';
import type { Conversion } from './conversion';

const METRICS = 'autoscaling.alpha.kubernetes.io/metrics';
const CURRENT_METRICS = 'autoscaling.alpha.kubernetes.io/current-metrics';
const CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';
const BEHAVIOR = 'autoscaling.alpha.kubernetes.io/behavior';
const ROUND_TRIP = [METRICS, CURRENT_METRICS, CONDITIONS, BEHAVIOR];

/** The CPU target v1 falls back to when none is given (the controller's old implicit default). */
const DEFAULT_CPU_UTILIZATION = 80;

type V1Hpa = KubeObject & v1.HorizontalPodAutoscaler;
type V2Hpa = KubeObject & v2.HorizontalPodAutoscaler;

// The v1 metric shapes of the annotations (autoscaling/v1's MetricSpec, the v2beta1 layout), which
// kubernetes-types does not carry since they are not part of v1's schema.
interface V1MetricSource {
  name?: string;
  container?: string;
  metricName?: string;
  metricSelector?: LabelSelector;
  selector?: LabelSelector;
  target?: v2.CrossVersionObjectReference;
  targetAverageUtilization?: number;
  targetAverageValue?: string;
  targetValue?: string;
  averageValue?: string;
}
interface V1MetricSpec {
  type: string;
  object?: V1MetricSource;
  pods?: V1MetricSource;
  resource?: V1MetricSource;
  containerResource?: V1MetricSource;
  external?: V1MetricSource;
}
interface V1MetricStatusSource {
  name?: string;
  container?: string;
  metricName?: string;
  metricSelector?: LabelSelector;
  selector?: LabelSelector;
  target?: v2.CrossVersionObjectReference;
  currentAverageUtilization?: number;
  currentAverageValue?: string;
  currentValue?: string;
  averageValue?: string;
}
interface V1MetricStatus {
  type: string;
  object?: V1MetricStatusSource;
  pods?: V1MetricStatusSource;
  resource?: V1MetricStatusSource;
  containerResource?: V1MetricStatusSource;
  external?: V1MetricStatusSource;
}

function defined<T extends object>(o: T): T {
  for (const k of Object.keys(o) as (keyof T)[]) if (o[k] === undefined) delete o[k];
  return o;
}

function isCpuUtilization(m: v2.MetricSpec): boolean {
  return m.type === 'Resource' && m.resource?.name === 'cpu' && m.resource.target?.averageUtilization !== undefined;
}

// ---------------------------------------------------------------------------------------------
// metric specs and statuses, v2 ↔ the v1 annotation layout

function metricToV1(m: v2.MetricSpec): V1MetricSpec {
  const out: V1MetricSpec = { type: m.type };
  if (m.resource)
    out.resource = defined({
      name: m.resource.name,
      targetAverageUtilization: m.resource.target?.averageUtilization,
      targetAverageValue: m.resource.target?.averageValue,
    });
  if (m.containerResource)
    out.containerResource = defined({
      name: m.containerResource.name,
      container: m.containerResource.container,
      targetAverageUtilization: m.containerResource.target?.averageUtilization,
      targetAverageValue: m.containerResource.target?.averageValue,
    });
  if (m.pods)
    out.pods = defined({
      metricName: m.pods.metric?.name,
      selector: m.pods.metric?.selector,
      targetAverageValue: m.pods.target?.averageValue ?? '0',
    });
  if (m.object)
    out.object = defined({
      target: m.object.describedObject,
      metricName: m.object.metric?.name,
      selector: m.object.metric?.selector,
      targetValue: m.object.target?.value ?? '0',
      averageValue: m.object.target?.averageValue,
    });
  if (m.external)
    out.external = defined({
      metricName: m.external.metric?.name,
      metricSelector: m.external.metric?.selector,
      targetValue: m.external.target?.value,
      targetAverageValue: m.external.target?.averageValue,
    });
  return out;
}

function metricFromV1(m: V1MetricSpec): v2.MetricSpec {
  const out: v2.MetricSpec = { type: m.type };
  const resourceTarget = (s: V1MetricSource): v2.MetricTarget =>
    defined({
      type: s.targetAverageUtilization === undefined ? 'AverageValue' : 'Utilization',
      averageUtilization: s.targetAverageUtilization,
      averageValue: s.targetAverageValue,
    });
  if (m.resource) out.resource = { name: m.resource.name ?? '', target: resourceTarget(m.resource) };
  if (m.containerResource)
    out.containerResource = {
      name: m.containerResource.name ?? '',
      container: m.containerResource.container ?? '',
      target: resourceTarget(m.containerResource),
    };
  if (m.pods)
    out.pods = {
      metric: defined({ name: m.pods.metricName ?? '', selector: m.pods.selector }),
      target: defined({ type: 'AverageValue', averageValue: m.pods.targetAverageValue }),
    };
  if (m.object)
    out.object = {
      describedObject: m.object.target ?? { kind: '', name: '' },
      metric: defined({ name: m.object.metricName ?? '', selector: m.object.selector }),
      target: defined({
        type: m.object.averageValue === undefined ? 'Value' : 'AverageValue',
        value: m.object.targetValue,
        averageValue: m.object.averageValue,
      }),
    };
  if (m.external)
    out.external = {
      metric: defined({ name: m.external.metricName ?? '', selector: m.external.metricSelector }),
      target: defined({
        type: m.external.targetValue === undefined ? 'AverageValue' : 'Value',
        value: m.external.targetValue,
        averageValue: m.external.targetAverageValue,
      }),
    };
  return out;
}

function statusToV1(m: v2.MetricStatus): V1MetricStatus {
  const out: V1MetricStatus = { type: m.type };
  if (m.resource)
    out.resource = defined({
      name: m.resource.name,
      currentAverageUtilization: m.resource.current?.averageUtilization,
      currentAverageValue: m.resource.current?.averageValue ?? '0',
    });
  if (m.containerResource)
    out.containerResource = defined({
      name: m.containerResource.name,
      container: m.containerResource.container,
      currentAverageUtilization: m.containerResource.current?.averageUtilization,
      currentAverageValue: m.containerResource.current?.averageValue ?? '0',
    });
  if (m.pods)
    out.pods = defined({
      metricName: m.pods.metric?.name,
      selector: m.pods.metric?.selector,
      currentAverageValue: m.pods.current?.averageValue ?? '0',
    });
  if (m.object)
    out.object = defined({
      target: m.object.describedObject,
      metricName: m.object.metric?.name,
      selector: m.object.metric?.selector,
      currentValue: m.object.current?.value ?? '0',
      averageValue: m.object.current?.averageValue,
    });
  if (m.external)
    out.external = defined({
      metricName: m.external.metric?.name,
      metricSelector: m.external.metric?.selector,
      currentValue: m.external.current?.value ?? '0',
      currentAverageValue: m.external.current?.averageValue,
    });
  return out;
}

function statusFromV1(m: V1MetricStatus): v2.MetricStatus {
  const out: v2.MetricStatus = { type: m.type };
  const resourceCurrent = (s: V1MetricStatusSource): v2.MetricValueStatus =>
    defined({ averageUtilization: s.currentAverageUtilization, averageValue: s.currentAverageValue });
  if (m.resource) out.resource = { name: m.resource.name ?? '', current: resourceCurrent(m.resource) };
  if (m.containerResource)
    out.containerResource = {
      name: m.containerResource.name ?? '',
      container: m.containerResource.container ?? '',
      current: resourceCurrent(m.containerResource),
    };
  if (m.pods)
    out.pods = {
      metric: defined({ name: m.pods.metricName ?? '', selector: m.pods.selector }),
      current: defined({ averageValue: m.pods.currentAverageValue }),
    };
  if (m.object)
    out.object = {
      describedObject: m.object.target ?? { kind: '', name: '' },
      metric: defined({ name: m.object.metricName ?? '', selector: m.object.selector }),
      current: defined({ value: m.object.currentValue, averageValue: m.object.averageValue }),
    };
  if (m.external)
    out.external = {
      metric: defined({ name: m.external.metricName ?? '', selector: m.external.metricSelector }),
      current: defined({ value: m.external.currentValue, averageValue: m.external.currentAverageValue }),
    };
  return out;
}

// kube-apiserver writes the behavior annotation from its internal type, whose JSON keys are Go's field names
// (ScaleUp, StabilizationWindowSeconds...); Go reads them back case-insensitively, and so does fromV1 here.
function renameKeys(value: unknown, rename: (k: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => renameKeys(v, rename));
  if (!isRecord(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k), renameKeys(v, rename)]));
}
const upperFirst = (k: string) => k.charAt(0).toUpperCase() + k.slice(1);
const lowerFirst = (k: string) => k.charAt(0).toLowerCase() + k.slice(1);

function parseAnnotation<T>(annotations: Record<string, string>, key: string): T[] | undefined {
  const text = annotations[key];
  if (text === undefined) return undefined;
  try {
    const v: unknown = JSON.parse(text);
    // a damaged annotation is ignored, as kube-apiserver ignores one it cannot decode
    return Array.isArray(v) ? (v.filter((x) => isRecord(x) && typeof x.type === 'string') as T[]) : undefined;
  } catch {
    return undefined;
  }
}

function withoutRoundTrip(annotations: Record<string, string> | undefined): Record<string, string> | undefined {
  if (!annotations) return undefined;
  const kept = Object.fromEntries(Object.entries(annotations).filter(([k]) => !ROUND_TRIP.includes(k)));
  return Object.keys(kept).length ? kept : undefined;
}

// ---------------------------------------------------------------------------------------------
// whole objects

export function hpaToV1(stored: KubeObject): V1Hpa {
  const hpa = stored as V2Hpa;
  const spec = hpa.spec;
  const status = hpa.status;
  const annotations = withoutRoundTrip(hpa.metadata.annotations) ?? {};
  const metrics = spec?.metrics ?? [];
  const cpu = metrics.find(isCpuUtilization);
  const others = metrics.filter((m) => !isCpuUtilization(m)).map(metricToV1);
  if (others.length) annotations[METRICS] = JSON.stringify(others);
  if (status?.currentMetrics?.length)
    annotations[CURRENT_METRICS] = JSON.stringify(status.currentMetrics.map(statusToV1));
  if (spec?.behavior) annotations[BEHAVIOR] = JSON.stringify(renameKeys(spec.behavior, upperFirst));
  if (status?.conditions?.length) annotations[CONDITIONS] = JSON.stringify(status.conditions);
  const metadata: V1Hpa['metadata'] = { ...hpa.metadata, annotations };
  if (!Object.keys(annotations).length) delete metadata.annotations;
  const out: V1Hpa = { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v1', metadata };
  if (spec)
    out.spec = defined({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      targetCPUUtilizationPercentage: cpu?.resource?.target.averageUtilization,
    });
  if (status) {
    const cpuNow = status.currentMetrics?.find((m) => m.type === 'Resource' && m.resource?.name === 'cpu');
    out.status = defined({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas,
      currentCPUUtilizationPercentage: cpuNow?.resource?.current.averageUtilization,
    });
  }
  return out;
}

export function hpaFromV1(served: KubeObject): V2Hpa {
  const hpa = served as V1Hpa;
  const given = hpa.metadata.annotations ?? {};
  const metadata: V2Hpa['metadata'] = { ...hpa.metadata, annotations: withoutRoundTrip(given) };
  if (!metadata.annotations) delete metadata.annotations;
  const out: V2Hpa = { kind: 'HorizontalPodAutoscaler', apiVersion: 'autoscaling/v2', metadata };
  if (hpa.spec) {
    const spec = hpa.spec;
    const metrics = (parseAnnotation<V1MetricSpec>(given, METRICS) ?? []).map(metricFromV1);
    const target = spec.targetCPUUtilizationPercentage;
    if (target !== undefined)
      metrics.push({
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: target } },
      });
    if (!metrics.length)
      metrics.push({
        type: 'Resource',
        resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } },
      });
    out.spec = defined({
      scaleTargetRef: spec.scaleTargetRef,
      minReplicas: spec.minReplicas,
      maxReplicas: spec.maxReplicas,
      metrics,
      behavior: behaviorFrom(given[BEHAVIOR]),
    });
  }
  if (hpa.status) {
    const status = hpa.status;
    let current = parseAnnotation<V1MetricStatus>(given, CURRENT_METRICS)?.map(statusFromV1);
    if (current === undefined && status.currentCPUUtilizationPercentage !== undefined)
      current = [
        {
          type: 'Resource',
          resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } },
        },
      ];
    out.status = defined({
      observedGeneration: status.observedGeneration,
      lastScaleTime: status.lastScaleTime,
      currentReplicas: status.currentReplicas,
      desiredReplicas: status.desiredReplicas,
      currentMetrics: current,
      conditions: parseAnnotation<v2.HorizontalPodAutoscalerCondition>(given, CONDITIONS),
    });
  }
  return out;
}

function behaviorFrom(text: string | undefined): v2.HorizontalPodAutoscalerBehavior | undefined {
  if (text === undefined) return undefined;
  try {
    const v = renameKeys(JSON.parse(text), lowerFirst);
    return isRecord(v) && Object.keys(v).length ? (v as v2.HorizontalPodAutoscalerBehavior) : undefined;
  } catch {
    return undefined;
  }
}

export const horizontalPodAutoscalerV1: Conversion = { fromStorage: hpaToV1, toStorage: hpaFromV1 };
