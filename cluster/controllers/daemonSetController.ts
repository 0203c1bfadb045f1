// The DaemonSet controller: one pod on every node the template may run on (nodeSelector, required node
// affinity, taints against tolerations). Each pod is pinned to its node by node affinity on
// metadata.name and then placed by the scheduler, as Kubernetes does since 1.12. A template change rolls
// out node by node within maxUnavailable (deleting old pods first) or maxSurge (starting new pods next to
// old ones). Template revisions are ControllerRevisions; pods carry the revision hash.
import { Selector, fromLabelSelector, matchesLabels } from '../../kube/labelSelector';
import { KubeObject, deepClone, deepEqual } from '../../kube/objects';
import { KubeApiError } from '../../kubeclient/apiError';
import { Informer } from '../../kubeclient/informer';
import { Controller, ControllerContext } from './controllerContext';
import { EventRecorder } from './events';
import { WorkQueue } from './workQueue';
import { Expectations } from './kit/expectations';
import { scaledValue } from './kit/intOrPercent';
import { isPodAvailable, isPodReady } from './kit/podReadiness';
import { ownedObjectHandlers, setsToSync } from './owningSets';
import { readyStatus } from '../scheduler/taints';
import { claimObjects, controllerRef, recheckOwner } from './kit/claims';
import { ControllerHistory } from './history/controllerHistory';
import { templateHash } from './history/hash';
import {
  ControllerRevision,
  REVISION_HASH_LABEL,
  newRevision,
  revisionsToTruncate,
  sortRevisions,
  templatePatch,
} from './history/revisions';

const KIND = { apiVersion: 'apps/v1', kind: 'DaemonSet' };
/** Deprecated but still set: the generation of the template a pod was made from. */
const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';
/**
 * A daemon pod no scheduler has looked at for this long (no PodScheduled condition) is bound to its node
 * directly, so DaemonSets still work when the cluster runs without a scheduler.
 */
const BIND_FALLBACK_MS = 30_000;
const BACKOFF_INITIAL_MS = 1000;
const BACKOFF_MAX_MS = 15 * 60 * 1000;

import type { DaemonSetStatus } from 'kubernetes-types/apps/v1';
import type { Pod as PodObject, PodSpec } from 'kubernetes-types/core/v1';
import type { DaemonSet, Node, Pod } from './kit/objects';
import { daemonTolerations, nodeShouldRunDaemonPod, pinToNode, targetNode } from './daemonset/placement';

// ---------------------------------------------------------------------------------------------
// Pod state

const isTerminal = (p: Pod) => p.status?.phase === 'Failed' || p.status?.phase === 'Succeeded';

function byAge(a: Pod, b: Pod): number {
  const ta = Date.parse(a.metadata.creationTimestamp ?? '') || 0;
  const tb = Date.parse(b.metadata.creationTimestamp ?? '') || 0;
  return ta - tb || (a.metadata.name ?? '').localeCompare(b.metadata.name ?? '');
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

function isNotFound(e: unknown): boolean {
  return e instanceof KubeApiError && e.status === 404;
}

// ---------------------------------------------------------------------------------------------

/**
 * Expectations met by what the pod cache shows now: a created pod is in it, a deleted one is gone or
 * terminating. Until then the controller does not act on a stale view.
 */
function expectationsMet(expectations: Expectations, key: string, pods: Informer, namespace: string): boolean {
  for (const name of expectations.pendingCreations(key))
    if (pods.get(namespace, name)) expectations.creationObserved(key, name);
  const deletes = expectations.pendingDeletions(key);
  if (deletes.size) {
    const live = new Map<string, Pod>();
    for (const p of pods.list() as Pod[])
      if (p.metadata.namespace === namespace && p.metadata.uid && deletes.has(p.metadata.uid))
        live.set(p.metadata.uid, p);
    for (const uid of deletes) {
      const p = live.get(uid);
      if (!p || p.metadata.deletionTimestamp) expectations.deletionObserved(key, uid);
    }
  }
  return expectations.satisfied(key);
}

export class DaemonSetController implements Controller {
  readonly name = 'daemonset-controller';
  private ctx!: ControllerContext;
  private recorder!: EventRecorder;
  private sets!: Informer;
  private pods!: Informer;
  private nodes!: Informer;
  private revisionInformer!: Informer;
  private history!: ControllerHistory;
  private expectations!: Expectations;
  private readonly queue = new WorkQueue((key) => this.sync(key));
  /** failed-pod back-off per DaemonSet and node */
  private readonly backoff = new Map<string, { delay: number; last: number }>();

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.recorder = ctx.recorder(this.name);
    this.expectations = new Expectations(() => ctx.clock.now());
    this.sets = ctx.informers.get('apps', 'daemonsets');
    this.pods = ctx.informers.pods();
    this.nodes = ctx.informers.nodes();
    this.revisionInformer = ctx.informers.get('apps', 'controllerrevisions');
    this.history = new ControllerHistory(ctx.client, this.revisionInformer, KIND, (ns, name) => this.dsPath(ns, name));

    const enqueueSet = (d: DaemonSet) => this.enqueue(d.metadata.namespace, d.metadata.name);
    this.sets.on({
      add: enqueueSet,
      update: enqueueSet,
      delete: (d) => {
        this.expectations.forget(`${d.metadata.namespace}/${d.metadata.name}`);
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

  private dsPath(namespace: string, name?: string, sub?: string): string {
    let p = `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/daemonsets`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (sub) p += `/${sub}`;
    return p;
  }

  private podPath(namespace: string, name?: string, sub?: string): string {
    let p = `/api/v1/namespaces/${encodeURIComponent(namespace)}/pods`;
    if (name !== undefined) p += `/${encodeURIComponent(name)}`;
    if (sub) p += `/${sub}`;
    return p;
  }

  private enqueue(namespace: string | undefined, name: string | undefined): void {
    if (namespace && name) this.queue.add(`${namespace}/${name}`);
  }

  private enqueueFor(obj: KubeObject): void {
    for (const s of setsToSync(obj, KIND.kind, this.sets.list())) this.enqueue(s.namespace, s.name);
  }

  // -------------------------------------------------------------------------------------------

  private async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const cached = this.sets.get(namespace, name) as DaemonSet | undefined;
    if (!cached) {
      this.expectations.forget(key);
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
    const { cur, old } = await this.constructHistory(ds, selector, pods);
    const hash = cur.metadata.labels?.[REVISION_HASH_LABEL] ?? '';

    if (!expectationsMet(this.expectations, key, this.pods, namespace)) {
      // what the cache shows is behind our own writes: only report status
      await this.updateStatus(ds, nodes, pods, hash, false);
      return;
    }
    let failure: unknown;
    try {
      await this.manage(key, ds, nodes, pods, hash);
      if (
        expectationsMet(this.expectations, key, this.pods, namespace) &&
        (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate'
      ) {
        await this.rollingUpdate(key, ds, nodes, pods, hash);
      }
      await this.cleanupHistory(ds, old, pods);
    } catch (e) {
      failure = e;
    }
    await this.updateStatus(ds, nodes, pods, hash, true);
    await this.bindStranded(key, pods);
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
      path: (p) => this.podPath(ns, p.metadata.name),
      canAdopt: recheckOwner(this.ctx.client, this.dsPath(ns, ds.metadata.name), ds.metadata.uid),
    });
  }

  /** Daemon pods by the node they are on or pinned to; terminal pods already being deleted are left out unless asked for. */
  private nodeToPods(pods: Pod[], includeDeletedTerminal: boolean): Map<string, Pod[]> {
    const m = new Map<string, Pod[]>();
    for (const p of pods) {
      if (!includeDeletedTerminal && isTerminal(p) && p.metadata.deletionTimestamp) continue;
      const node = targetNode(p);
      if (node === undefined) continue;
      let list = m.get(node);
      if (!list) m.set(node, (list = []));
      list.push(p);
    }
    return m;
  }

  private templateGeneration(ds: DaemonSet): string | undefined {
    return ds.metadata.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  }

  /** A pod is up to date when it carries the current hash (or, for pods of older controllers, the template generation). */
  private isUpdated(ds: DaemonSet, pod: Pod, hash: string): boolean {
    const gen = this.templateGeneration(ds);
    const labels = pod.metadata.labels ?? {};
    return (
      (hash !== '' && labels[REVISION_HASH_LABEL] === hash) ||
      (gen !== undefined && labels[TEMPLATE_GENERATION_LABEL] === gen)
    );
  }

  // -------------------------------------------------------------------------------------------
  // History

  /**
   * The revision matching the current template (created, or renumbered to be the newest, as needed)
   * and the older ones. Duplicates of the current revision are merged into one.
   */
  private async constructHistory(
    ds: DaemonSet,
    selector: Selector,
    pods: Pod[],
  ): Promise<{ cur: ControllerRevision; old: ControllerRevision[] }> {
    const histories = await this.history.list(ds, selector);
    const data = templatePatch(ds);
    const current: ControllerRevision[] = [];
    const old: ControllerRevision[] = [];
    for (let h of histories) {
      if (h.metadata.labels?.[REVISION_HASH_LABEL] === undefined) {
        h = await this.history.update({
          ...h,
          metadata: {
            ...h.metadata,
            labels: { ...(h.metadata.labels ?? {}), [REVISION_HASH_LABEL]: h.metadata.name! },
          },
        });
      }
      if (deepEqual(h.data, data)) current.push(h);
      else old.push(h);
    }
    const next = old.reduce((m, r) => Math.max(m, r.revision ?? 0), 0) + 1;
    let cur: ControllerRevision;
    if (current.length === 0) {
      cur = await this.snapshot(ds, next);
    } else {
      cur = await this.dedup(ds, current, pods);
      if ((cur.revision ?? 0) < next) cur = await this.history.renumber(cur, next);
    }
    return { cur, old };
  }

  /** Records the current template as a revision named <ds>-<template hash>; a taken name bumps collisionCount. */
  private async snapshot(ds: DaemonSet, revision: number): Promise<ControllerRevision> {
    const collisionCount = ds.status?.collisionCount;
    const hash = templateHash(ds.spec.template, collisionCount);
    const rev = newRevision(ds, KIND, {
      templateLabels: ds.spec.template?.metadata?.labels,
      data: templatePatch(ds),
      revision,
      hash,
      annotations: ds.metadata.annotations,
    });
    const created = await this.history.createOrGet(rev);
    if (created) return created;
    const fresh = await this.ctx.client.get(this.dsPath(ds.metadata.namespace!, ds.metadata.name));
    const count = (fresh.status?.collisionCount ?? 0) + 1;
    await this.ctx.client.patch(
      this.dsPath(ds.metadata.namespace!, ds.metadata.name, 'status'),
      { status: { collisionCount: count } },
      'merge',
    );
    throw new Error(`hash collision for DaemonSet ${ds.metadata.name}: collisionCount is now ${count}`);
  }

  /** Keeps the newest of several revisions with the current template, relabelling pods of the others. */
  private async dedup(ds: DaemonSet, current: ControllerRevision[], pods: Pod[]): Promise<ControllerRevision> {
    if (current.length === 1) return current[0];
    const keep = sortRevisions([...current])[current.length - 1];
    const keepHash = keep.metadata.labels?.[REVISION_HASH_LABEL];
    for (const dup of current) {
      if (dup === keep) continue;
      for (const p of pods) {
        if (p.metadata.labels?.[REVISION_HASH_LABEL] !== keepHash) {
          await this.ctx.client.patch(
            this.podPath(p.metadata.namespace!, p.metadata.name),
            { metadata: { labels: { [REVISION_HASH_LABEL]: keepHash } } },
            'merge',
          );
        }
      }
      await this.history.delete(dup);
    }
    return keep;
  }

  /** Deletes the oldest revisions beyond revisionHistoryLimit whose hash no pod carries. */
  private async cleanupHistory(ds: DaemonSet, old: ControllerRevision[], pods: Pod[]): Promise<void> {
    const liveHashes = new Set(
      pods.map((p) => p.metadata.labels?.[REVISION_HASH_LABEL]).filter((h): h is string => !!h),
    );
    const limit = ds.spec.revisionHistoryLimit ?? 10;
    const excess = old.length - limit;
    if (excess <= 0) return;
    const candidates = revisionsToTruncate(
      old,
      (r) => liveHashes.has(r.metadata.labels?.[REVISION_HASH_LABEL] ?? ''),
      0,
    );
    for (const r of candidates.slice(0, excess)) await this.history.delete(r);
  }

  // -------------------------------------------------------------------------------------------
  // Placement

  /** Creates the missing daemon pods and deletes those that must go (extra, failed, or on nodes they should not be on). */
  private async manage(key: string, ds: DaemonSet, nodes: Node[], pods: Pod[], hash: string): Promise<void> {
    const byNode = this.nodeToPods(pods, false);
    const create: string[] = [];
    const remove: Pod[] = [];
    const now = this.ctx.clock.now();
    const surge = this.allowsSurge(ds);
    for (const node of nodes) {
      const nodeName = node.metadata.name!;
      const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
      const daemonPods = byNode.get(nodeName);
      if (shouldRun && !daemonPods) {
        create.push(nodeName);
      } else if (shouldContinueRunning && daemonPods) {
        const running: Pod[] = [];
        for (const p of daemonPods) {
          if (p.metadata.deletionTimestamp) continue;
          if (p.status?.phase === 'Failed') {
            // kubelets that reject a pod make it fail again at once: back off instead of hot looping
            const bkey = `${key}/${nodeName}`;
            const b = this.backoff.get(bkey);
            if (b && now - b.last < b.delay) {
              this.queue.addAfter(key, b.delay - (now - b.last), this.ctx.clock);
              continue;
            }
            this.backoff.set(bkey, {
              delay: b ? Math.min(b.delay * 2, BACKOFF_MAX_MS) : BACKOFF_INITIAL_MS,
              last: now,
            });
            this.recorder.record(
              ds,
              'Warning',
              'FailedDaemonPod',
              `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${nodeName}, will try to kill it`,
            );
            remove.push(p);
          } else if (p.status?.phase === 'Succeeded') {
            remove.push(p);
          } else {
            running.push(p);
          }
        }
        running.sort(byAge);
        if (!surge) {
          // one pod per node: the oldest stays
          remove.push(...running.slice(1));
        } else if (running.length > 1) {
          // with surge, an old and a new pod may overlap until the new one is available
          let oldestNew: Pod | undefined;
          let oldestOld: Pod | undefined;
          for (const p of running) {
            if (this.isUpdated(ds, p, hash)) {
              if (!oldestNew) {
                oldestNew = p;
                continue;
              }
            } else if (!oldestOld) {
              oldestOld = p;
              continue;
            }
            remove.push(p);
          }
          if (oldestNew && oldestOld) {
            if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec.minReadySeconds ?? 0, now))
              remove.push(oldestOld);
          }
        }
      } else if (!shouldContinueRunning && daemonPods) {
        for (const p of daemonPods) if (!p.metadata.deletionTimestamp) remove.push(p);
      }
    }
    // pods pinned to nodes that no longer exist and never scheduled
    const nodeNames = new Set(nodes.map((n) => n.metadata.name));
    for (const [nodeName, list] of byNode) {
      if (nodeNames.has(nodeName)) continue;
      for (const p of list) if (!p.spec?.nodeName && !p.metadata.deletionTimestamp) remove.push(p);
    }
    await this.syncNodes(key, ds, remove, create, hash);
  }

  private allowsSurge(ds: DaemonSet): boolean {
    const ru = ds.spec.updateStrategy?.rollingUpdate;
    return (
      (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' &&
      scaledValue(ru?.maxSurge ?? 0, 1, true) > 0
    );
  }

  /** The pod to create on a node: the template with the current hash, the default tolerations, pinned to the node. */
  private podFor(ds: DaemonSet, nodeName: string, hash: string): PodObject {
    const template = ds.spec.template ?? {};
    const tmeta = template.metadata ?? {};
    const spec = deepClone(template.spec ?? ({} as PodSpec));
    spec.tolerations = daemonTolerations(spec);
    spec.affinity = pinToNode(spec.affinity, nodeName);
    const generation = this.templateGeneration(ds) ?? String(ds.metadata.generation ?? 1);
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        generateName: `${ds.metadata.name}-`,
        namespace: ds.metadata.namespace,
        labels: { ...(tmeta.labels ?? {}), [REVISION_HASH_LABEL]: hash, [TEMPLATE_GENERATION_LABEL]: generation },
        ...(tmeta.annotations ? { annotations: { ...tmeta.annotations } } : {}),
        ...(tmeta.finalizers ? { finalizers: [...tmeta.finalizers] } : {}),
        ownerReferences: [controllerRef(ds, KIND)],
      },
      spec,
    };
  }

  /** Deletes and creates in growing batches (1, 2, 4, ...), stopping at the first batch with a failure. */
  private async syncNodes(key: string, ds: DaemonSet, remove: Pod[], create: string[], hash: string): Promise<void> {
    const ns = ds.metadata.namespace!;
    const errors: unknown[] = [];
    for (let next = 0, batch = 1; next < create.length && errors.length === 0; batch = Math.min(batch * 2, 250)) {
      const chunk = create.slice(next, next + batch);
      next += chunk.length;
      await Promise.all(
        chunk.map(async (nodeName) => {
          try {
            const pod = await this.ctx.client.create(this.podPath(ns), this.podFor(ds, nodeName, hash));
            this.expectations.expectCreation(key, pod.metadata.name);
            this.recorder.record(ds, 'Normal', 'SuccessfulCreate', `Created pod: ${pod.metadata.name}`);
          } catch (e) {
            errors.push(e);
            this.recorder.record(ds, 'Warning', 'FailedCreate', `Error creating: ${errorText(e)}`);
          }
        }),
      );
    }
    if (create.length) this.queue.addAfter(key, BIND_FALLBACK_MS + 100, this.ctx.clock);
    await Promise.all(
      remove.map(async (p) => {
        try {
          await this.ctx.client.delete(this.podPath(ns, p.metadata.name), { preconditions: { uid: p.metadata.uid } });
          this.expectations.expectDeletion(key, p.metadata.uid!);
          this.recorder.record(ds, 'Normal', 'SuccessfulDelete', `Deleted pod: ${p.metadata.name}`);
        } catch (e) {
          if (isNotFound(e)) return;
          errors.push(e);
          this.recorder.record(ds, 'Warning', 'FailedDelete', `Error deleting: ${errorText(e)}`);
        }
      }),
    );
    if (errors.length) throw errors[0];
  }

  // -------------------------------------------------------------------------------------------
  // Rolling update

  private desiredCounts(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>) {
    let desired = 0;
    for (const n of nodes) {
      if (!nodeShouldRunDaemonPod(n, ds).shouldRun) continue;
      desired++;
      if (!byNode.has(n.metadata.name!)) byNode.set(n.metadata.name!, []);
    }
    const ru = ds.spec.updateStrategy?.rollingUpdate ?? {};
    let maxUnavailable = scaledValue(ru.maxUnavailable ?? 1, desired, true);
    const maxSurge = scaledValue(ru.maxSurge ?? 0, desired, true);
    // both zero cannot make progress: behave as maxUnavailable 1
    if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
    return { desired, maxUnavailable, maxSurge };
  }

  /** The one new and one old pod on a node (terminating ones aside); ok false when there are more. */
  private updatedPodsOnNode(ds: DaemonSet, pods: Pod[], hash: string): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
    let newPod: Pod | undefined;
    let oldPod: Pod | undefined;
    for (const p of pods) {
      if (p.metadata.deletionTimestamp) continue;
      if (this.isUpdated(ds, p, hash)) {
        if (newPod) return { ok: false };
        newPod = p;
      } else {
        if (oldPod) return { ok: false };
        oldPod = p;
      }
    }
    return { newPod, oldPod, ok: true };
  }

  private async rollingUpdate(key: string, ds: DaemonSet, nodes: Node[], pods: Pod[], hash: string): Promise<void> {
    const byNode = this.nodeToPods(pods, false);
    const { maxUnavailable, maxSurge } = this.desiredCounts(ds, nodes, byNode);
    const minReady = ds.spec.minReadySeconds ?? 0;
    const now = this.ctx.clock.now();
    const podNames = new Map(pods.map((p) => [p.metadata.name!, p]));
    const toPods = (names: string[]) => names.map((n) => podNames.get(n)!).filter(Boolean);

    if (maxSurge === 0) {
      // delete just enough old pods to stay within maxUnavailable; manage() starts their replacements
      let unavailable = 0;
      const replaceNow: string[] = [];
      const candidates: string[] = [];
      for (const [, list] of [...byNode].sort(([a], [b]) => a.localeCompare(b))) {
        const { newPod, oldPod, ok } = this.updatedPodsOnNode(ds, list, hash);
        if (!ok) {
          unavailable++;
          continue;
        }
        if ((!oldPod && !newPod) || (oldPod && newPod)) {
          unavailable++;
        } else if (newPod) {
          if (!isPodAvailable(newPod, minReady, now)) unavailable++;
        } else if (oldPod) {
          if (!isPodAvailable(oldPod, minReady, now)) replaceNow.push(oldPod.metadata.name!);
          else if (unavailable < maxUnavailable) candidates.push(oldPod.metadata.name!);
        }
      }
      const room = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.length));
      await this.syncNodes(key, ds, toPods([...replaceNow, ...candidates.slice(0, room)]), [], hash);
      return;
    }

    // surge: start a new pod beside an old one, delete the old one once the new one is available
    const deleteOld: string[] = [];
    const deleteMisplaced: string[] = [];
    const candidateNodes: string[] = [];
    const allowedNodes: string[] = [];
    let surging = 0;
    const nodeByName = new Map(nodes.map((n) => [n.metadata.name!, n]));
    for (const [nodeName, list] of [...byNode].sort(([a], [b]) => a.localeCompare(b))) {
      const { newPod, oldPod, ok } = this.updatedPodsOnNode(ds, list, hash);
      if (!ok) {
        surging++;
        continue;
      }
      if (!oldPod) continue;
      if (!newPod) {
        if (!isPodAvailable(oldPod, minReady, now)) {
          const node = nodeByName.get(nodeName);
          if (!node || !nodeShouldRunDaemonPod(node, ds).shouldRun) {
            deleteMisplaced.push(oldPod.metadata.name!);
            continue;
          }
          allowedNodes.push(nodeName);
        } else if (surging < maxSurge) {
          candidateNodes.push(nodeName);
        }
      } else if (!isPodAvailable(newPod, minReady, now)) {
        surging++;
      } else {
        deleteOld.push(oldPod.metadata.name!);
      }
    }
    const room = Math.max(0, Math.min(maxSurge - surging, candidateNodes.length));
    await this.syncNodes(
      key,
      ds,
      toPods([...deleteOld, ...deleteMisplaced]),
      [...allowedNodes, ...candidateNodes.slice(0, room)],
      hash,
    );
  }

  // -------------------------------------------------------------------------------------------

  private async updateStatus(ds: DaemonSet, nodes: Node[], pods: Pod[], hash: string, observe: boolean): Promise<void> {
    const byNode = this.nodeToPods(pods, true);
    const minReady = ds.spec.minReadySeconds ?? 0;
    const now = this.ctx.clock.now();
    let desired = 0;
    let current = 0;
    let misscheduled = 0;
    let ready = 0;
    let updated = 0;
    let available = 0;
    for (const node of nodes) {
      const { shouldRun } = nodeShouldRunDaemonPod(node, ds);
      const list = byNode.get(node.metadata.name!) ?? [];
      if (shouldRun) {
        desired++;
        if (list.length === 0) continue;
        current++;
        const pod = [...list].sort(byAge)[0];
        if (isPodReady(pod)) {
          ready++;
          if (isPodAvailable(pod, minReady, now)) available++;
        }
        if (this.isUpdated(ds, pod, hash)) updated++;
      } else if (list.length > 0) {
        misscheduled++;
      }
    }
    const old: Partial<DaemonSetStatus> = ds.status ?? {};
    const observedGeneration = observe ? ds.metadata.generation : old.observedGeneration;
    const status = {
      currentNumberScheduled: current,
      numberMisscheduled: misscheduled,
      desiredNumberScheduled: desired,
      numberReady: ready,
      observedGeneration,
      updatedNumberScheduled: updated,
      numberAvailable: available,
      numberUnavailable: desired - available,
    };
    const unchanged = (Object.keys(status) as (keyof typeof status)[]).every((k) => (status[k] ?? 0) === (old[k] ?? 0));
    if (!unchanged) {
      // fields Kubernetes omits when zero are removed rather than written as 0
      const omitZero = (v: number | undefined) => (v ? v : null);
      const patch = {
        status: {
          currentNumberScheduled: current,
          numberMisscheduled: misscheduled,
          desiredNumberScheduled: desired,
          numberReady: ready,
          observedGeneration: omitZero(observedGeneration),
          updatedNumberScheduled: omitZero(updated),
          numberAvailable: omitZero(available),
          numberUnavailable: omitZero(desired - available),
        },
      };
      try {
        await this.ctx.client.patch(this.dsPath(ds.metadata.namespace!, ds.metadata.name, 'status'), patch, 'merge');
      } catch (e) {
        if (!isNotFound(e)) throw e;
      }
    }
    // availability after minReadySeconds shows up by time, not by an event
    if (minReady > 0 && ready !== available)
      this.queue.addAfter(`${ds.metadata.namespace}/${ds.metadata.name}`, minReady * 1000, this.ctx.clock);
  }

  /**
   * Binds daemon pods nobody has scheduled: the scheduler normally places them (their node affinity
   * allows only one node), but without one running they would stay Pending forever.
   */
  private async bindStranded(key: string, pods: Pod[]): Promise<void> {
    const now = this.ctx.clock.now();
    let wait = Infinity;
    for (const p of pods) {
      if (p.spec?.nodeName || p.metadata.deletionTimestamp) continue;
      if ((p.status?.conditions ?? []).some((c) => c.type === 'PodScheduled')) continue;
      const node = targetNode(p);
      if (!node) continue;
      const age = now - (Date.parse(p.metadata.creationTimestamp ?? '') || now);
      if (age < BIND_FALLBACK_MS) {
        wait = Math.min(wait, BIND_FALLBACK_MS - age);
        continue;
      }
      const binding = {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name: p.metadata.name, namespace: p.metadata.namespace },
        target: { apiVersion: 'v1', kind: 'Node', name: node },
      };
      try {
        await this.ctx.client.create(this.podPath(p.metadata.namespace!, p.metadata.name, 'binding'), binding);
      } catch {
        // bound meanwhile, or gone: the next sync sees it
      }
    }
    if (wait !== Infinity) this.queue.addAfter(key, wait + 100, this.ctx.clock);
  }
}
