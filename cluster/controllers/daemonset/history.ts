// A DaemonSet's ControllerRevisions (Kubernetes' daemonset update.go: constructHistory, snapshot,
// dedupCurHistories, cleanupHistory): the revision of the current template, named <ds>-<hash>, and the old ones.
import type { Selector } from '../../../kube/labelSelector';
import { deepEqual } from '../../../kube/objects';
import { ApiClient, resourcePath } from '../../../kubeclient/apiClient';
import { Informer } from '../../../kubeclient/informer';
import type { DaemonSet, Pod } from '../kit/objects';
import { ControllerHistory } from '../history/controllerHistory';
import { templateHash } from '../history/hash';
import {
  ControllerRevision,
  REVISION_HASH_LABEL,
  newRevision,
  revisionsToTruncate,
  sortRevisions,
  templatePatch,
} from '../history/revisions';
import { KIND } from './daemonPods';

export class DaemonSetHistory {
  readonly history: ControllerHistory;

  constructor(
    private readonly client: ApiClient,
    revisions: Informer,
    private readonly sets: Informer,
    private readonly pods: Informer,
  ) {
    this.history = new ControllerHistory(client, revisions, KIND, (ns, name) => resourcePath(sets.info, ns, name));
  }

  /**
   * The revision matching the current template (created, or renumbered to be the newest, as needed)
   * and the older ones. Duplicates of the current revision are merged into one.
   */
  async construct(
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
      cur = await this.dedup(current, pods);
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
    const ns = ds.metadata.namespace!;
    const fresh = await this.client.get(resourcePath(this.sets.info, ns, ds.metadata.name));
    const count = (fresh.status?.collisionCount ?? 0) + 1;
    await this.client.patch(
      resourcePath(this.sets.info, ns, ds.metadata.name, 'status'),
      { status: { collisionCount: count } },
      'merge',
    );
    throw new Error(`hash collision for DaemonSet ${ds.metadata.name}: collisionCount is now ${count}`);
  }

  /** Keeps the newest of several revisions with the current template, relabelling pods of the others. */
  private async dedup(current: ControllerRevision[], pods: Pod[]): Promise<ControllerRevision> {
    if (current.length === 1) return current[0];
    const keep = sortRevisions([...current])[current.length - 1];
    const keepHash = keep.metadata.labels?.[REVISION_HASH_LABEL];
    for (const dup of current) {
      if (dup === keep) continue;
      for (const p of pods) {
        if (p.metadata.labels?.[REVISION_HASH_LABEL] !== keepHash) {
          await this.client.patch(
            resourcePath(this.pods.info, p.metadata.namespace, p.metadata.name),
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
  async cleanup(ds: DaemonSet, old: ControllerRevision[], pods: Pod[]): Promise<void> {
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
}
