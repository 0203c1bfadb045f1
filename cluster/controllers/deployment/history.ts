// Revisions: the deployment.kubernetes.io/revision annotation on ReplicaSets and their Deployment,
// the revision-history annotation of a ReplicaSet brought back by a rollback, the annotations a
// Deployment passes on to its ReplicaSets, and which old ReplicaSets revisionHistoryLimit removes.
import type { KubeObject } from '../../../kube/objects';
import type { Deployment, ReplicaSet } from '../kit/objects';
import { maxSurge, setReplicasAnnotations, specReplicas } from './replicas';

export const REVISION_ANNOTATION = 'deployment.kubernetes.io/revision';
export const REVISION_HISTORY_ANNOTATION = 'deployment.kubernetes.io/revision-history';

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';
const ROLLBACK_TO = 'deprecated.deployment.rollback.to';
// revision-history is cut from the front to stay within this many characters
const MAX_REV_HISTORY_CHARS = 2000;

/** Annotations that belong to the Deployment or ReplicaSet alone and are never copied across. */
export const SKIPPED_ANNOTATIONS = new Set([
  LAST_APPLIED,
  REVISION_ANNOTATION,
  REVISION_HISTORY_ANNOTATION,
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  ROLLBACK_TO,
]);

/** The revision of a ReplicaSet; 0 when it has none (or it cannot be read). */
export function revisionOf(obj: KubeObject | undefined): number {
  const v = obj?.metadata?.annotations?.[REVISION_ANNOTATION];
  return v !== undefined && /^\d+$/.test(v) ? Number(v) : 0;
}

export function maxRevision(rss: readonly KubeObject[]): number {
  return rss.reduce((m, rs) => Math.max(m, revisionOf(rs)), 0);
}

/** copyDeploymentAnnotationsToReplicaSet */
function copyAnnotations(d: KubeObject, rs: KubeObject): boolean {
  const a = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries<string>(d.metadata.annotations ?? {})) {
    if (SKIPPED_ANNOTATIONS.has(k) || a[k] === v) continue;
    a[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * SetNewReplicaSetAnnotations: copy the Deployment's annotations, raise the revision to newRevision
 * when it is higher (keeping the old one in revision-history: a rollback brought this ReplicaSet back),
 * and give a ReplicaSet about to be created its desired/max replicas. True when anything changed.
 */
export function setNewReplicaSetAnnotations(
  d: Deployment,
  rs: ReplicaSet,
  newRevision: number,
  exists: boolean,
): boolean {
  let changed = copyAnnotations(d, rs);
  const a = rs.metadata.annotations!;
  const old: string | undefined = a[REVISION_ANNOTATION];
  let oldInt = 0;
  if (old !== undefined && old !== '') {
    if (!/^\d+$/.test(old)) return false;
    oldInt = Number(old);
  }
  if (oldInt < newRevision) {
    a[REVISION_ANNOTATION] = String(newRevision);
    changed = true;
    if (old !== undefined) {
      const history: string = a[REVISION_HISTORY_ANNOTATION] ?? '';
      if (history === '') {
        a[REVISION_HISTORY_ANNOTATION] = old;
      } else {
        let parts = history.split(',');
        let total = history.length + old.length + 1;
        let start = 0;
        while (total > MAX_REV_HISTORY_CHARS && start < parts.length) {
          total -= parts[start].length + 1;
          start++;
        }
        if (total <= MAX_REV_HISTORY_CHARS) {
          parts = [...parts.slice(start), old];
          a[REVISION_HISTORY_ANNOTATION] = parts.join(',');
        }
      }
    }
  }
  if (!exists && setReplicasAnnotations(rs, specReplicas(d), specReplicas(d) + maxSurge(d))) changed = true;
  return changed;
}

/** SetDeploymentRevision: true when the Deployment's revision annotation changed. */
export function setDeploymentRevision(d: KubeObject, revision: string): boolean {
  const a = (d.metadata.annotations ??= {});
  if (a[REVISION_ANNOTATION] === revision) return false;
  a[REVISION_ANNOTATION] = revision;
  return true;
}

/** ReplicaSetsByRevision: lowest revision first, then oldest. */
function byRevision(a: KubeObject, b: KubeObject): number {
  const d = revisionOf(a) - revisionOf(b);
  if (d !== 0) return d;
  return (
    (Date.parse(a.metadata.creationTimestamp ?? '') || 0) - (Date.parse(b.metadata.creationTimestamp ?? '') || 0) ||
    ((a.metadata.name ?? '') < (b.metadata.name ?? '') ? -1 : 1)
  );
}

/**
 * cleanupDeployment's choice: beyond revisionHistoryLimit, the oldest revisions go, but only those
 * fully scaled down and observed so (never one with replicas or pods left).
 */
export function replicaSetsToCleanUp(d: Deployment, oldRSs: readonly ReplicaSet[]): ReplicaSet[] {
  const limit = d.spec?.revisionHistoryLimit;
  if (limit === undefined || limit === null) return [];
  const alive = oldRSs.filter((rs) => rs && !rs.metadata.deletionTimestamp);
  const diff = alive.length - limit;
  if (diff <= 0) return [];
  const sorted = [...alive].sort(byRevision);
  const out: ReplicaSet[] = [];
  for (const rs of sorted.slice(0, diff)) {
    if ((rs.status?.replicas ?? 0) !== 0 || specReplicas(rs) !== 0) continue;
    if ((rs.metadata.generation ?? 0) > (rs.status?.observedGeneration ?? 0)) continue;
    out.push(rs);
  }
  return out;
}
