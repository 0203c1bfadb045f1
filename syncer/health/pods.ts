// Pod problems a workload inherits: a container that cannot start or keeps crashing means the
// workload will not become available by waiting, so it is Degraded rather than Progressing.
import type { ObjectMeta } from 'kubernetes-types/meta/v1';
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1';
import { LabelSelector, labelSelectorMatches } from '../../kube/labelSelector';

/** Waiting reasons that do not resolve by themselves. */
const STUCK_REASONS = new Set([
  'CrashLoopBackOff',
  'ImagePullBackOff',
  'ErrImagePull',
  'ErrImageNeverPull',
  'InvalidImageName',
  'CreateContainerConfigError',
  'CreateContainerError',
  'RunContainerError',
]);

/** "web: CrashLoopBackOff (back-off 10s restarting failed container ...)" for the first stuck container, if any. */
export function stuckContainer(pod: Pod | undefined): string | undefined {
  const statuses: (ContainerStatus | undefined)[] = [
    ...(pod?.status?.initContainerStatuses ?? []),
    ...(pod?.status?.containerStatuses ?? []),
  ];
  for (const cs of statuses) {
    if (!cs) continue;
    const waiting = cs.state?.waiting;
    if (waiting?.reason && STUCK_REASONS.has(waiting.reason)) {
      return `${cs.name}: ${waiting.reason}${waiting.message ? ` (${waiting.message})` : ''}`;
    }
  }
  return undefined;
}

/** The pods that belong to `owner`: same namespace, matching its selector, and controlled by it when uid is known. */
export function podsOf(
  owner: { metadata?: ObjectMeta; spec?: { selector?: LabelSelector } },
  pods: (Pod | undefined)[] | undefined,
  byOwnerUid: boolean,
): Pod[] {
  if (!Array.isArray(pods)) return [];
  const ns = owner?.metadata?.namespace;
  const selector = owner?.spec?.selector;
  const uid = owner?.metadata?.uid;
  return pods.filter((p): p is Pod => {
    if (!p || p.metadata?.deletionTimestamp) return false;
    if (ns && p.metadata?.namespace && p.metadata.namespace !== ns) return false;
    if (selector && !labelSelectorMatches(selector, p.metadata?.labels)) return false;
    if (byOwnerUid && uid) {
      const controller = (p.metadata?.ownerReferences ?? []).find((r) => r?.controller);
      if (controller && controller.uid !== uid) return false;
    }
    return true;
  });
}

/**
 * The pods of the newest revision, telling revisions apart by a label (pod-template-hash,
 * controller-revision-hash). The newest revision is the one whose youngest pod is youngest:
 * a rollout (or rollback) creates the pods of the revision it moves to, while the old ones are
 * only ever deleted. A given revision label value, when the workload's status names it, wins.
 */
export function currentRevisionPods(pods: Pod[], label: string, revision?: string): Pod[] {
  if (revision) return pods.filter((p) => p.metadata?.labels?.[label] === revision);
  const youngest = new Map<string, number>();
  for (const p of pods) {
    const rev = p.metadata?.labels?.[label] ?? '';
    const created = Date.parse(p.metadata?.creationTimestamp ?? '') || 0;
    youngest.set(rev, Math.max(youngest.get(rev) ?? -Infinity, created));
  }
  let newest: string | undefined;
  for (const [rev, t] of youngest) if (newest === undefined || t > youngest.get(newest)!) newest = rev;
  return pods.filter((p) => (p.metadata?.labels?.[label] ?? '') === newest);
}

/** Degraded health from the first stuck pod, if any. */
export function stuckPodsMessage(pods: Pod[]): string | undefined {
  const stuck: string[] = [];
  for (const p of pods) {
    const why = stuckContainer(p);
    if (why) stuck.push(`pod ${p.metadata?.name} ${why}`);
  }
  if (!stuck.length) return undefined;
  return stuck.length === 1 ? stuck[0] : `${stuck[0]} (and ${stuck.length - 1} more pod${stuck.length > 2 ? 's' : ''})`;
}
