// An index over an informer's objects by their controller's UID, with the orphans (no controller) of
// each namespace kept apart: a ReplicaSet finds its pods, and a Deployment its ReplicaSets, without
// scanning every object in the cluster.

function keyOf(obj: any): string {
  return `${obj.metadata?.namespace ?? ''}/${obj.metadata?.name}`;
}

export function controllerUid(obj: any): string | undefined {
  return (obj.metadata?.ownerReferences as any[] | undefined)?.find((r) => r.controller === true)?.uid;
}

export class OwnerIndex {
  private readonly owned = new Map<string, Map<string, any>>();
  private readonly orphans = new Map<string, Map<string, any>>();
  /** object key → the bucket it is in */
  private readonly where = new Map<string, Map<string, any>>();

  upsert(obj: any): void {
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

  remove(obj: any): void {
    const k = keyOf(obj);
    this.where.get(k)?.delete(k);
    this.where.delete(k);
    const uid = controllerUid(obj);
    if (uid && this.owned.get(uid)?.size === 0) this.owned.delete(uid);
  }

  /** objects whose controller has this UID */
  ownedBy(uid: string): any[] {
    return [...(this.owned.get(uid)?.values() ?? [])];
  }

  /** objects of a namespace with no controller */
  orphansIn(namespace: string): any[] {
    return [...(this.orphans.get(namespace)?.values() ?? [])];
  }
}
