// The newest version a controller knows of the objects it writes. Its own write responses run ahead of
// the informer, so an object just created must not be created again, an object just deleted must not come
// back from a late event, and an update must start from the latest resourceVersion.
import { Informer } from '../../kubeclient/informer';

const keyOf = (o: any) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name}`;
const revisionOf = (o: any) => Number(o?.metadata?.resourceVersion ?? 0) || 0;

export class LatestObjects {
  private readonly objects = new Map<string, any>();
  /** key → uid of objects deleted here whose DELETED event has not arrived yet */
  private readonly deleted = new Map<string, string>();

  constructor(informer: Informer) {
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
  observed(o: any): void {
    const k = keyOf(o);
    if (this.deleted.get(k) === o.metadata?.uid) return;
    const cur = this.objects.get(k);
    if (!cur || revisionOf(o) >= revisionOf(cur)) this.objects.set(k, o);
  }

  /** An object this controller deleted (or found already gone). */
  removed(o: any): void {
    const k = keyOf(o);
    this.objects.delete(k);
    if (o.metadata?.uid) this.deleted.set(k, o.metadata.uid);
    // an object that was gone before the informer ever saw it sends no DELETED event: forget the oldest
    if (this.deleted.size > 10_000) this.deleted.delete(this.deleted.keys().next().value as string);
  }

  get(namespace: string, name: string): any | undefined {
    return this.objects.get(`${namespace}/${name}`);
  }

  values(): IterableIterator<any> {
    return this.objects.values();
  }
}
