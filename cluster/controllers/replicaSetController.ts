// The ReplicaSet controller: keeps spec.replicas active pods for each ReplicaSet. It adopts matching
// orphans and releases pods that stopped matching, creates pods from the template in slow-start
// batches, deletes the least valuable pods first when there are too many, never acts twice on a stale
// cache (expectations), and reports replicas, fullyLabeledReplicas, readyReplicas, availableReplicas
// (Ready for minReadySeconds) and a ReplicaFailure condition when it cannot create or delete.
// One instance per kind it keeps: ReplicaSets and ReplicationControllers (replicaset/replicatedKinds.ts).
import { matchesLabels, selectorFromMap } from '../../kube/labelSelector';
import type { ReplicaSetStatus } from 'kubernetes-types/apps/v1';
import { OwnerReference, controllerOf, deepEqual, keyOf, splitKey } from '../../kube/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { Informer } from '../../kubeclient/informer';
import { timestamp } from '../clock';
import { Controller, ControllerContext } from './controllerContext';
import { errorText, isNamespaceTerminating } from './kit/apiErrors';
import { claimObjects, controllerRef, recheckOwner } from './kit/claims';
import { REPLICA_FAILURE } from './deployment/conditions';
import { SpamFilteredRecorder } from './deployment/eventFilter';
import { Expectations } from './kit/expectations';
import { OwnerIndex, controllerUid } from './kit/ownerIndex';
import type { Pod, ReplicaSet } from './kit/objects';
import { podsToDelete } from './replicaset/podRanking';
import { isPodActive, isPodAvailable, isPodReady } from './kit/podReadiness';
import { podFromTemplate } from './kit/podTemplate';
import { WorkQueue } from './workQueue';
import { REPLICA_SET, type ReplicatedKind } from './replicaset/replicatedKinds';
import { copyJson } from '../../kube/copyJson';

// at most this many pods are created or deleted in one sync (burstReplicas)
const BURST_REPLICAS = 500;
const WORKERS = 8;

/** slowStartBatch: calls fn count times in batches of 1, 2, 4, ...; stops after a batch with a failure. */
async function slowStartBatch(count: number, fn: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let size = Math.min(remaining, 1); size > 0; size = Math.min(2 * size, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: size }, () => fn()));
    const failed = results.find((r) => r.status === 'rejected') as PromiseRejectedResult | undefined;
    successes += results.filter((r) => r.status === 'fulfilled').length;
    if (failed) return { successes, error: failed.reason };
    remaining -= size;
  }
  return { successes };
}

export class ReplicaSetController implements Controller {
  readonly name: string;
  private readonly RS_KIND: { apiVersion: string; kind: string };
  private ctx!: ControllerContext;
  private rss!: Informer;
  private podInformer!: Informer;
  private readonly pods = new OwnerIndex<Pod>();
  private readonly rsIndex = new OwnerIndex<ReplicaSet>();
  private queue!: WorkQueue;
  private expectations!: Expectations;
  private recorder!: SpamFilteredRecorder;
  private markSynced!: () => void;
  private readonly synced = new Promise<void>((r) => (this.markSynced = r));
  private stopped = false;

  constructor(private readonly kind: ReplicatedKind = REPLICA_SET) {
    this.name = kind.controllerName;
    this.RS_KIND = kind.typeMeta;
  }

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.expectations = new Expectations(() => ctx.clock.now());
    this.recorder = new SpamFilteredRecorder(ctx.recorder(this.kind.controllerName), ctx.clock);
    this.queue = new WorkQueue((key) => this.sync(key), WORKERS);
    this.rss = ctx.informers.get(this.kind.group, this.kind.resource);
    this.podInformer = ctx.informers.pods();
    this.rss.on({
      add: (rs) => this.rsChanged(rs),
      update: (rs) => this.rsChanged(rs),
      delete: (rs) => {
        this.rsIndex.remove(rs);
        this.expectations.forget(keyOf(rs));
        this.queue.add(keyOf(rs));
      },
    });
    this.podInformer.on({
      add: (p) => this.podAdded(p),
      update: (p, old) => this.podUpdated(p, old),
      delete: (p) => this.podDeleted(p),
    });
    await Promise.all([this.rss.waitForSync(), this.podInformer.waitForSync()]);
    // objects cached before these handlers were registered
    for (const p of this.podInformer.list()) this.pods.upsert(p);
    for (const rs of this.rss.list()) this.rsIndex.upsert(rs);
    this.markSynced();
    for (const rs of this.rss.list()) this.queue.add(keyOf(rs));
  }

  stop(): void {
    this.stopped = true;
    this.queue?.stop();
  }

  private rsChanged(rs: ReplicaSet): void {
    this.rsIndex.upsert(rs);
    this.queue.add(keyOf(rs));
  }

  // --- pod events ---------------------------------------------------------------------------------

  /** The ReplicaSet a controller reference points at, if it exists with that UID. */
  private resolve(ns: string | undefined, ref: OwnerReference | undefined): ReplicaSet | undefined {
    const group = this.kind.group;
    if (!ref || ref.kind !== this.RS_KIND.kind) return undefined;
    if (group ? !String(ref.apiVersion).startsWith(`${group}/`) : ref.apiVersion !== 'v1') return undefined;
    const rs: ReplicaSet | undefined = this.rss.get(ns, ref.name);
    return rs?.metadata.uid === ref.uid ? rs : undefined;
  }

  /** ReplicaSets of the pod's namespace whose selector matches it: candidates to adopt an orphan. */
  private matchingReplicaSets(pod: Pod): ReplicaSet[] {
    const out: ReplicaSet[] = [];
    for (const rs of this.rss.list() as ReplicaSet[]) {
      if (rs.metadata.namespace !== pod.metadata.namespace) continue;
      const sel = this.kind.selector(rs);
      if (sel && !sel.nothing && sel.requirements.length && matchesLabels(sel, pod.metadata.labels)) out.push(rs);
    }
    return out;
  }

  private podAdded(pod: Pod): void {
    this.pods.upsert(pod);
    if (pod.metadata.deletionTimestamp) {
      // seen for the first time while being deleted (a restart): count it as gone
      this.podGone(pod);
      return;
    }
    const ref = controllerOf(pod);
    if (ref) {
      const rs = this.resolve(pod.metadata.namespace, ref);
      if (!rs) return;
      this.expectations.creationObserved(keyOf(rs));
      this.queue.add(keyOf(rs));
      return;
    }
    for (const rs of this.matchingReplicaSets(pod)) this.queue.add(keyOf(rs));
  }

  private podUpdated(pod: Pod, old: Pod): void {
    this.pods.upsert(pod);
    const labelsChanged = !deepEqual(pod.metadata.labels ?? {}, old.metadata.labels ?? {});
    if (pod.metadata.deletionTimestamp) {
      this.podGone(pod);
      if (labelsChanged) this.podGone(old);
      return;
    }
    const ref = controllerOf(pod);
    const oldRef = controllerOf(old);
    const refChanged = ref?.uid !== oldRef?.uid;
    if (refChanged && oldRef) {
      const rs = this.resolve(pod.metadata.namespace, oldRef);
      if (rs) this.queue.add(keyOf(rs));
    }
    if (ref) {
      const rs = this.resolve(pod.metadata.namespace, ref);
      if (!rs) return;
      this.queue.add(keyOf(rs));
      // availability comes minReadySeconds after readiness; look again then (plus a second for rounding)
      const minReady = rs.spec?.minReadySeconds ?? 0;
      if (!isPodReady(old) && isPodReady(pod) && minReady > 0)
        this.queue.addAfter(keyOf(rs), minReady * 1000 + 1000, this.ctx.clock);
      return;
    }
    if (labelsChanged || refChanged) for (const rs of this.matchingReplicaSets(pod)) this.queue.add(keyOf(rs));
  }

  private podDeleted(pod: Pod): void {
    this.pods.remove(pod);
    this.podGone(pod);
  }

  private podGone(pod: Pod): void {
    const rs = this.resolve(pod.metadata.namespace, controllerOf(pod));
    if (!rs) return;
    this.expectations.deletionObserved(keyOf(rs), keyOf(pod));
    this.queue.add(keyOf(rs));
  }

  // --- sync ---------------------------------------------------------------------------------------

  private async sync(key: string): Promise<void> {
    await this.synced;
    if (this.stopped) return;
    const [ns, name] = splitKey(key);
    const rs = this.rss.get(ns, name);
    if (!rs) {
      this.expectations.forget(key);
      return;
    }
    const needsSync = this.expectations.satisfied(key);
    const selector = this.kind.selector(rs);
    if (!selector) return;
    const candidates = [...this.pods.ownedBy(rs.metadata.uid), ...this.pods.orphansIn(ns)].filter(isPodActive);
    const podInfo = this.podInformer.info;
    const pods = await claimObjects(candidates, {
      client: this.ctx.client,
      owner: rs,
      ownerRef: controllerRef(rs, this.RS_KIND),
      path: (p) => resourcePath(podInfo, ns, p.metadata.name),
      matches: (p) => matchesLabels(selector, p.metadata.labels),
      canAdopt: recheckOwner(this.ctx.client, resourcePath(this.rss.info, ns, name), rs.metadata.uid),
    });
    let manageError: unknown;
    if (needsSync && !rs.metadata.deletionTimestamp) {
      try {
        await this.manageReplicas(key, rs, pods);
      } catch (e) {
        manageError = e;
      }
    }
    const status = this.calculateStatus(rs, pods, manageError);
    const updated = await this.updateStatus(rs, status);
    const want = updated.spec?.replicas ?? 0;
    const minReady = updated.spec?.minReadySeconds ?? 0;
    if (
      !manageError &&
      minReady > 0 &&
      (updated.status?.readyReplicas ?? 0) === want &&
      (updated.status?.availableReplicas ?? 0) !== want
    ) {
      this.queue.addAfter(key, minReady * 1000, this.ctx.clock);
    }
    if (manageError) throw manageError;
  }

  private async manageReplicas(key: string, rs: ReplicaSet, pods: Pod[]): Promise<void> {
    const diff = pods.length - (rs.spec?.replicas ?? 0);
    const ns = rs.metadata.namespace ?? '';
    const podInfo = this.podInformer.info;
    const rsObj = { ...this.RS_KIND, ...rs };
    if (diff < 0) {
      const n = Math.min(-diff, BURST_REPLICAS);
      this.expectations.expectCreations(key, n);
      const path = resourcePath(podInfo, ns);
      let skipped = 0;
      const { successes, error } = await slowStartBatch(n, async () => {
        try {
          const pod = await this.ctx.client.create(path, podFromTemplate(rs.spec?.template, rs, this.RS_KIND));
          this.recorder.record(rsObj, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
        } catch (e) {
          // a namespace being deleted takes no new pods; that is not this ReplicaSet's failure
          if (e instanceof KubeApiError && isNamespaceTerminating(e)) {
            skipped++;
            return;
          }
          this.recorder.record(rsObj, 'Warning', 'FailedCreate', `Error creating: ${errorText(e)}`);
          throw e;
        }
      });
      // pods never asked for (and creations that did not happen) will not be seen by the informer
      for (let i = successes - skipped; i < n; i++) this.expectations.creationObserved(key);
      if (error) throw error;
      return;
    }
    if (diff > 0) {
      const n = Math.min(diff, BURST_REPLICAS);
      const victims = podsToDelete(pods, this.relatedPods(rs), n, this.ctx.clock.now());
      this.expectations.expectDeletions(key, victims.map(keyOf));
      const errors: unknown[] = [];
      await Promise.all(
        victims.map(async (pod) => {
          try {
            await this.ctx.client.delete(resourcePath(podInfo, ns, pod.metadata.name));
            this.recorder.record(rsObj, 'Normal', 'SuccessfulDelete', `Deleted pod: ${pod.metadata.name}`);
          } catch (e) {
            // the informer will not see a deletion that did not happen
            this.expectations.deletionObserved(key, keyOf(pod));
            if (e instanceof KubeApiError && e.status === 404) return;
            this.recorder.record(rsObj, 'Warning', 'FailedDelete', `Error deleting: ${errorText(e)}`);
            errors.push(e);
          }
        }),
      );
      if (errors.length) throw errors[0];
    }
  }

  /** getIndirectlyRelatedPods: the pods of every ReplicaSet with the same owner (this one's included). */
  private relatedPods(rs: ReplicaSet): Pod[] {
    const owner = controllerUid(rs);
    if (!owner) return this.pods.ownedBy(rs.metadata.uid!);
    return this.rsIndex.ownedBy(owner).flatMap((s) => this.pods.ownedBy(s.metadata.uid!));
  }

  private calculateStatus(rs: ReplicaSet, pods: Pod[], manageError: unknown): ReplicaSetStatus {
    const status: ReplicaSetStatus = copyJson(rs.status ?? ({} as ReplicaSetStatus));
    const template = selectorFromMap(rs.spec?.template?.metadata?.labels ?? {});
    const minReady = rs.spec?.minReadySeconds ?? 0;
    const now = this.ctx.clock.now();
    let fullyLabeled = 0;
    let ready = 0;
    let available = 0;
    for (const p of pods) {
      if (matchesLabels(template, p.metadata.labels)) fullyLabeled++;
      if (isPodReady(p)) {
        ready++;
        if (isPodAvailable(p, minReady, now)) available++;
      }
    }
    const failure = status.conditions?.find((c) => c.type === REPLICA_FAILURE);
    if (manageError && !failure) {
      const diff = pods.length - (rs.spec?.replicas ?? 0);
      const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
      status.conditions = [
        ...(status.conditions ?? []).filter((c) => c.type !== REPLICA_FAILURE),
        {
          type: REPLICA_FAILURE,
          status: 'True',
          lastTransitionTime: timestamp(now),
          reason,
          message: errorText(manageError),
        },
      ];
    } else if (!manageError && failure) {
      status.conditions = (status.conditions ?? []).filter((c) => c.type !== REPLICA_FAILURE);
      if (!status.conditions.length) delete status.conditions;
    }
    status.replicas = pods.length;
    // Go's omitempty: zero counts are left out
    const put = (k: 'fullyLabeledReplicas' | 'readyReplicas' | 'availableReplicas', n: number) =>
      n ? (status[k] = n) : delete status[k];
    put('fullyLabeledReplicas', fullyLabeled);
    put('readyReplicas', ready);
    put('availableReplicas', available);
    return status;
  }

  /** updateReplicaSetStatus: writes only what changed; retries once on a conflict with a fresh copy. */
  private async updateStatus(rs: ReplicaSet, status: ReplicaSetStatus): Promise<ReplicaSet> {
    const ns = rs.metadata.namespace ?? '';
    const path = resourcePath(this.rss.info, ns, rs.metadata.name, 'status');
    let cur = rs;
    for (let attempt = 0; ; attempt++) {
      const old: Partial<ReplicaSetStatus> = cur.status ?? {};
      const same =
        (old.replicas ?? 0) === status.replicas &&
        (old.fullyLabeledReplicas ?? 0) === (status.fullyLabeledReplicas ?? 0) &&
        (old.readyReplicas ?? 0) === (status.readyReplicas ?? 0) &&
        (old.availableReplicas ?? 0) === (status.availableReplicas ?? 0) &&
        cur.metadata.generation === old.observedGeneration &&
        deepEqual(old.conditions ?? [], status.conditions ?? []);
      if (same) return cur;
      const body = { ...this.RS_KIND, ...cur, status: { ...status, observedGeneration: cur.metadata.generation } };
      try {
        return await this.ctx.client.update(path, body);
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 409) || attempt >= 1) throw e;
        cur = await this.ctx.client.get(resourcePath(this.rss.info, ns, rs.metadata.name));
      }
    }
  }
}
