// Pod: phase, stuck containers and readiness.
import { conditionOf } from './conditions';
import { stuckContainer } from './pods';
import type { ContainerStatus, Pod, PodStatus } from 'kubernetes-types/core/v1';
import { Health } from './types';

/** Phase, stuck containers and readiness: Healthy when Running and Ready (or Succeeded), Degraded when failed. */
export function podHealth(live: Pod): Health {
  const status: PodStatus = live.status ?? {};
  if (live.metadata?.deletionTimestamp) return { status: 'Progressing', message: 'Pod is terminating' };
  const stuck = stuckContainer(live);
  if (stuck) return { status: 'Degraded', message: stuck };
  switch (status.phase) {
    case 'Succeeded':
      return { status: 'Healthy', message: status.message || 'Pod completed' };
    case 'Failed':
      return { status: 'Degraded', message: status.message || failedContainers(live) || 'Pod failed' };
    case 'Running': {
      // a pod that is meant to finish is progressing until it does
      const restartPolicy = live.spec?.restartPolicy ?? 'Always';
      if (restartPolicy !== 'Always') return { status: 'Progressing', message: 'Pod is running' };
      if (conditionOf(live, 'Ready')?.status === 'True')
        return { status: 'Healthy', message: 'Pod is running and ready' };
      return { status: 'Progressing', message: `Pod is running, ${readyCount(live)} containers ready` };
    }
    default:
      return { status: 'Progressing', message: pendingReason(live) };
  }
}

function readyCount(pod: Pod): string {
  const cs: (ContainerStatus | undefined)[] = pod.status?.containerStatuses ?? [];
  const total = pod.spec?.containers?.length ?? cs.length;
  return `${cs.filter((c) => c?.ready).length}/${total}`;
}

function failedContainers(pod: Pod): string | undefined {
  const cs: (ContainerStatus | undefined)[] = pod.status?.containerStatuses ?? [];
  const failed = cs.flatMap((c) => {
    const t = c?.state?.terminated;
    return t && t.exitCode !== 0 ? [{ name: c.name, t }] : [];
  });
  if (!failed.length) return pod.status?.reason;
  return failed
    .map(({ name, t }) => `${name} exited with code ${t.exitCode}${t.reason ? ` (${t.reason})` : ''}`)
    .join(', ');
}

function pendingReason(pod: Pod): string {
  const scheduled = conditionOf(pod, 'PodScheduled');
  if (scheduled?.status === 'False') return scheduled.message || scheduled.reason || 'Pod is not scheduled';
  const statuses: (ContainerStatus | undefined)[] = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
  ];
  for (const c of statuses) {
    const reason = c?.state?.waiting?.reason;
    if (c && reason) return `${c.name}: ${reason}`;
  }
  return 'Pod is pending';
}
