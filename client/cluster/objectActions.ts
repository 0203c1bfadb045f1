// What the Cluster view's actions write, free of `vscode`: scale, restart and undo a rollout as kubectl does them,
// and delete. Errors are the API's (KubeApiError) or say what to do.
import type { Deployment, ReplicaSet } from 'kubernetes-types/apps/v1';
import { resourcePath, type ApiClient } from '../../kubeclient/apiClient';
import type { ObjectRef } from './treeNode';

/** kubectl rollout restart's annotation on the pod template. */
export const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const REVISION = 'deployment.kubernetes.io/revision';
/** Annotations of a ReplicaSet that `kubectl rollout undo` does not copy back onto the Deployment. */
const NOT_COPIED = new Set([
  REVISION,
  'deployment.kubernetes.io/revision-history',
  'deployment.kubernetes.io/desired-replicas',
  'deployment.kubernetes.io/max-replicas',
  'kubectl.kubernetes.io/last-applied-configuration',
]);

export function objectPath(ref: ObjectRef, subresource?: string): string {
  return resourcePath(ref, ref.namespace, ref.name, subresource);
}

/** Sets the replicas through the scale subresource, as `kubectl scale` does. */
export async function scale(api: ApiClient, ref: ObjectRef, replicas: number): Promise<void> {
  if (!Number.isInteger(replicas) || replicas < 0)
    throw new Error(`replicas must be a whole number ≥ 0, not ${replicas}`);
  await api.patch(objectPath(ref, 'scale'), { spec: { replicas } }, 'merge');
}

/** A new rollout of the same template: kubectl's restartedAt annotation on the pod template, set to now. */
export async function restartRollout(api: ApiClient, ref: ObjectRef, now = new Date()): Promise<void> {
  // RFC 3339 in seconds, as kubectl writes it
  const at = now.toISOString().replace(/\.\d+Z$/, 'Z');
  const patch = { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: at } } } } };
  await api.patch(objectPath(ref), patch, 'strategic');
}

const revisionOf = (rs: ReplicaSet) => Number(rs.metadata?.annotations?.[REVISION] ?? 0);

/**
 * `kubectl rollout undo` of a Deployment: its template goes back to the one of the previous revision (the
 * ReplicaSet with the second highest revision it owns). Resolves with that revision.
 */
export async function undoRollout(api: ApiClient, ref: ObjectRef): Promise<number> {
  if (ref.kind !== 'Deployment') throw new Error(`undo works on Deployments, not on ${ref.kind} ${ref.name}`);
  const d: Deployment = await api.get(objectPath(ref));
  if (d.spec?.paused)
    throw new Error(`deployment ${ref.name} is paused: resume it (kubectl rollout resume) before undoing its rollout`);
  const rsPath = resourcePath({ group: 'apps', version: 'v1', plural: 'replicasets', namespaced: true }, ref.namespace);
  const list: { items?: ReplicaSet[] } = await api.list(rsPath);
  const owned = (list.items ?? [])
    .filter((rs) => rs.metadata?.ownerReferences?.some((o) => o.controller && o.uid === d.metadata?.uid))
    .sort((a, b) => revisionOf(b) - revisionOf(a));
  const previous = owned[1];
  if (!previous?.spec?.template)
    throw new Error(`deployment ${ref.name} has no earlier revision to go back to (kubectl rollout history)`);
  const template = structuredClone(previous.spec.template);
  delete template.metadata?.labels?.['pod-template-hash'];
  const annotations: Record<string, string> = { ...(d.metadata?.annotations ?? {}) };
  for (const [k, v] of Object.entries(previous.metadata?.annotations ?? {})) if (!NOT_COPIED.has(k)) annotations[k] = v;
  await api.patch(
    objectPath(ref),
    [
      { op: 'replace', path: '/spec/template', value: template },
      { op: 'replace', path: '/metadata/annotations', value: annotations },
    ],
    'json',
  );
  return revisionOf(previous);
}

/** Deletes the object (its dependents in the background, as kubectl delete). */
export async function deleteObject(api: ApiClient, ref: ObjectRef): Promise<void> {
  await api.delete(objectPath(ref), { propagationPolicy: 'Background' });
}
