// Creates the cluster's default StorageClass "standard" at start, as kind ships one: volumes come from
// the built-in hostpath provisioner (folders under the state folder's volumes/, see
// persistentVolumeController.ts), are deleted with their claim, and bind as soon as they are claimed
// (Immediate: the simulated nodes share one disk, so a volume does not tie a pod to a node).
// An existing "standard" is left as it is, and it is only marked default when no other class is.
import type { StorageClass } from 'kubernetes-types/storage/v1';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { BootstrapController } from './bootstrapController';
import { ControllerContext } from './controllerContext';
import { HOSTPATH_PROVISIONER } from './persistentVolumeController';

export const DEFAULT_STORAGE_CLASS = 'standard';
const DEFAULT_CLASS_ANNOTATIONS = [
  'storageclass.kubernetes.io/is-default-class',
  'storageclass.beta.kubernetes.io/is-default-class',
];

export class StorageClassBootstrap extends BootstrapController {
  readonly name = 'storageclass-bootstrap';

  protected async ensure(ctx: ControllerContext): Promise<void> {
    const info = ctx.resources().find((r) => r.group === 'storage.k8s.io' && r.plural === 'storageclasses')!;
    const list = await ctx.client.list(resourcePath(info));
    const items: StorageClass[] = list.items ?? [];
    if (items.some((c) => c.metadata?.name === DEFAULT_STORAGE_CLASS)) return;
    const otherDefault = items.some((c) =>
      DEFAULT_CLASS_ANNOTATIONS.some((a) => c.metadata?.annotations?.[a] === 'true'),
    );
    try {
      await ctx.client.create(resourcePath(info), {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: {
          name: DEFAULT_STORAGE_CLASS,
          ...(otherDefault ? {} : { annotations: { [DEFAULT_CLASS_ANNOTATIONS[0]]: 'true' } }),
        },
        provisioner: HOSTPATH_PROVISIONER,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'Immediate',
      });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 409)) throw e;
    }
  }
}
