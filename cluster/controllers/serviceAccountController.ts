// The ServiceAccount controller: a "default" ServiceAccount in every namespace, as Kubernetes' own, which pods
// that name no ServiceAccount run as (and which clients such as Helm charts' tests wait for).
import { PerNamespaceObject } from './kit/perNamespaceObject';

export const serviceAccountController = () =>
  new PerNamespaceObject('serviceaccount-controller', {
    group: '',
    plural: 'serviceaccounts',
    objectName: 'default',
    desired: (_ctx, namespace) => ({
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'default', namespace },
    }),
  });
