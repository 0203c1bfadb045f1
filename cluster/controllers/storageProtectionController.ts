// Storage object in-use protection, as Kubernetes' pvc-protection and pv-protection controllers: claims
// and volumes carry a finalizer from their creation (added by the API server, see
// apiserver/strategies/persistentVolumeClaims.ts and persistentVolumes.ts), and a deleted claim keeps it,
// Terminating, while a scheduled pod that has not finished still uses the claim; a deleted volume keeps it while
// it is Bound.
import type { Pod as PodObject } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../kube/objects';
import type { Stored } from './kit/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { Informer } from '../../kubeclient/informer';
import { ResourceInfo } from '../../kube/registry';
import { Controller, ControllerContext } from './controllerContext';
import { WorkQueue } from './workQueue';

export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION = 'kubernetes.io/pv-protection';

type Pod = Stored<PodObject>;

const claimsOf = (pod: Pod | undefined): string[] =>
  (pod?.spec?.volumes ?? [])
    .map((v) => v?.persistentVolumeClaim?.claimName)
    .filter((n: unknown): n is string => typeof n === 'string');

/** A pod the kubelet may still run with the claim mounted: placed on a node and not finished. */
function usesClaim(pod: Pod, claim: string): boolean {
  if (!pod?.spec?.nodeName) return false;
  if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return false;
  return claimsOf(pod).includes(claim);
}

export class StorageProtectionController implements Controller {
  readonly name = 'storage-protection-controller';
  private queue?: WorkQueue;
  private ctx!: ControllerContext;
  private claims!: Informer;
  private volumes!: Informer;
  private pods!: Informer;
  private ready!: Promise<void>;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.claims = ctx.informers.get('', 'persistentvolumeclaims');
    this.volumes = ctx.informers.get('', 'persistentvolumes');
    this.pods = ctx.informers.pods();
    const queue = (this.queue = new WorkQueue((key) => this.sync(key), 2));
    const deleting = (o: KubeObject, finalizer: string) =>
      o.metadata?.deletionTimestamp && (o.metadata.finalizers ?? []).includes(finalizer);
    const claim = (c: KubeObject) =>
      deleting(c, PVC_PROTECTION) && queue.add(`pvc:${c.metadata.namespace}/${c.metadata.name}`);
    const volume = (v: KubeObject) => deleting(v, PV_PROTECTION) && queue.add(`pv:${v.metadata.name}`);
    this.claims.on({ add: claim, update: claim });
    this.volumes.on({ add: volume, update: volume });
    // a pod that finishes or goes may be the last user of a claim being deleted
    const podGone = (pod: Pod) => {
      for (const name of claimsOf(pod)) {
        const c = this.claims.get(pod.metadata.namespace, name);
        if (c) claim(c);
      }
    };
    this.pods.on({ update: podGone, delete: podGone });
    this.ready = Promise.all([this.claims, this.volumes, this.pods].map((i) => i.waitForSync())).then(() => undefined);
    await this.ready;
    for (const c of this.claims.list()) claim(c);
    for (const v of this.volumes.list()) volume(v);
  }

  stop(): void {
    this.queue?.stop();
  }

  private info(plural: string): ResourceInfo {
    return this.ctx.resources().find((r) => r.group === '' && r.plural === plural)!;
  }

  private async sync(key: string): Promise<void> {
    await this.ready;
    if (key.startsWith('pvc:')) {
      const [namespace, name] = key.slice(4).split('/');
      const claim = this.claims.get(namespace, name);
      if (!claim?.metadata.deletionTimestamp) return;
      if (this.pods.list().some((p) => p.metadata.namespace === namespace && usesClaim(p, name))) return;
      // the cache may not have seen a new pod yet: the API server has the last word before the claim goes
      const live = await this.ctx.client.list(resourcePath(this.info('pods'), namespace));
      if (((live.items ?? []) as Pod[]).some((p) => usesClaim(p, name))) return;
      await this.release(this.info('persistentvolumeclaims'), claim, PVC_PROTECTION);
    } else {
      const volume = this.volumes.get(undefined, key.slice(3));
      if (!volume?.metadata.deletionTimestamp || volume.status?.phase === 'Bound') return;
      await this.release(this.info('persistentvolumes'), volume, PV_PROTECTION);
    }
  }

  private async release(info: ResourceInfo, obj: KubeObject, finalizer: string): Promise<void> {
    const finalizers = (obj.metadata.finalizers ?? []).filter((f: string) => f !== finalizer);
    try {
      await this.ctx.client.patch(
        resourcePath(info, obj.metadata.namespace, obj.metadata.name),
        { metadata: { finalizers, resourceVersion: obj.metadata.resourceVersion } },
        'merge',
      );
    } catch (e) {
      // gone already, or changed since: a newer event brings it back here
      if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) throw e;
    }
  }
}
