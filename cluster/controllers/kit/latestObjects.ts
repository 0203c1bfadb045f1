// The newest version a controller knows of the objects it writes, the one cache of a controller's own latest
// writes. Its write responses run ahead of the informer, so an object just created must not be created again,
// an object just deleted must not come back from a late event, and an update must start from the latest
// resourceVersion rather than undo the controller's own write or conflict with it.
import type { KubeObject } from '../../../kube/objects';
import { Informer } from '../../../kubeclient/informer';

const keyOf = (o: KubeObject) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const revisionOf = (o: KubeObject | undefined) => Number(o?.metadata?.resourceVersion ?? 0) || 0;

export class LatestObjects<T extends KubeObject = KubeObject> {
  private readonly objects = new Map<string, T>();
  /** key → uid of objects deleted here whose DELETED event has not arrived yet */
  private readonly deleted = new Map<string, string>();

  /**
   * With an informer, every object it shows is followed (get/values see the whole kind); without one, only
   * the controller's own writes are kept, to be compared with the cache through pick().
   */
  constructor(informer?: Informer) {
    if (!informer) return;
    informer.on({
      add: (o) => this.observed(o),
      update: (o) => this.observed(o),
      delete: (o) => {
        const k = keyOf(o);
        if (this.objects.get(k)?.metadata?.uid === o.metadata?.uid) this.objects.delete(k);
        if (this.deleted.get(k) === o.metadata?.uid) this.deleted.delete(k);
      },
    });
    for (const o of informer.list()) this.observed(o);
  }

  /** An object seen in a watch event or returned by a write. */
  observed(o: T): void {
    const k = keyOf(o);
    if (this.deleted.get(k) === o.metadata?.uid) return;
    const cur = this.objects.get(k);
    if (!cur || revisionOf(o) >= revisionOf(cur)) this.objects.set(k, o);
  }

  /** An object this controller deleted (or found already gone). */
  removed(o: T): void {
    const k = keyOf(o);
    this.objects.delete(k);
    if (o.metadata?.uid) this.deleted.set(k, o.metadata.uid);
    // an object that was gone before the informer ever saw it sends no DELETED event: forget the oldest
    if (this.deleted.size > 10_000) this.deleted.delete(this.deleted.keys().next().value as string);
  }

  /** Drops what is kept of namespace/name (the object is gone and its controller forgets it). */
  forget(namespace: string, name: string): void {
    this.objects.delete(`${namespace}/${name}`);
  }

  /** The cached object unless the copy kept here (of the same object, same uid) is newer. */
  pick<U extends T>(cached: U): U {
    const mine = this.objects.get(keyOf(cached));
    if (!mine || mine.metadata?.uid !== cached.metadata?.uid) return cached;
    return revisionOf(mine) > revisionOf(cached) ? (mine as U) : cached;
  }

  get(namespace: string, name: string): T | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }

  values(): IterableIterator<T> {
    return this.objects.values();
  }
}
