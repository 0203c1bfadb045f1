// A DaemonSet's status (Kubernetes' updateDaemonSetStatus): per node that should run a pod, whether one is
// scheduled, Ready, available and up to date; pods on nodes that should not run one are misscheduled.
import type { DaemonSetStatus } from 'kubernetes-types/apps/v1';
import type { DaemonSet, Node, Pod } from '../kit/objects';
import { isPodAvailable, isPodReady } from '../kit/podReadiness';
import { byAge, isUpdated, nodeToPods } from './daemonPods';
import { nodeShouldRunDaemonPod } from './placement';

export interface DaemonSetCounts {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration: number | undefined;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
}

/** The status over nodes and pods at now; observe false keeps the observedGeneration the set shows. */
export function daemonSetStatus(
  ds: DaemonSet,
  nodes: Node[],
  pods: Pod[],
  hash: string,
  observe: boolean,
  now: number,
): DaemonSetCounts {
  const byNode = nodeToPods(pods, true);
  const minReady = ds.spec.minReadySeconds ?? 0;
  let desired = 0;
  let current = 0;
  let misscheduled = 0;
  let ready = 0;
  let updated = 0;
  let available = 0;
  for (const node of nodes) {
    const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
    const list = byNode.get(node.metadata.name) ?? [];
    if (shouldRun) {
      desired++;
      if (list.length === 0) continue;
      current++;
      const pod = [...list].sort(byAge)[0];
      if (isPodReady(pod)) {
        ready++;
        if (isPodAvailable(pod, minReady, now)) available++;
      }
      if (isUpdated(ds, pod, hash)) updated++;
    } else if (list.length > 0) {
      misscheduled++;
    }
  }
  return {
    currentNumberScheduled: current,
    numberMisscheduled: misscheduled,
    desiredNumberScheduled: desired,
    numberReady: ready,
    observedGeneration: observe ? ds.metadata.generation : ds.status?.observedGeneration,
    updatedNumberScheduled: updated,
    numberAvailable: available,
    numberUnavailable: desired - available,
  };
}

/** The merge patch recording status, or undefined when the set shows it already. */
export function statusPatch(ds: DaemonSet, status: DaemonSetCounts): { status: object } | undefined {
  const old: Partial<DaemonSetStatus> = ds.status ?? {};
  const unchanged = (Object.keys(status) as (keyof DaemonSetCounts)[]).every((k) => (status[k] ?? 0) === (old[k] ?? 0));
  if (unchanged) return undefined;
  // fields Kubernetes omits when zero are removed rather than written as 0
  const omitZero = (v: number | undefined) => (v ? v : null);
  return {
    status: {
      currentNumberScheduled: status.currentNumberScheduled,
      numberMisscheduled: status.numberMisscheduled,
      desiredNumberScheduled: status.desiredNumberScheduled,
      numberReady: status.numberReady,
      observedGeneration: omitZero(status.observedGeneration),
      updatedNumberScheduled: omitZero(status.updatedNumberScheduled),
      numberAvailable: omitZero(status.numberAvailable),
      numberUnavailable: omitZero(status.numberUnavailable),
    },
  };
}
