// The health of live objects, one rule per kind, and how the health of several objects adds up.
import { certificateHealth } from './certificate';
import { applicationHealth } from './application';
import { cronJobHealth } from './cronJob';
import { customResourceDefinitionHealth } from './customResourceDefinition';
import { daemonSetHealth } from './daemonSet';
import { deploymentHealth } from './deployment';
import { fluxKustomizationHealth, helmReleaseHealth } from './flux';
import { horizontalPodAutoscalerHealth } from './horizontalPodAutoscaler';
import { ingressHealth } from './ingress';
import { jobHealth } from './job';
import { persistentVolumeClaimHealth } from './persistentVolumeClaim';
import { kstatusHealth } from './kstatus';
import { podHealth } from './pod';
import { podDisruptionBudgetHealth } from './podDisruptionBudget';
import { replicaSetHealth } from './replicaSet';
import { rolloutHealth } from './rollout';
import { serviceHealth } from './service';
import { statefulSetHealth } from './statefulSet';
import { APPLICATION_GROUP, APPLICATION_KIND, HealthStatusCode } from '../../kube/application';
import { Health, HealthContext, HealthRule } from './types';

export type { Health, HealthContext } from './types';

/** Rules by API group and kind; the version does not matter for what status means. */
const RULES: Record<string, HealthRule> = {
  'apps/Deployment': deploymentHealth,
  'apps/ReplicaSet': replicaSetHealth,
  'apps/StatefulSet': statefulSetHealth,
  'apps/DaemonSet': daemonSetHealth,
  '/Pod': podHealth,
  'batch/Job': jobHealth,
  'batch/CronJob': cronJobHealth,
  '/PersistentVolumeClaim': persistentVolumeClaimHealth,
  '/Service': serviceHealth,
  'networking.k8s.io/Ingress': ingressHealth,
  'apiextensions.k8s.io/CustomResourceDefinition': customResourceDefinitionHealth,
  'autoscaling/HorizontalPodAutoscaler': horizontalPodAutoscalerHealth,
  'policy/PodDisruptionBudget': podDisruptionBudgetHealth,
  'argoproj.io/Rollout': rolloutHealth,
  'cert-manager.io/Certificate': certificateHealth,
  'kustomize.toolkit.fluxcd.io/Kustomization': fluxKustomizationHealth,
  'helm.toolkit.fluxcd.io/HelmRelease': helmReleaseHealth,
  [`${APPLICATION_GROUP}/${APPLICATION_KIND}`]: applicationHealth,
};

/** Kinds whose rule looks at the pods the object controls. */
const WITH_PODS = new Set(['apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet', 'apps/DaemonSet']);

function ruleKey(obj: any): string {
  const apiVersion = typeof obj?.apiVersion === 'string' ? obj.apiVersion : '';
  const slash = apiVersion.indexOf('/');
  return `${slash < 0 ? '' : apiVersion.slice(0, slash)}/${obj?.kind ?? ''}`;
}

/**
 * The health of a live object: Missing when it does not exist; kinds without a rule by the kstatus conventions
 * (Healthy without a status).
 */
export function healthOf(live: any | undefined, ctx: HealthContext = {}): Health {
  if (live === undefined || live === null) return { status: 'Missing', message: 'not found in the cluster' };
  const rule = RULES[ruleKey(live)] ?? kstatusHealth;
  try {
    return rule(live, ctx);
  } catch (e) {
    // a malformed status must not take down the caller's whole assessment
    return {
      status: 'Unknown',
      message: `cannot assess ${live.kind} ${live.metadata?.name ?? ''}: ${(e as Error).message}`,
    };
  }
}

/** Whether healthOf wants ctx.pods for this object (workloads that own pods). */
export function needsPods(live: any): boolean {
  return !!live && WITH_PODS.has(ruleKey(live));
}

/**
 * Worst first. Degraded needs someone to act; Missing means part of the application is not
 * there at all; Progressing will likely settle by itself; Suspended was chosen by the user;
 * Unknown says only that no judgement was possible, so it must not hide any of the above, yet
 * it is not evidence of health either.
 */
const SEVERITY: readonly HealthStatusCode[] = ['Degraded', 'Missing', 'Progressing', 'Suspended', 'Unknown', 'Healthy'];

/** The worst of several statuses (Healthy for none). */
export function worstHealth(statuses: HealthStatusCode[]): HealthStatusCode {
  let worst = SEVERITY.length - 1;
  for (const s of statuses) {
    const i = SEVERITY.indexOf(s);
    if (i >= 0 && i < worst) worst = i;
  }
  return SEVERITY[worst];
}
