// The DaemonSet controller: one pod on every node the template may run on (nodeSelector, required node
// affinity, taints against tolerations). Each pod is pinned to its node by node affinity on
// metadata.name and then placed by the scheduler, as Kubernetes does since 1.12. A template change rolls
// out node by node within maxUnavailable (deleting old pods first) or maxSurge (starting new pods next to
// old ones). Template revisions are ControllerRevisions; pods carry the revision hash.
// This file is the sync loop; the phases live in daemonset/ (placement, nodePods, rollingUpdate, podControl,
// status, history).
import { Selector, fromLabelSelector, matchesLabels } from '../../kube/labelSelector';
import { KubeObject, deepClone, deepEqual } from '../../kube/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { Informer } from '../../kubeclient/informer';
import { readyStatus } from '../scheduler/taints';
import { Controller, ControllerContext } from './controllerContext';
import { EventRecorder } from './events';
import { WorkQueue } from './workQueue';
import { ownedObjectHandlers, setsToSync } from './owningSets';
import { errorText } from './kit/apiErrors';
import { isNotFound } from '../../kubeclient/apiError';
import { claimObjects, controllerRef, recheckOwner } from './kit/claims';
import { Expectations } from './kit/expectations';
import type { DaemonSet, Node, Pod } from './kit/objects';
import { REVISION_HASH_LABEL } from './history/revisions';
import { KIND } from './daemonset/daemonPods';
import { DaemonSetHistory } from './daemonset/history';
import { FailedPodBackoff, podsToSync } from './daemonset/nodePods';
import { DaemonPodControl } from './daemonset/podControl';
import { rollingUpdateStep } from './daemonset/rollingUpdate';
import { daemonSetStatus, statusPatch } from './daemonset/status';

export class DaemonSetController implements Controller {
  readonly name = 'daemonset-controller';
  private ctx!: ControllerContext;
  private recorder!: EventRecorder;
  private sets!: Informer;
  private pods!: Informer;
  private nodes!: Informer;
  private revisionInformer!: Informer;
  private history!: DaemonSetHistory;
  private control!: DaemonPodControl;
  private readonly queue = new WorkQueue((key) => this.sync(key));
  /** failed-pod back-off per DaemonSet and node */
  private readonly backoff = new FailedPodBackoff();

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.recorder = ctx.recorder(this.name);
    this.sets = ctx.informers.get('apps', 'daemonsets');
    this.pods = ctx.informers.pods();
    this.nodes = ctx.informers.nodes();
    this.revisionInformer = ctx.informers.get('apps', 'controllerrevisions');
    this.history = new DaemonSetHistory(ctx.client, this.revisionInformer, this.sets, this.pods);
    const expectations = new Expectations(() => ctx.clock.now());
    const requeueAfter = (key: string, ms: number) => this.queue.addAfter(key, ms, ctx.clock);
    this.control = new DaemonPodControl(ctx.client, this.recorder, this.pods, expectations, requeueAfter);

    const enqueueSet = (d: DaemonSet) => this.enqueue(d.metadata.namespace, d.metadata.name);
    this.sets.on({
      add: enqueueSet,
      update: enqueueSet,
      delete: (d) => {
        expectations.forget(`${d.metadata.namespace}/${d.metadata.name}`);
        enqueueSet(d);
      },
    });
    this.pods.on(ownedObjectHandlers((o) => this.enqueueFor(o)));
    this.revisionInformer.on(ownedObjectHandlers((o) => this.enqueueFor(o)));
    const allSets = () => {
      for (const d of this.sets.list()) enqueueSet(d);
    };
    this.nodes.on({
      add: allSets,
      update: (n, old) => {
        // only what decides placement matters, not heartbeats
        if (
          !deepEqual(n.metadata?.labels, old.metadata?.labels) ||
          !deepEqual(n.spec?.taints, old.spec?.taints) ||
          readyStatus(n) !== readyStatus(old)
        )
          allSets();
      },
      delete: allSets,
    });
    await Promise.all([
      this.sets.waitForSync(),
      this.pods.waitForSync(),
      this.nodes.waitForSync(),
      this.revisionInformer.waitForSync(),
    ]);
    allSets();
  }

  stop(): void {
    this.queue.stop();
  }

  private enqueue(namespace: string | undefined, name: string | undefined): void {
    if (namespace && name) this.queue.add(`${namespace}/${name}`);
  }

  private enqueueFor(obj: KubeObject): void {
    for (const s of setsToSync(obj, KIND.kind, this.sets.list())) this.enqueue(s.namespace, s.name);
  }

  private async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const cached = this.sets.get(namespace, name) as DaemonSet | undefined;
    if (!cached) {
      this.control.expectations.forget(key);
      return;
    }
    const ds = deepClone(cached);
    let selector: Selector;
    try {
      selector = fromLabelSelector(ds.spec.selector);
    } catch (e) {
      this.recorder.record(ds, 'Warning', 'InvalidSelector', `invalid selector: ${errorText(e)}`);
      return;
    }
    const nodes = this.nodes.list() as Node[];
    const pods = await this.claimPods(ds, selector);
    if (ds.metadata.deletionTimestamp) return;
    const { cur, old } = await this.history.construct(ds, selector, pods);
    const hash = cur.metadata.labels?.[REVISION_HASH_LABEL] ?? '';

    if (!this.control.expectationsMet(key, namespace)) {
      // what the cache shows is behind our own writes: only report status
      await this.updateStatus(ds, nodes, pods, hash, false);
      return;
    }
    let failure: unknown;
    try {
      await this.manage(key, ds, nodes, pods, hash);
      if (
        this.control.expectationsMet(key, namespace) &&
        (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate'
      ) {
        const { remove, create } = rollingUpdateStep(ds, nodes, pods, hash, this.ctx.clock.now());
        await this.control.syncNodes(key, ds, remove, create, hash);
      }
      await this.history.cleanup(ds, old, pods);
    } catch (e) {
      failure = e;
    }
    await this.updateStatus(ds, nodes, pods, hash, true);
    await this.control.bindStranded(key, pods, this.ctx.clock.now());
    if (failure) throw failure;
  }

  private claimPods(ds: DaemonSet, selector: Selector): Promise<Pod[]> {
    const ns = ds.metadata.namespace!;
    const candidates = (this.pods.list() as Pod[]).filter((p) => p.metadata.namespace === ns);
    return claimObjects<Pod>(candidates, {
      client: this.ctx.client,
      owner: ds,
      ownerRef: controllerRef(ds, KIND),
      matches: (p) => matchesLabels(selector, p.metadata.labels),
      path: (p) => resourcePath(this.pods.info, ns, p.metadata.name),
      canAdopt: recheckOwner(this.ctx.client, resourcePath(this.sets.info, ns, ds.metadata.name), ds.metadata.uid),
    });
  }

  /** Creates the missing daemon pods and deletes those that must go (extra, failed, or on the wrong node). */
  private async manage(key: string, ds: DaemonSet, nodes: Node[], pods: Pod[], hash: string): Promise<void> {
    const { create, remove } = podsToSync(
      {
        recorder: this.recorder,
        backoff: this.backoff,
        requeueAfter: (ms) => this.queue.addAfter(key, ms, this.ctx.clock),
        now: this.ctx.clock.now(),
      },
      key,
      ds,
      nodes,
      pods,
      hash,
    );
    await this.control.syncNodes(key, ds, remove, create, hash);
  }

  private async updateStatus(ds: DaemonSet, nodes: Node[], pods: Pod[], hash: string, observe: boolean): Promise<void> {
    const status = daemonSetStatus(ds, nodes, pods, hash, observe, this.ctx.clock.now());
    const patch = statusPatch(ds, status);
    if (patch) {
      try {
        const path = resourcePath(this.sets.info, ds.metadata.namespace, ds.metadata.name, 'status');
        await this.ctx.client.patch(path, patch, 'merge');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    // availability after minReadySeconds shows up by time, not by an event
    const minReady = ds.spec.minReadySeconds ?? 0;
    if (minReady > 0 && status.numberReady !== status.numberAvailable)
      this.queue.addAfter(`${ds.metadata.namespace}/${ds.metadata.name}`, minReady * 1000, this.ctx.clock);
  }
}
