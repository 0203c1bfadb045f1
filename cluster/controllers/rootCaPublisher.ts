// The root CA publisher: the ConfigMap kube-root-ca.crt in every namespace holds the cluster CA (ca.crt), which
// pods' projected token volumes mount to verify the API server, as Kubernetes' root-ca-cert-publisher does.
import type { ConfigMap } from 'kubernetes-types/core/v1';
import { ROOT_CA_CONFIGMAP } from '../apiserver/serviceAccountAdmission';
import { PerNamespaceObject } from './kit/perNamespaceObject';

const DESCRIPTION =
  'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the ' +
  'internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of ' +
  'Kubernetes clusters.';

export const rootCaPublisher = () =>
  new PerNamespaceObject('root-ca-cert-publisher', {
    group: '',
    plural: 'configmaps',
    objectName: ROOT_CA_CONFIGMAP,
    desired: (ctx, namespace) => ({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: ROOT_CA_CONFIGMAP, namespace, annotations: { 'kubernetes.io/description': DESCRIPTION } },
      data: { 'ca.crt': ctx.caCert },
    }),
    repaired: (ctx, live) => {
      const cm = live as ConfigMap & typeof live;
      const data = cm.data ?? {};
      if (data['ca.crt'] === ctx.caCert && Object.keys(data).length === 1) return undefined;
      return { ...cm, data: { 'ca.crt': ctx.caCert } };
    },
  });
