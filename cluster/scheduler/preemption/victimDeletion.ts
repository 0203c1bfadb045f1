// What preempting on the chosen node writes, as kube-scheduler's prepareCandidate: each victim gets the
// DisruptionTarget condition (reason PreemptionByScheduler, so kubectl and controllers see why it goes), is
// deleted gracefully through the API, and gets a Preempted event naming the preemptor.
import type { PodCondition } from 'kubernetes-types/core/v1';
import { ApiClient } from '../../../kubeclient/apiClient';
import { KubeApiError } from '../../../kubeclient/apiError';
import { timestamp } from '../../clock';
import { EventRecorder } from '../../controllers/events';
import { PodInfo, podRef } from '../podInfo';
import { PREEMPTION_REASON } from './defaultPreemption';
import { Victims } from './victims';

function podPath(p: PodInfo): string {
  return `/api/v1/namespaces/${encodeURIComponent(p.namespace)}/pods/${encodeURIComponent(p.name)}`;
}

async function evict(
  client: ApiClient,
  recorder: EventRecorder,
  schedulerName: string,
  preemptor: PodInfo,
  node: string,
  victim: PodInfo,
): Promise<void> {
  const condition: PodCondition = {
    type: 'DisruptionTarget',
    status: 'True',
    reason: PREEMPTION_REASON,
    message: `${schedulerName}: preempting to accommodate a higher priority pod`,
    lastTransitionTime: timestamp(),
  };
  const has = (victim.pod.status?.conditions ?? []).some(
    (c) => c.type === condition.type && c.status === condition.status && c.reason === condition.reason,
  );
  try {
    // conditions merge by type: the victim's other conditions stay
    if (!has) await client.patch(`${podPath(victim)}/status`, { status: { conditions: [condition] } }, 'strategic');
    await client.delete(podPath(victim), { preconditions: { uid: victim.uid } });
  } catch (e) {
    // already gone (or replaced by a pod of the same name): nothing to evict
    if (e instanceof KubeApiError && (e.status === 404 || e.status === 409)) return;
    throw e;
  }
  recorder.record(podRef(victim.pod), 'Normal', 'Preempted', `Preempted by pod ${preemptor.uid} on node ${node}`);
}

/** Evicts the victims; rejects with the first failure (the preemptor then tries again after back-off). */
export async function deleteVictims(
  client: ApiClient,
  recorder: EventRecorder,
  schedulerName: string,
  preemptor: PodInfo,
  victims: Victims,
): Promise<void> {
  await Promise.all(victims.pods.map((v) => evict(client, recorder, schedulerName, preemptor, victims.node, v)));
}
