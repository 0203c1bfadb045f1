// A StatefulSet member's identity (Kubernetes' stateful_set_utils.go): its ordinal name <set>-N, hostname
// and subdomain, the claims <template>-<set>-N its volumes name, and the pod made for an ordinal from the
// set's template at a revision.
import type { PersistentVolumeClaim, PodSpec, Volume } from 'kubernetes-types/core/v1';
import { deepClone } from '../../../kube/objects';
import { controllerRef } from '../kit/claims';
import type { Pod, StatefulSet, Stored } from '../kit/objects';
import { REVISION_HASH_LABEL } from '../history/revisions';

export const KIND = { apiVersion: 'apps/v1', kind: 'StatefulSet' };
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';

const ORDINAL_NAME = /^(.*)-([0-9]+)$/;

/** The set a pod's name says it belongs to and its ordinal (-1 when the name has none). */
export function parentAndOrdinal(name: string): { parent: string; ordinal: number } {
  const m = ORDINAL_NAME.exec(name);
  if (!m) return { parent: '', ordinal: -1 };
  const ordinal = Number(m[2]);
  return Number.isSafeInteger(ordinal) && ordinal <= 0x7fffffff
    ? { parent: m[1], ordinal }
    : { parent: m[1], ordinal: -1 };
}

export function ordinalOf(pod: Pod): number {
  return parentAndOrdinal(pod.metadata.name ?? '').ordinal;
}

export function startOrdinal(set: StatefulSet): number {
  return set.spec.ordinals?.start ?? 0;
}

export function replicaCount(set: StatefulSet): number {
  return set.spec.replicas ?? 1;
}

export function inOrdinalRange(pod: Pod, set: StatefulSet): boolean {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o < startOrdinal(set) + replicaCount(set);
}

export function podName(set: StatefulSet, ordinal: number): string {
  return `${set.metadata.name}-${ordinal}`;
}

export function claimName(set: StatefulSet, template: string, ordinal: number): string {
  return `${template}-${set.metadata.name}-${ordinal}`;
}

/** The revision a member pod was made from (StatefulSet pods carry the revision's name). */
export function podRevision(p: Pod): string | undefined {
  return p.metadata.labels?.[REVISION_HASH_LABEL];
}

/** The pod's name, namespace and pod-name label say it is this set's member. */
export function identityMatches(set: StatefulSet, pod: Pod): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata.name ?? '');
  return (
    ordinal >= 0 &&
    parent === set.metadata.name &&
    pod.metadata.namespace === set.metadata.namespace &&
    pod.metadata.labels?.[POD_NAME_LABEL] === pod.metadata.name
  );
}

/** Every volumeClaimTemplate has its volume in the pod, naming this ordinal's claim. */
export function storageMatches(set: StatefulSet, pod: Pod): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const volumes = new Map<string, Volume>((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
  return (set.spec.volumeClaimTemplates ?? []).every(
    (t) =>
      volumes.get(t.metadata?.name ?? '')?.persistentVolumeClaim?.claimName ===
      claimName(set, t.metadata?.name ?? '', ordinal),
  );
}

/** The claims a member pod uses, built from the set's templates. */
export function claimsFor(set: StatefulSet, ordinal: number): Stored<PersistentVolumeClaim>[] {
  return (set.spec.volumeClaimTemplates ?? []).map((t) => {
    const meta = t.metadata ?? {};
    return {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: {
        name: claimName(set, meta.name ?? '', ordinal),
        namespace: set.metadata.namespace,
        labels: { ...(meta.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) },
        ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      },
      spec: deepClone(t.spec ?? {}),
    };
  });
}

/** A member pod of set at ordinal, from set's template, not yet created. */
export function newPod(set: StatefulSet, ordinal: number, revision: string): Pod {
  const template = set.spec.template ?? {};
  const tmeta = template.metadata ?? {};
  const name = podName(set, ordinal);
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: set.metadata.namespace,
      labels: {
        ...(tmeta.labels ?? {}),
        [POD_NAME_LABEL]: name,
        [POD_INDEX_LABEL]: String(ordinal),
        [REVISION_HASH_LABEL]: revision,
      },
      ...(tmeta.annotations ? { annotations: { ...tmeta.annotations } } : {}),
      ...(tmeta.finalizers ? { finalizers: [...tmeta.finalizers] } : {}),
      ownerReferences: [controllerRef(set, KIND)],
    },
    spec: deepClone(template.spec ?? ({} as PodSpec)),
  };
  const spec = pod.spec!;
  spec.hostname = name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
  // the claims' volumes replace any template volume of the same name
  const claims = (set.spec.volumeClaimTemplates ?? []).map((t) => t.metadata?.name ?? '');
  spec.volumes = [
    ...claims.map((c: string) => ({ name: c, persistentVolumeClaim: { claimName: claimName(set, c, ordinal) } })),
    ...(spec.volumes ?? []).filter((v) => !claims.includes(v.name)),
  ];
  if (spec.volumes.length === 0) delete spec.volumes;
  return pod;
}

/** The pod a missing ordinal gets: below the partition it stays at the current revision. */
export function newVersionedPod(
  set: StatefulSet,
  currentSet: StatefulSet,
  updateSet: StatefulSet,
  current: string,
  update: string,
  ordinal: number,
): Pod {
  const strategy = set.spec.updateStrategy ?? {};
  if (strategy.type === 'RollingUpdate') {
    const partition = strategy.rollingUpdate
      ? (strategy.rollingUpdate.partition ?? 0)
      : (set.status?.currentReplicas ?? 0);
    if (ordinal < startOrdinal(set) + partition) return newPod(currentSet, ordinal, current);
  }
  return newPod(updateSet, ordinal, update);
}
