// The Deployment controller: one ReplicaSet per pod template (named <deployment>-<pod-template-hash>),
// revisions in deployment.kubernetes.io/revision, rollouts by the RollingUpdate or Recreate strategy,
// proportional scaling, pause and resume, rollback by reusing the ReplicaSet of an earlier template,
// status counters and the Available and Progressing conditions (with progressDeadlineSeconds), and
// cleanup of old ReplicaSets beyond revisionHistoryLimit. The logic follows Kubernetes' controller;
// the helpers under deployment/ hold its pieces (its writes to ReplicaSets in deployment/replicaSetWrites.ts).
import { matchesLabels, specSelector } from '../../kube/labelSelector';
import type { LabelSelector } from 'kubernetes-types/meta/v1';
import { OwnerReference, controllerOf, deepEqual, keyOf, splitKey } from '../../kube/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { Informer } from '../../kubeclient/informer';
import { Controller, ControllerContext } from './controllerContext';
import { claimObjects, controllerRef, recheckOwner } from './kit/claims';
import { PROGRESSING, Reasons, getCondition, newDeploymentCondition, setCondition } from './deployment/conditions';
import { SpamFilteredRecorder } from './deployment/eventFilter';
import { RolloutOps, ScaleResult } from './deployment/ops';
import { OwnerIndex } from './kit/ownerIndex';
import type { Deployment, Pod, ReplicaSet } from './kit/objects';
import { calculateStatus, hasProgressDeadline, rolloutStatus, stuckRecheckDelay } from './deployment/progress';
import { rolloutRecreate } from './deployment/recreate';
import { rolloutRolling } from './deployment/rolling';
import { isScalingEvent, scaleDeployment } from './deployment/scaling';
import { DEPLOYMENT_KIND, ReplicaSetWrites } from './deployment/replicaSetWrites';
import { WorkQueue } from './workQueue';
import { copyJson } from '../../kube/copyJson';

const WORKERS = 8;

const present = (rss: (ReplicaSet | undefined)[]): ReplicaSet[] => rss.filter((rs): rs is ReplicaSet => !!rs);

function selectsAll(d: Deployment): boolean {
  const s: LabelSelector = d.spec?.selector ?? {};
  return Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

export class DeploymentController implements Controller {
  readonly name = 'deployment-controller';
  private ctx!: ControllerContext;
  private deployments!: Informer;
  private rss!: Informer;
  private pods!: Informer;
  private readonly rsIndex = new OwnerIndex<ReplicaSet>();
  private readonly podIndex = new OwnerIndex<Pod>();
  private queue!: WorkQueue;
  private recorder!: SpamFilteredRecorder;
  private writes!: ReplicaSetWrites;
  private markSynced!: () => void;
  private readonly synced = new Promise<void>((r) => (this.markSynced = r));
  private stopped = false;
  /**
   * The syncs' copies of Deployments whose status changed without being written yet: the new ReplicaSet's
   * Progressing condition goes out with the status the same sync writes moments later, in one write.
   */
  private readonly unwritten = new WeakSet<Deployment>();

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.recorder = new SpamFilteredRecorder(ctx.recorder('deployment-controller'), ctx.clock);
    this.queue = new WorkQueue((key) => this.sync(key), WORKERS);
    this.deployments = ctx.informers.get('apps', 'deployments');
    this.rss = ctx.informers.get('apps', 'replicasets');
    this.pods = ctx.informers.pods();
    this.writes = new ReplicaSetWrites(ctx.client, this.rss.info, this.recorder, ctx.clock, {
      update: (d) => this.updateStatus(d),
      markUnwritten: (d) => this.unwritten.add(d),
    });
    const enqueue = (d: Deployment) => this.queue.add(keyOf(d));
    this.deployments.on({ add: enqueue, update: enqueue, delete: enqueue });
    this.rss.on({
      add: (rs) => this.rsAdded(rs),
      update: (rs, old) => this.rsUpdated(rs, old),
      delete: (rs) => this.rsDeleted(rs),
    });
    this.pods.on({
      add: (p) => this.podIndex.upsert(p),
      update: (p) => this.podIndex.upsert(p),
      delete: (p) => this.podDeleted(p),
    });
    await Promise.all([this.deployments.waitForSync(), this.rss.waitForSync(), this.pods.waitForSync()]);
    // objects cached before these handlers were registered
    for (const rs of this.rss.list()) this.rsIndex.upsert(rs);
    for (const p of this.pods.list()) this.podIndex.upsert(p);
    this.markSynced();
    for (const d of this.deployments.list()) enqueue(d);
  }

  stop(): void {
    this.stopped = true;
    this.queue?.stop();
  }

  // --- events -------------------------------------------------------------------------------------

  private deploymentFor(ns: string | undefined, ref: OwnerReference | undefined): Deployment | undefined {
    if (!ref || ref.kind !== 'Deployment' || !String(ref.apiVersion).startsWith('apps/')) return undefined;
    const d: Deployment | undefined = this.deployments.get(ns, ref.name);
    return d?.metadata.uid === ref.uid ? d : undefined;
  }

  /** Deployments whose selector matches an orphaned ReplicaSet (candidates to adopt it). */
  private deploymentsMatching(rs: ReplicaSet): Deployment[] {
    return (this.deployments.list() as Deployment[]).filter((d) => {
      if (d.metadata.namespace !== rs.metadata.namespace || selectsAll(d)) return false;
      const sel = specSelector(d);
      return !!sel && matchesLabels(sel, rs.metadata.labels);
    });
  }

  private rsAdded(rs: ReplicaSet): void {
    this.rsIndex.upsert(rs);
    const ref = controllerOf(rs);
    if (ref) {
      const d = this.deploymentFor(rs.metadata.namespace, ref);
      if (d) this.queue.add(keyOf(d));
      return;
    }
    for (const d of this.deploymentsMatching(rs)) this.queue.add(keyOf(d));
  }

  private rsUpdated(rs: ReplicaSet, old: ReplicaSet): void {
    this.rsIndex.upsert(rs);
    const ref = controllerOf(rs);
    const oldRef = controllerOf(old);
    const refChanged = ref?.uid !== oldRef?.uid;
    if (refChanged && oldRef) {
      const d = this.deploymentFor(old.metadata.namespace, oldRef);
      if (d) this.queue.add(keyOf(d));
    }
    if (ref) {
      const d = this.deploymentFor(rs.metadata.namespace, ref);
      if (d) this.queue.add(keyOf(d));
      return;
    }
    if (refChanged || !deepEqual(rs.metadata.labels ?? {}, old.metadata.labels ?? {})) {
      for (const d of this.deploymentsMatching(rs)) this.queue.add(keyOf(d));
    }
  }

  private rsDeleted(rs: ReplicaSet): void {
    this.rsIndex.remove(rs);
    const d = this.deploymentFor(rs.metadata.namespace, controllerOf(rs));
    if (d) this.queue.add(keyOf(d));
  }

  /** A Recreate rollout waits for old pods to be gone, so their deletion matters to it. */
  private podDeleted(pod: Pod): void {
    this.podIndex.remove(pod);
    const ref = controllerOf(pod);
    if (!ref || ref.kind !== 'ReplicaSet') return;
    const rs: ReplicaSet | undefined = this.rss.get(pod.metadata.namespace, ref.name);
    if (!rs || rs.metadata.uid !== ref.uid) return;
    const d = this.deploymentFor(rs.metadata.namespace, controllerOf(rs));
    if (d && d.spec?.strategy?.type === 'Recreate') this.queue.add(keyOf(d));
  }

  // --- sync ---------------------------------------------------------------------------------------

  private async sync(key: string): Promise<void> {
    await this.synced;
    if (this.stopped) return;
    const [ns, name] = splitKey(key);
    const cached = this.deployments.get(ns, name);
    if (!cached) return;
    const d: Deployment = copyJson(cached);
    d.apiVersion = DEPLOYMENT_KIND.apiVersion;
    d.kind = DEPLOYMENT_KIND.kind;
    try {
      await this.syncDeployment(d);
    } finally {
      // a status change no later write of the sync carried
      if (this.unwritten.has(d)) await this.updateStatus(d);
    }
  }

  private async syncDeployment(d: Deployment): Promise<void> {
    if (selectsAll(d)) {
      this.recorder.record(
        d,
        'Warning',
        'SelectingAll',
        'This deployment is selecting all pods. A non-empty selector is required.',
      );
      if ((d.status?.observedGeneration ?? 0) < (d.metadata.generation ?? 0)) {
        d.status = { ...(d.status ?? {}), observedGeneration: d.metadata.generation };
        await this.updateStatus(d);
      }
      return;
    }
    const rsList = await this.replicaSetsFor(d);
    const ops = this.ops(rsList);
    if (d.metadata.deletionTimestamp) {
      const { newRS, oldRSs } = await ops.newAndOld(d, rsList, false);
      return this.syncDeploymentStatus(present([...oldRSs, newRS]), newRS, d);
    }
    await this.checkPausedConditions(d);
    if (d.spec?.paused) return this.syncScale(d, rsList);
    {
      const { newRS, oldRSs } = await ops.newAndOld(d, rsList, false);
      if (isScalingEvent(d, newRS, oldRSs)) return this.syncScale(d, rsList);
    }
    if (d.spec?.strategy?.type === 'Recreate') return rolloutRecreate(ops, d, rsList);
    return rolloutRolling(ops, d, rsList);
  }

  /** getReplicaSetsForDeployment: the ReplicaSets it controls, after adopting and releasing by selector. */
  private async replicaSetsFor(d: Deployment): Promise<ReplicaSet[]> {
    const sel = specSelector(d);
    if (!sel) throw new Error(`deployment ${keyOf(d)} has an invalid label selector`);
    const ns = d.metadata.namespace ?? '';
    const candidates = [...this.rsIndex.ownedBy(d.metadata.uid!), ...this.rsIndex.orphansIn(ns)];
    return claimObjects(candidates, {
      client: this.ctx.client,
      owner: d,
      ownerRef: controllerRef(d, DEPLOYMENT_KIND),
      path: (rs) => resourcePath(this.rss.info, ns, rs.metadata.name),
      matches: (rs) => matchesLabels(sel, rs.metadata.labels),
      canAdopt: recheckOwner(this.ctx.client, resourcePath(this.deployments.info, ns, d.metadata.name), d.metadata.uid),
    });
  }

  /** sync: scaling without a rollout (a paused Deployment, or a new spec.replicas). */
  private async syncScale(d: Deployment, rsList: ReplicaSet[]): Promise<void> {
    const ops = this.ops(rsList);
    const { newRS, oldRSs } = await ops.newAndOld(d, rsList, false);
    await scaleDeployment(ops, d, newRS, oldRSs);
    if (d.spec?.paused) await ops.cleanup(oldRSs, d);
    // counters come from the ReplicaSets' status, which their controller updates as pods follow
    return this.syncDeploymentStatus(present([...oldRSs, newRS]), newRS, d);
  }

  /** checkPausedConditions: Progressing=Unknown DeploymentPaused / DeploymentResumed as pause changes. */
  private async checkPausedConditions(d: Deployment): Promise<void> {
    if (!hasProgressDeadline(d)) return;
    const cond = getCondition(d.status, PROGRESSING);
    // a reported lack of progress is not overwritten by pausing
    if (cond?.reason === Reasons.TimedOut) return;
    const pausedCond = cond?.reason === Reasons.Paused;
    const now = this.ctx.clock.now();
    d.status ??= {};
    if (d.spec?.paused && !pausedCond) {
      setCondition(
        d.status,
        newDeploymentCondition(PROGRESSING, 'Unknown', Reasons.Paused, 'Deployment is paused', now),
      );
    } else if (!d.spec?.paused && pausedCond) {
      setCondition(
        d.status,
        newDeploymentCondition(PROGRESSING, 'Unknown', Reasons.Resumed, 'Deployment is resumed', now),
      );
    } else {
      return;
    }
    await this.updateStatus(d);
  }

  private async syncDeploymentStatus(
    allRSs: ReplicaSet[],
    newRS: ReplicaSet | undefined,
    d: Deployment,
  ): Promise<void> {
    const status = calculateStatus(allRSs, newRS, d, this.ctx.clock.now());
    if (deepEqual(d.status ?? {}, status) && !this.unwritten.has(d)) return;
    d.status = status;
    await this.updateStatus(d);
  }

  private async syncRolloutStatus(
    allRSs: readonly ReplicaSet[],
    newRS: ReplicaSet | undefined,
    d: Deployment,
  ): Promise<void> {
    const now = this.ctx.clock.now();
    const status = rolloutStatus(allRSs, newRS, d, now);
    if (deepEqual(d.status ?? {}, status) && !this.unwritten.has(d)) {
      // an unfinished rollout is looked at again when its deadline passes
      const delay = stuckRecheckDelay(d, status, now);
      if (delay !== undefined) this.queue.addAfter(keyOf(d), Math.max(delay, 100), this.ctx.clock);
      return;
    }
    d.status = status;
    await this.updateStatus(d);
  }

  /** UpdateStatus; the revision annotation travels with it, as in Kubernetes. */
  private async updateStatus(d: Deployment): Promise<void> {
    const path = resourcePath(this.deployments.info, d.metadata.namespace, d.metadata.name, 'status');
    this.unwritten.delete(d);
    const written = await this.ctx.client.update(path, d);
    // later writes of this sync build on what was written
    d.metadata.resourceVersion = written.metadata.resourceVersion;
  }

  // --- the operations the strategies use ----------------------------------------------------------

  /** The operations for one sync; ReplicaSets written during it replace their copies in rsList. */
  private ops(rsList: ReplicaSet[]): RolloutOps {
    const track = async (p: Promise<ScaleResult>): Promise<ScaleResult> => {
      const r = await p;
      const i = rsList.findIndex((x) => x.metadata.uid === r.rs.metadata.uid);
      if (i >= 0) rsList[i] = r.rs;
      return r;
    };
    return {
      newAndOld: async (d, list, create) => {
        const r = await this.writes.newAndOld(d, list, create);
        const newRS = r.newRS;
        if (newRS) {
          const i = rsList.findIndex((x) => x.metadata.uid === newRS.metadata.uid);
          if (i >= 0) rsList[i] = newRS;
          else rsList.push(newRS);
        }
        return r;
      },
      scaleAndRecord: (rs, n, d) => track(this.writes.scaleAndRecord(rs, n, d)),
      scale: (rs, n, d) => track(this.writes.scale(rs, n, d)),
      syncRolloutStatus: (all, newRS, d) => this.syncRolloutStatus(all, newRS, d),
      cleanup: (oldRSs, d) => this.writes.cleanup(oldRSs, d),
      podsByReplicaSet: (rsList) =>
        new Map(rsList.map((rs) => [rs.metadata.uid!, this.podIndex.ownedBy(rs.metadata.uid!)])),
    };
  }
}
