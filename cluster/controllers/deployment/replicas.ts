// The replica arithmetic of Kubernetes' deploymentutil: maxSurge and maxUnavailable resolved from
// ints or percentages, the counts summed over ReplicaSets, how far the new ReplicaSet may grow, and
// the orders in which ReplicaSets are scaled.

import type { DeploymentStatus } from 'kubernetes-types/apps/v1';
import type { KubeObject } from '../../../kube/objects';
import { scaledValue } from '../kit/intOrPercent';
import type { Deployment, ReplicaSet } from '../kit/objects';

export const DESIRED_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/desired-replicas';
export const MAX_REPLICAS_ANNOTATION = 'deployment.kubernetes.io/max-replicas';

export function specReplicas(obj: { spec?: { replicas?: number } } | undefined): number {
  return obj?.spec?.replicas ?? 0;
}

export function isRollingUpdate(d: Deployment): boolean {
  return (d.spec?.strategy?.type ?? 'RollingUpdate') === 'RollingUpdate';
}

/** ResolveFenceposts: surge rounds up, unavailable down; both zero would block, so unavailable becomes 1. */
export function resolveFenceposts(
  maxSurge: number | string | undefined,
  maxUnavailable: number | string | undefined,
  desired: number,
): { surge: number; unavailable: number } {
  const surge = scaledValue(maxSurge ?? 0, desired, true);
  let unavailable = scaledValue(maxUnavailable ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  return resolveFenceposts(ru.maxSurge, ru.maxUnavailable, specReplicas(d)).surge;
}

export function maxUnavailable(d: Deployment): number {
  const replicas = specReplicas(d);
  if (!isRollingUpdate(d) || replicas === 0) return 0;
  const ru = d.spec?.strategy?.rollingUpdate ?? {};
  const { unavailable } = resolveFenceposts(ru.maxSurge, ru.maxUnavailable, replicas);
  return Math.min(unavailable, replicas);
}

/** Sum of spec.replicas. */
export function replicaCount(rss: readonly (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs ? specReplicas(rs) : 0), 0);
}

/** Sum of status.replicas. */
export function actualReplicaCount(rss: readonly (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.replicas ?? 0), 0);
}

export function readyReplicaCount(rss: readonly (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.readyReplicas ?? 0), 0);
}

export function availableReplicaCount(rss: readonly (ReplicaSet | undefined)[]): number {
  return rss.reduce((n, rs) => n + (rs?.status?.availableReplicas ?? 0), 0);
}

/** ReplicaSets with spec.replicas > 0. */
export function filterActive(rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] {
  return rss.filter((rs): rs is ReplicaSet => !!rs && specReplicas(rs) > 0);
}

/** NewRSNewReplicas: how many replicas the new ReplicaSet may have now. */
export function newRSNewReplicas(
  d: Deployment,
  allRSs: readonly (ReplicaSet | undefined)[],
  newRS: ReplicaSet | undefined,
): number {
  if (!isRollingUpdate(d)) return specReplicas(d);
  const current = replicaCount(allRSs);
  const maxTotal = specReplicas(d) + maxSurge(d);
  if (current >= maxTotal) return specReplicas(newRS);
  const scaleUp = Math.min(maxTotal - current, specReplicas(d) - specReplicas(newRS));
  return specReplicas(newRS) + scaleUp;
}

function intAnnotation(rs: ReplicaSet | undefined, key: string): number | undefined {
  const v = rs?.metadata?.annotations?.[key];
  if (v === undefined || !/^-?\d+$/.test(v)) return undefined;
  return Number(v);
}

export function desiredReplicasAnnotation(rs: ReplicaSet | undefined): number | undefined {
  return intAnnotation(rs, DESIRED_REPLICAS_ANNOTATION);
}

export function maxReplicasAnnotation(rs: ReplicaSet | undefined): number | undefined {
  return intAnnotation(rs, MAX_REPLICAS_ANNOTATION);
}

/** SetReplicasAnnotations: true when something changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  if (a[DESIRED_REPLICAS_ANNOTATION] !== String(desired)) {
    a[DESIRED_REPLICAS_ANNOTATION] = String(desired);
    changed = true;
  }
  if (a[MAX_REPLICAS_ANNOTATION] !== String(max)) {
    a[MAX_REPLICAS_ANNOTATION] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const a = rs.metadata?.annotations ?? {};
  return a[DESIRED_REPLICAS_ANNOTATION] !== String(desired) || a[MAX_REPLICAS_ANNOTATION] !== String(max);
}

/** IsSaturated: the new ReplicaSet has all the Deployment's replicas, all available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  const want = specReplicas(d);
  return specReplicas(rs) === want && desired === want && (rs.status?.availableReplicas ?? 0) === want;
}

function createdMs(o: KubeObject | undefined): number {
  return Date.parse(o?.metadata?.creationTimestamp ?? '') || 0;
}

/** ReplicaSetsByCreationTimestamp: oldest first, then by name. */
export function byCreation(a: KubeObject, b: KubeObject): number {
  const d = createdMs(a) - createdMs(b);
  if (d !== 0) return d;
  const an = a.metadata.name ?? '';
  const bn = b.metadata.name ?? '';
  return an < bn ? -1 : an > bn ? 1 : 0;
}

/** ReplicaSetsBySizeOlder: larger first; among equals, older first. */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  if (specReplicas(a) !== specReplicas(b)) return specReplicas(b) - specReplicas(a);
  return byCreation(a, b);
}

/** ReplicaSetsBySizeNewer: larger first; among equals, newer first. */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  if (specReplicas(a) !== specReplicas(b)) return specReplicas(b) - specReplicas(a);
  return byCreation(b, a);
}

/** FindActiveOrLatest: the only active ReplicaSet, or the newest when none is active; none when several are. */
export function findActiveOrLatest(
  newRS: ReplicaSet | undefined,
  oldRSs: readonly ReplicaSet[],
): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  const olds = [...oldRSs].sort((a, b) => byCreation(b, a));
  const active = filterActive([...olds, newRS]);
  if (active.length === 0) return newRS ?? olds[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** Go's math.Round: halves away from zero. */
function roundHalfAway(x: number): number {
  return Math.sign(x) * Math.round(Math.abs(x));
}

/** getReplicaSetFraction: this ReplicaSet's share of a change in the Deployment's size. */
function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (specReplicas(d) === 0) return -specReplicas(rs);
  const deploymentMax = specReplicas(d) + maxSurge(d);
  let before = maxReplicasAnnotation(rs) ?? 0;
  if (before === 0) {
    // no annotation (scaled by someone else, or from zero): fall back to the current size
    before = d.status?.replicas ?? 0;
    if (before === 0) return 0;
  }
  const size = (specReplicas(rs) * deploymentMax) / before;
  return roundHalfAway(size) - specReplicas(rs);
}

/** GetReplicaSetProportion: how many replicas this ReplicaSet gains (or loses) in a proportional scale. */
export function replicaSetProportion(rs: ReplicaSet | undefined, d: Deployment, toAdd: number, added: number): number {
  if (!rs || specReplicas(rs) === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/** DeploymentComplete: every replica updated and available, and the latest spec observed. */
export function deploymentComplete(d: Deployment, status: DeploymentStatus): boolean {
  const want = specReplicas(d);
  return (
    (status.updatedReplicas ?? 0) === want &&
    (status.replicas ?? 0) === want &&
    (status.availableReplicas ?? 0) === want &&
    (status.observedGeneration ?? 0) >= (d.metadata.generation ?? 0)
  );
}
