// Pod: phase, stuck containers and readiness.
import { conditionOf } from './conditions';
import { stuckContainer } from './pods';
import { Health } from './types';

export function podHealth(live: any): Health {
  const status = live.status ?? {};
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

function readyCount(pod: any): string {
  const cs: any[] = pod.status?.containerStatuses ?? [];
  const total = pod.spec?.containers?.length ?? cs.length;
  return `${cs.filter((c) => c?.ready).length}/${total}`;
}

function failedContainers(pod: any): string | undefined {
  const cs: any[] = pod.status?.containerStatuses ?? [];
  const failed = cs.filter((c) => c?.state?.terminated && c.state.terminated.exitCode !== 0);
  if (!failed.length) return pod.status?.reason;
  return failed
    .map(
      (c) =>
        `${c.name} exited with code ${c.state.terminated.exitCode}${c.state.terminated.reason ? ` (${c.state.terminated.reason})` : ''}`,
    )
    .join(', ');
}

function pendingReason(pod: any): string {
  const scheduled = conditionOf(pod, 'PodScheduled');
  if (scheduled?.status === 'False') return scheduled.message || scheduled.reason || 'Pod is not scheduled';
  const statuses: any[] = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const waiting = statuses.find((c) => c?.state?.waiting?.reason);
  if (waiting) return `${waiting.name}: ${waiting.state.waiting.reason}`;
  return 'Pod is pending';
}
