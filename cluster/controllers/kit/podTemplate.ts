// The pod a controller creates from its template (controller.GetPodFromTemplate).
import type { Pod, PodSpec, PodTemplateSpec } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../../kube/objects';
import { copyJson } from '../../../kube/copyJson';
import { OwnerKind, controllerRef } from './claims';

/** controller.GetPodFromTemplate: a pod named <owner>-<random> carrying the template and a controller reference. */
export function podFromTemplate(template: PodTemplateSpec | undefined, owner: KubeObject, ownerKind: OwnerKind): Pod {
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
    // an empty spec stays empty: validation names what is missing
    spec: copyJson(template?.spec ?? ({} as PodSpec)),
  };
}
