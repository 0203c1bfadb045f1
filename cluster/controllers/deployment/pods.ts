// What the ReplicaSet and Deployment controllers read from pods: active or not, Ready, available
// after minReadySeconds, and the pod a ReplicaSet creates from its template.
import { copyJson } from '../../../kube/copyJson';

export function isPodActive(pod: any): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

function readyCondition(pod: any): any {
  return (pod.status?.conditions as any[] | undefined)?.find((c) => c.type === 'Ready');
}

export function isPodReady(pod: any): boolean {
  return readyCondition(pod)?.status === 'True';
}

/** When the pod last became Ready (ms), if it is. */
export function podReadyTime(pod: any): number | undefined {
  const c = readyCondition(pod);
  if (c?.status !== 'True' || !c.lastTransitionTime) return undefined;
  return Date.parse(c.lastTransitionTime);
}

/** podutil.IsPodAvailable: Ready for at least minReadySeconds. */
export function isPodAvailable(pod: any, minReadySeconds: number, now: number): boolean {
  if (!isPodReady(pod)) return false;
  if (!minReadySeconds) return true;
  const since = Date.parse(readyCondition(pod).lastTransitionTime ?? '');
  return !Number.isNaN(since) && since + minReadySeconds * 1000 < now;
}

/** The highest restart count among the pod's containers. */
export function maxRestarts(pod: any): number {
  let n = 0;
  for (const s of pod.status?.containerStatuses ?? []) n = Math.max(n, s.restartCount ?? 0);
  return n;
}

/** controller.GetPodFromTemplate: a pod named <owner>-<random> carrying the template and a controller reference. */
export function podFromTemplate(template: any, owner: any, ownerKind: { apiVersion: string; kind: string }): any {
  const meta = template?.metadata ?? {};
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName: `${owner.metadata.name}-`,
      namespace: owner.metadata.namespace,
      ...(meta.labels ? { labels: { ...meta.labels } } : {}),
      ...(meta.annotations ? { annotations: { ...meta.annotations } } : {}),
      ...(meta.finalizers ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [controllerRef(owner, ownerKind)],
    },
    spec: copyJson(template?.spec ?? {}),
  };
}

/** metav1.NewControllerRef */
export function controllerRef(owner: any, kind: { apiVersion: string; kind: string }): any {
  return { apiVersion: kind.apiVersion, kind: kind.kind, name: owner.metadata.name, uid: owner.metadata.uid, controller: true, blockOwnerDeletion: true };
}
