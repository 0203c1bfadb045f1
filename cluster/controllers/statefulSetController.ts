// The StatefulSet controller: pods with stable ordinal names (<set>-0 .. <set>-N-1), a hostname and
// subdomain each, and their own PersistentVolumeClaims from volumeClaimTemplates. OrderedReady creates
// one pod at a time in ordinal order and waits for each to be Running and Ready (scale down goes in
// reverse); Parallel does not wait. Updates roll from the highest ordinal down to the partition, one pod
// at a time; OnDelete leaves replacement to the user. Revisions of the pod template are
// ControllerRevisions; the status names the current and update revisions.
// This file is the sync loop; the phases live in statefulset/ (identity, podControl, update, status, history).
import { Selector, fromLabelSelector, matchesLabels } from '../../kube/labelSelector';
import { KubeObject, deepClone } from '../../kube/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { Informer } from '../../kubeclient/informer';
import { Controller, ControllerContext } from './controllerContext';
import { EventRecorder } from './events';
import { WorkQueue } from './workQueue';
import { ownedObjectHandlers, setsToSync } from './owningSets';
import { errorText } from './kit/apiErrors';
import { isNotFound } from '../../kubeclient/apiError';
import { claimObjects, controllerRef, recheckOwner } from './kit/claims';
import type { Pod, StatefulSet } from './kit/objects';
import { ControllerHistory } from './history/controllerHistory';
import { sortRevisions } from './history/revisions';
import { setRevisions, truncateHistory } from './statefulset/history';
import { KIND, parentAndOrdinal, replicaCount } from './statefulset/identity';
import { StatefulPodControl } from './statefulset/podControl';
import { ReplicaStatus, statusPatch } from './statefulset/status';
import { updateStatefulSet } from './statefulset/update';

export class StatefulSetController implements Controller {
  readonly name = 'statefulset-controller';
  private ctx!: ControllerContext;
  private recorder!: EventRecorder;
  private sets!: Informer;
  private pods!: Informer;
  private claims!: Informer;
  private revisionInformer!: Informer;
  private history!: ControllerHistory;
  private control!: StatefulPodControl;
  private readonly queue = new WorkQueue((key) => this.sync(key));

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.recorder = ctx.recorder(this.name);
    this.sets = ctx.informers.get('apps', 'statefulsets');
    this.pods = ctx.informers.pods();
    this.claims = ctx.informers.get('', 'persistentvolumeclaims');
    this.revisionInformer = ctx.informers.get('apps', 'controllerrevisions');
    this.history = new ControllerHistory(ctx.client, this.revisionInformer, KIND, (ns, name) => this.setPath(ns, name));
    this.control = new StatefulPodControl(ctx.client, this.recorder, this.pods, this.claims);

    const enqueueSet = (s: StatefulSet) => this.enqueue(s.metadata.namespace, s.metadata.name);
    this.sets.on({ add: enqueueSet, update: enqueueSet, delete: enqueueSet });
    this.pods.on(ownedObjectHandlers((o) => this.enqueueFor(o)));
    this.revisionInformer.on(ownedObjectHandlers((o) => this.enqueueFor(o)));
    // a claim going away while its pod waits may need creating again
    this.claims.on({ delete: (c) => this.enqueueClaimOwner(c) });

    await Promise.all([
      this.sets.waitForSync(),
      this.pods.waitForSync(),
      this.claims.waitForSync(),
      this.revisionInformer.waitForSync(),
    ]);
    for (const s of this.sets.list()) enqueueSet(s);
  }

  stop(): void {
    this.queue.stop();
  }

  private setPath(namespace: string, name?: string, sub?: string): string {
    return resourcePath(this.sets.info, namespace, name, sub);
  }

  private enqueue(namespace: string | undefined, name: string | undefined): void {
    if (namespace && name) this.queue.add(`${namespace}/${name}`);
  }

  /** A pod or revision changed: its controlling set syncs, or, for an orphan, every set that could adopt it. */
  private enqueueFor(obj: KubeObject): void {
    for (const s of setsToSync(obj, KIND.kind, this.sets.list())) this.enqueue(s.namespace, s.name);
  }

  private enqueueClaimOwner(claim: KubeObject): void {
    const { parent } = parentAndOrdinal(claim.metadata.name ?? '');
    for (const s of this.sets.list() as StatefulSet[]) {
      if (s.metadata.namespace === claim.metadata.namespace && parent.endsWith(`-${s.metadata.name}`))
        this.enqueue(s.metadata.namespace, s.metadata.name);
    }
  }

  private async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const cached = this.sets.get(namespace, name) as StatefulSet | undefined;
    if (!cached) return;
    const set = deepClone(cached);
    let selector: Selector;
    try {
      selector = fromLabelSelector(set.spec.selector);
    } catch (e) {
      this.recorder.record(set, 'Warning', 'InvalidSelector', `invalid selector: ${errorText(e)}`);
      return;
    }
    const pods = await this.claimPods(set, selector);
    const revisions = sortRevisions(await this.history.list(set, selector));
    const { current, update, collisionCount } = await setRevisions(this.history, set, revisions);
    let status: ReplicaStatus | undefined;
    let failure: unknown;
    try {
      const updateCtx = { control: this.control, recorder: this.recorder, now: () => this.ctx.clock.now() };
      status = await updateStatefulSet(updateCtx, set, current, update, collisionCount, pods);
    } catch (e) {
      failure = e;
    }
    if (status) await this.writeStatus(set, status);
    await truncateHistory(this.history, set, pods, revisions, current, update);
    if (failure) throw failure;
    const minReady = set.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status && status.availableReplicas !== replicaCount(set))
      this.queue.addAfter(key, minReady * 1000, this.ctx.clock);
  }

  /** The set's pods: members by name that it controls, after adoption and release by selector. */
  private claimPods(set: StatefulSet, selector: Selector): Promise<Pod[]> {
    const ns = set.metadata.namespace!;
    const members = (this.pods.list() as Pod[]).filter(
      (p) => p.metadata.namespace === ns && parentAndOrdinal(p.metadata.name ?? '').parent === set.metadata.name,
    );
    return claimObjects<Pod>(members, {
      client: this.ctx.client,
      owner: set,
      ownerRef: controllerRef(set, KIND),
      matches: (p) => matchesLabels(selector, p.metadata.labels),
      path: (p) => resourcePath(this.pods.info, ns, p.metadata.name),
      canAdopt: recheckOwner(this.ctx.client, this.setPath(ns, set.metadata.name), set.metadata.uid),
    });
  }

  /** Records the status when it differs from what the set shows. */
  private async writeStatus(set: StatefulSet, status: ReplicaStatus): Promise<void> {
    const patch = statusPatch(set, status);
    if (!patch) return;
    try {
      await this.ctx.client.patch(this.setPath(set.metadata.namespace!, set.metadata.name, 'status'), patch, 'merge');
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
