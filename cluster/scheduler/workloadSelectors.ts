// The selector cluster-default topology spreading uses for a pod: the selectors of the Services that
// select it, and of the ReplicaSet, StatefulSet or ReplicationController that controls it
// (helper.DefaultSelector in kube-scheduler).
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
  const owner = (pod.pod.metadata?.ownerReferences ?? []).find((r: any) => r.controller);
  if (!owner) return out;
  const from = (i: Informer, toSelector: (o: any) => Selector) => {
    const o = i.get(pod.namespace, owner.name);
    if (!o || o.metadata?.uid !== owner.uid) return;
    try {
      out.push(toSelector(o));
    } catch {
      // an invalid selector adds nothing
    }
  };
  if (owner.kind === 'ReplicaSet' && owner.apiVersion === 'apps/v1')
    from(inf.replicaSets, (o) => fromLabelSelector(o.spec?.selector));
  else if (owner.kind === 'StatefulSet' && owner.apiVersion === 'apps/v1')
    from(inf.statefulSets, (o) => fromLabelSelector(o.spec?.selector));
  else if (owner.kind === 'ReplicationController' && owner.apiVersion === 'v1')
    from(inf.replicationControllers, (o) => selectorFromMap(o.spec?.selector));
  return out;
}
