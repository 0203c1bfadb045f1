// What the cluster holds for one Application, kept current by watches: one informer per resource type the
// app has used (selected by Slipway's app label), plus one watch of every pod in the cluster, for health: the
// pods a workload owns carry no label of the app (their controllers stamp them from templates), so they cannot
// be selected server-side; health() picks a workload's pods from it. Changes are reported so drift is seen
// within a watch event, not on a polling interval.
import type { KubeObject } from '../kube/objects';
import { Informer } from '../kubeclient/informer';
import { ObjectClient } from '../kubeclient/objectClient';
import { DesiredResource, ResourceRef, resourceKey } from './desiredState';
import { IgnoredDifferences, isOutOfSync, NOTHING_IGNORED } from './diff';
import { Health, healthOf, needsPods } from './health';
import { labelLegacyObjects } from './legacyTracking';
import { appSelector, trackedBy } from './tracking';

export class LiveState {
  private readonly informers = new Map<string, Informer>();
  /** desired object → the live resourceVersion it was last compared with, and the answer */
  private readonly compared = new WeakMap<
    object,
    { rv: string | undefined; ignore: IgnoredDifferences; outOfSync: boolean }
  >();
  private pods?: Informer;
  /** objects of the revision that exist without this app's label (another app's, or made by hand), by key */
  private unlisted = new Map<string, KubeObject>();

  constructor(
    private readonly client: ObjectClient,
    private readonly app: { name: string; namespace: string },
    private readonly onChange: (obj: KubeObject) => void,
    /** the app's ignoreDifferences as they are now */
    private readonly ignored: () => IgnoredDifferences = () => NOTHING_IGNORED,
  ) {}

  /** Starts watching these types (those the cluster serves) and waits for their first list. */
  async track(types: { apiVersion: string; kind: string }[]): Promise<void> {
    const waits: Promise<void>[] = [];
    for (const t of types) {
      const k = `${t.apiVersion}/${t.kind}`;
      let inf = this.informers.get(k);
      if (!inf) {
        const type = await this.client.resourceType(t.apiVersion, t.kind);
        if (!type) continue;
        await labelLegacyObjects(this.client, t, this.app);
        inf = this.client.informer(type, { labelSelector: appSelector(this.app) }, (_e, obj) => this.onChange(obj));
        this.informers.set(k, inf);
        inf.start();
      }
      waits.push(inf.waitForSync());
    }
    await Promise.all(waits);
  }

  /** Starts the watch of all pods (not only this app's) that health rules use, and waits for its first list. */
  async trackPods(): Promise<void> {
    if (!this.pods) {
      const type = (await this.client.resourceType('v1', 'Pod'))!;
      this.pods = this.client.informer(type, {}, (_e, pod) => this.onChange(pod));
      this.pods.start();
    }
    await this.pods.waitForSync();
  }

  /** The health of a live object (Missing when undefined); workloads are judged with their running pods. */
  health(obj: KubeObject | undefined): Health {
    const pods =
      obj && needsPods(obj)
        ? (this.pods?.list() ?? []).filter(
            (p) => p.metadata?.namespace === obj.metadata?.namespace && !p.metadata?.deletionTimestamp,
          )
        : undefined;
    return healthOf(obj, { pods });
  }

  private informerFor(ref: { apiVersion: string; kind: string }): Informer | undefined {
    return this.informers.get(`${ref.apiVersion}/${ref.kind}`);
  }

  /** The live object from the watch cache, or as last looked up when it lacks the app's label; else undefined. */
  get(ref: ResourceRef): KubeObject | undefined {
    return this.informerFor(ref)?.get(ref.namespace, ref.name) ?? this.unlisted.get(resourceKey(ref));
  }

  /**
   * Fetches the resources the watches do not see (up to 100), so an object that exists without the app's label
   * is judged as it is rather than as Missing: status then agrees with `slipway diff`, which reads by name.
   */
  async lookUpUnlisted(refs: ResourceRef[]): Promise<void> {
    const unseen = refs.filter((r) => this.informerFor(r) && !this.informerFor(r)!.get(r.namespace, r.name));
    const found = new Map<string, KubeObject>();
    await Promise.all(
      unseen.slice(0, 100).map(async (r) => {
        const obj = await this.client.find(r);
        if (obj) found.set(resourceKey(r), obj);
      }),
    );
    this.unlisted = found;
  }

  /**
   * Whether the live object differs from the desired one. Prepared objects are shared between revisions while
   * their file is unchanged, so a resync compares again only what changed in git or in the cluster.
   */
  outOfSync(r: DesiredResource): boolean {
    const live = this.get(r.ref);
    const rv = live?.metadata?.resourceVersion;
    const ignore = this.ignored();
    const memo = this.compared.get(r.object);
    if (memo && memo.rv === rv && rv !== undefined && memo.ignore === ignore) return memo.outOfSync;
    const outOfSync = isOutOfSync(r.object, live, { ignore });
    this.compared.set(r.object, { rv, ignore, outOfSync });
    return outOfSync;
  }

  /** Every watched object of a type (the app's, by its label). */
  list(type: { apiVersion: string; kind: string }): any[] {
    return this.informerFor(type)?.list() ?? [];
  }

  /** Records an object just applied. */
  observe(obj: KubeObject & { apiVersion: string; kind: string }): void {
    this.informerFor(obj)?.upsert(obj);
  }

  /** Drops an object just deleted from the cache, before its watch event arrives. */
  forget(ref: ResourceRef): void {
    this.informerFor(ref)?.forget(ref.namespace, ref.name);
  }

  /** Every live object that carries this app's label and tracking annotation. */
  owned(): KubeObject[] {
    const out: KubeObject[] = [];
    for (const inf of this.informers.values()) for (const o of inf.list()) if (trackedBy(o, this.app)) out.push(o);
    return out;
  }

  /** Stops every watch. */
  stop(): void {
    for (const inf of this.informers.values()) inf.stop();
    this.pods?.stop();
  }
}
