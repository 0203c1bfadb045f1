// The ServiceAccount admission of a new pod, as kube-apiserver's plugin: serviceAccountName defaults to
// "default", and unless the pod or its ServiceAccount opts out, a projected volume kube-api-access-<suffix>
// (a bound token, the cluster CA from kube-root-ca.crt and the namespace) mounted read-only in every container
// at /var/run/secrets/kubernetes.io/serviceaccount; a pod that names no imagePullSecrets gets its ServiceAccount's.
import type { Container, Pod, ServiceAccount, Volume } from 'kubernetes-types/core/v1';
import { generateSuffix } from './objectStorage';

export const SERVICE_ACCOUNT_MOUNT_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
export const ROOT_CA_CONFIGMAP = 'kube-root-ca.crt';
/** kube-apiserver's: an hour and a few seconds, so that kubelets can tell projected tokens by their lifetime */
const PROJECTED_TOKEN_SECONDS = 3607;

/** Mutates a pod being created; lookup gives its ServiceAccount when it exists. */
export function admitPodServiceAccount(
  pod: Pod,
  lookup: (namespace: string, name: string) => ServiceAccount | undefined,
): void {
  const spec = pod.spec;
  if (!spec) return;
  const name = spec.serviceAccountName || spec.serviceAccount || 'default';
  spec.serviceAccountName = name;
  // the deprecated alias, which kube-apiserver keeps equal to serviceAccountName
  spec.serviceAccount = name;
  const sa = lookup(pod.metadata?.namespace ?? '', name);
  if (!spec.imagePullSecrets?.length && sa?.imagePullSecrets?.length) {
    spec.imagePullSecrets = sa.imagePullSecrets.map((s) => ({ name: s.name }));
  }
  if (spec.automountServiceAccountToken === false) return;
  if (spec.automountServiceAccountToken === undefined && sa?.automountServiceAccountToken === false) return;
  const containers: Container[] = [...(spec.initContainers ?? []), ...spec.containers];
  // a pod that mounts something of its own there keeps it
  if (containers.some((c) => c.volumeMounts?.some((m) => m.mountPath === SERVICE_ACCOUNT_MOUNT_PATH))) return;
  const volumeName = `kube-api-access-${generateSuffix()}`;
  const volume: Volume = {
    name: volumeName,
    projected: {
      defaultMode: 0o644,
      sources: [
        { serviceAccountToken: { expirationSeconds: PROJECTED_TOKEN_SECONDS, path: 'token' } },
        { configMap: { name: ROOT_CA_CONFIGMAP, items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
        {
          downwardAPI: {
            items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }],
          },
        },
      ],
    },
  };
  spec.volumes = [...(spec.volumes ?? []), volume];
  for (const c of containers) {
    c.volumeMounts = [
      ...(c.volumeMounts ?? []),
      { name: volumeName, readOnly: true, mountPath: SERVICE_ACCOUNT_MOUNT_PATH },
    ];
  }
}
