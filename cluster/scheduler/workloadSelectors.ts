// The selector cluster-default topology spreading uses for a pod: the selectors of the Services that
// select it, and of the ReplicaSet, StatefulSet or ReplicationController that controls it
// (helper.DefaultSelector in kube-scheduler).
import type { ReplicaSet, StatefulSet } from 'kubernetes-types/apps/v1';
import type { ReplicationController } from 'kubernetes-types/core/v1';
import { fromLabelSelector, matchesLabels, selectorFromMap, Selector } from '../../kube/labelSelector';
import { Informer } from '../../kubeclient/informer';
import { PodInfo } from './podInfo';

export interface WorkloadInformers {
  services: Informer;
  replicaSets: Informer;
  statefulSets: Informer;
  replicationControllers: Informer;
}

export function workloadSelectors(inf: WorkloadInformers, pod: PodInfo): Selector[] {
  const out: Selector[] = [];
  for (const svc of inf.services.list()) {
    const sel = svc.spec?.selector;
    if (svc.metadata?.namespace !== pod.namespace || !sel || Object.keys(sel).length === 0) continue;
    const s = selectorFromMap(sel);
    if (matchesLabels(s, pod.labels)) out.push(s);
  }
  const owner = (pod.pod.metadata?.ownerReferences ?? []).find((r) => r.controller);
  if (!owner) return out;
  const from = <T extends ReplicaSet | StatefulSet | ReplicationController>(
    i: Informer,
    toSelector: (o: T) => Selector,
  ) => {
    const o: T | undefined = i.get(pod.namespace, owner.name);
    if (!o || o.metadata?.uid !== owner.uid) return;
    try {
      out.push(toSelector(o));
    } catch {
      // an invalid selector adds nothing
    }
  };
  if (owner.kind === 'ReplicaSet' && owner.apiVersion === 'apps/v1')
    from(inf.replicaSets, (o: ReplicaSet) => fromLabelSelector(o.spec?.selector));
  else if (owner.kind === 'StatefulSet' && owner.apiVersion === 'apps/v1')
    from(inf.statefulSets, (o: StatefulSet) => fromLabelSelector(o.spec?.selector));
  else if (owner.kind === 'ReplicationController' && owner.apiVersion === 'v1')
    from(inf.replicationControllers, (o: ReplicationController) => selectorFromMap(o.spec?.selector));
  return out;
}
