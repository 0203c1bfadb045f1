// ControllerRevisions as StatefulSets and DaemonSets keep them: each revision stores a strategic merge
// patch that replaces spec.template, so `kubectl rollout undo` can send it back unchanged and
// `kubectl rollout history --revision=N` can apply it to show the template.
import type { PodTemplateSpec } from 'kubernetes-types/core/v1';
import { KubeObject, deepClone, deepEqual, isRecord } from '../../../kube/objects';
import { OwnerKind, controllerRef } from '../kit/claims';
import { revisionHash } from './hash';

/** The label on revisions (and DaemonSet pods) carrying the hash; StatefulSet pods carry the revision name. */
export const REVISION_HASH_LABEL = 'controller-revision-hash';

export interface ControllerRevision extends KubeObject {
  /** free-form JSON as stored: for our revisions, templatePatch's */
  data: unknown;
  revision: number;
}

/** A copy with object keys in sorted order, as Go writes maps. */
function sortedKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedKeys);
  if (v !== null && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o).sort()) if (o[k] !== undefined) out[k] = sortedKeys(o[k]);
    return out;
  }
  return v;
}

/**
 * The revision data of a workload: a patch that replaces its pod template. It is laid out as kubectl
 * computes it for `rollout undo` (sorted keys, the template's zero creationTimestamp), so that kubectl
 * can tell when a rollback target already matches the live template.
 */
export function templatePatch(owner: { spec?: { template?: PodTemplateSpec } }): unknown {
  const template = deepClone(owner.spec?.template ?? {});
  const metadata = { creationTimestamp: null, ...(template.metadata ?? {}) };
  return sortedKeys({ spec: { template: { ...template, metadata, $patch: 'replace' } } });
}

/** The pod template a revision stores. */
export function revisionTemplate(rev: ControllerRevision): PodTemplateSpec {
  const spec = isRecord(rev.data) ? rev.data.spec : undefined;
  const { $patch: _p, ...template } = isRecord(spec) && isRecord(spec.template) ? spec.template : {};
  return deepClone(template) as PodTemplateSpec;
}

/** A copy of owner with the pod template of rev (what the workload looked like at that revision). */
export function applyRevision<T extends KubeObject>(owner: T, rev: ControllerRevision): T {
  const copy: KubeObject = deepClone(owner);
  copy.spec = { ...(isRecord(copy.spec) ? copy.spec : {}), template: revisionTemplate(rev) };
  return copy as T;
}

/** <prefix>-<hash>, with the prefix cut so the name stays a valid object name. */
export function revisionName(prefix: string, hash: string): string {
  return `${prefix.slice(0, 223)}-${hash}`;
}

export interface RevisionSpec {
  templateLabels?: Record<string, string>;
  data: unknown;
  revision: number;
  /** the name hash; by default the hash of data and collisionCount */
  hash?: string;
  collisionCount?: number;
  annotations?: Record<string, string>;
}

/** A new (not yet created) revision of owner, named <owner>-<hash>. */
export function newRevision(owner: KubeObject, kind: OwnerKind, spec: RevisionSpec): ControllerRevision {
  const hash = spec.hash ?? revisionHash(spec.data, spec.collisionCount ?? 0);
  const annotations = spec.annotations;
  return {
    apiVersion: 'apps/v1',
    kind: 'ControllerRevision',
    metadata: {
      name: revisionName(owner.metadata.name ?? '', hash),
      namespace: owner.metadata.namespace,
      labels: { ...(spec.templateLabels ?? {}), [REVISION_HASH_LABEL]: hash },
      ...(annotations && Object.keys(annotations).length ? { annotations: { ...annotations } } : {}),
      ownerReferences: [controllerRef(owner, kind)],
    },
    data: spec.data,
    revision: spec.revision,
  };
}

function created(r: KubeObject): number {
  return r.metadata.creationTimestamp ? Date.parse(r.metadata.creationTimestamp) : 0;
}

/** Oldest first: by revision number, then creation time, then name. */
export function sortRevisions<T extends ControllerRevision>(revs: T[]): T[] {
  return revs.sort(
    (a, b) =>
      (a.revision ?? 0) - (b.revision ?? 0) ||
      created(a) - created(b) ||
      (a.metadata.name ?? '').localeCompare(b.metadata.name ?? ''),
  );
}

/** Same data (and the same hash label when both have one). */
export function equalRevision(a: ControllerRevision | undefined, b: ControllerRevision | undefined): boolean {
  if (!a || !b) return a === b;
  const ha = a.metadata.labels?.[REVISION_HASH_LABEL];
  const hb = b.metadata.labels?.[REVISION_HASH_LABEL];
  if (ha !== undefined && hb !== undefined && ha !== hb) return false;
  return deepEqual(a.data, b.data);
}

export function findEqualRevisions<T extends ControllerRevision>(revs: readonly T[], needle: ControllerRevision): T[] {
  return revs.filter((r) => equalRevision(r, needle));
}

/** One more than the highest revision number (1 for an empty history). */
export function nextRevision(revs: readonly ControllerRevision[]): number {
  return revs.reduce((m, r) => Math.max(m, r.revision ?? 0), 0) + 1;
}

/**
 * The revisions to delete to keep at most `limit` that are not live, oldest first. Live revisions
 * (the current and update revisions, those pods still run) are never deleted.
 */
export function revisionsToTruncate<T extends ControllerRevision>(
  revs: readonly T[],
  isLive: (r: T) => boolean,
  limit: number,
): T[] {
  if (limit < 0) return [];
  const history = sortRevisions(revs.filter((r) => !isLive(r)));
  return history.length <= limit ? [] : history.slice(0, history.length - limit);
}
