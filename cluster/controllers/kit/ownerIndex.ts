// An index over an informer's objects by their controller's UID, with the orphans (no controller) of
// each namespace kept apart: a ReplicaSet finds its pods, and a Deployment its ReplicaSets, without
// scanning every object in the cluster.
import { KubeObject, controllerOf } from '../../../kube/objects';

function keyOf(obj: KubeObject): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
}

export function controllerUid(obj: KubeObject): string | undefined {
  return controllerOf(obj)?.uid;
}

export class OwnerIndex<T extends KubeObject> {
  private readonly owned = new Map<string, Map<string, T>>();
  private readonly orphans = new Map<string, Map<string, T>>();
  /** object key → the bucket it is in */
  private readonly where = new Map<string, Map<string, T>>();

  upsert(obj: T): void {
    const k = keyOf(obj);
    this.where.get(k)?.delete(k);
    const uid = controllerUid(obj);
    const buckets = uid ? this.owned : this.orphans;
    const bucketKey = uid ?? obj.metadata?.namespace ?? '';
    let bucket = buckets.get(bucketKey);
    if (!bucket) buckets.set(bucketKey, (bucket = new Map()));
    bucket.set(k, obj);
    this.where.set(k, bucket);
  }

  remove(obj: T): void {
    const k = keyOf(obj);
    this.where.get(k)?.delete(k);
    this.where.delete(k);
    const uid = controllerUid(obj);
    if (uid && this.owned.get(uid)?.size === 0) this.owned.delete(uid);
  }

  /** objects whose controller has this UID */
  ownedBy(uid: string): T[] {
    return [...(this.owned.get(uid)?.values() ?? [])];
  }

  /** objects of a namespace with no controller */
  orphansIn(namespace: string): T[] {
    return [...(this.orphans.get(namespace)?.values() ?? [])];
  }
}
