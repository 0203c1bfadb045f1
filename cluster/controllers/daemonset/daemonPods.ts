// What a daemon pod is (Kubernetes' daemonset util): made from the DaemonSet's template for one node, up to
// date when it carries the current revision hash, and found by the node it is on or pinned to.
import type { Pod as PodObject, PodSpec } from 'kubernetes-types/core/v1';
import { deepClone } from '../../../kube/objects';
import { controllerRef } from '../kit/claims';
import type { DaemonSet, Pod } from '../kit/objects';
import { REVISION_HASH_LABEL } from '../history/revisions';
import { daemonTolerations, pinToNode, targetNode } from './placement';

export const KIND = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
/** Deprecated but still set: the generation of the template a pod was made from. */
const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

export const isTerminal = (p: Pod) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';

/** Oldest first (by creation, then name). */
export function byAge(a: Pod, b: Pod): number {
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  return ta - tb || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

/** Daemon pods by the node they are on or pinned to; terminal pods being deleted are left out unless asked for. */
export function nodeToPods(pods: Pod[], includeDeletedTerminal: boolean): Map<string, Pod[]> {
  const m = new Map<string, Pod[]>();
  for (const p of pods) {
    if (!includeDeletedTerminal && isTerminal(p) && p.metadata.deletionTimestamp) continue;
    const node = targetNode(p);
    if (node === undefined) continue;
    let list = m.get(node);
    if (!list) m.set(node, (list = []));
    list.push(p);
  }
  return m;
}

function templateGeneration(ds: DaemonSet): string | undefined {
  return ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
}

/** Up to date: the pod carries the current hash (or, made by older controllers, the template generation). */
export function isUpdated(ds: DaemonSet, pod: Pod, hash: string): boolean {
  const gen = templateGeneration(ds);
  const labels = pod.metadata.labels ?? {};
  return (
    (hash !== '' && labels[REVISION_HASH_LABEL] === hash) ||
    (gen !== undefined && labels[TEMPLATE_GENERATION_LABEL] === gen)
  );
}

/** The pod to create on a node: the template with the current hash, the default tolerations, pinned to the node. */
export function newDaemonPod(ds: DaemonSet, nodeName: string, hash: string): PodObject {
  const template = ds.spec.template ?? {};
  const tmeta = template.metadata ?? {};
  const spec = deepClone(template.spec ?? ({} as PodSpec));
  spec.tolerations = daemonTolerations(spec);
  spec.affinity = pinToNode(spec.affinity, nodeName);
  const generation = templateGeneration(ds) ?? String(ds.metadata.generation ?? 1);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${ds.metadata.name}-`,
      namespace: ds.metadata.namespace,
      labels: { ...(tmeta.labels ?? {}), [REVISION_HASH_LABEL]: hash, [TEMPLATE_GENERATION_LABEL]: generation },
      ...(tmeta.annotations ? { annotations: { ...tmeta.annotations } } : {}),
      ...(tmeta.finalizers ? { finalizers: [...tmeta.finalizers] } : {}),
      ownerReferences: [controllerRef(ds, KIND)],
    },
    spec,
  };
}
