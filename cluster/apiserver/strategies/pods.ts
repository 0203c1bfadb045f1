// Pods: a new pod is Pending with its QoS class, its priority from its PriorityClass and its ServiceAccount's token
// volume; an update keeps the ephemeral containers (pods/ephemeralcontainers adds them); a pod placed on a node gets a
// grace period on delete, in which the kubelet stops its containers and then removes it.
import type { Pod as PodObject, ServiceAccount } from 'kubernetes-types/core/v1';
import { copyJson } from '../../../kube/copyJson';
import type { KubeObject } from '../../../kube/objects';
import type { Store } from '../../store/types';
import { admitPodServiceAccount } from '../serviceAccountAdmission';
import { admitPodPriority } from './priorityClasses';
import type { Strategy } from './strategy';

type Pod = KubeObject & PodObject;

export const podStrategy = (store: Store): Strategy => ({
  initialStatus: () => ({ phase: 'Pending' }),

  // after admission, whose LimitRanger may have set requests and limits (the QoS class depends on them)
  prepareForCreate(obj) {
    admitPodPriority(store, obj);
    admitPodServiceAccount(
      obj as Pod,
      (ns, name) => store.get(`/registry/core/serviceaccounts/${ns}/${name}`)?.value as ServiceAccount | undefined,
    );
    obj.status = { ...(obj.status as object), qosClass: qosClass(obj as Pod) };
  },

  // ephemeral containers are written only through pods/ephemeralcontainers, as status only through pods/status
  prepareForUpdate(obj, old) {
    const spec = (obj as Pod).spec;
    const kept = (old as Pod).spec?.ephemeralContainers;
    if (!spec) return;
    // a copy: admission defaults the new object in place, and the stored one is frozen
    if (kept) spec.ephemeralContainers = copyJson(kept);
    else delete spec.ephemeralContainers;
  },

  gracePeriod(obj, requested) {
    const pod = obj as Pod;
    if (!pod.spec?.nodeName) return 0;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return 0;
    const g = requested ?? pod.spec?.terminationGracePeriodSeconds ?? 30;
    return Math.max(0, g);
  },
});

function qosClass(pod: Pod): string {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let limited = false;
  let guaranteed = containers.length > 0;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length || Object.keys(lim).length) limited = true;
    for (const r of ['cpu', 'memory']) {
      const l = lim[r];
      const q = req[r] ?? l;
      if (l === undefined || String(q) !== String(l)) guaranteed = false;
    }
  }
  if (!limited) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
