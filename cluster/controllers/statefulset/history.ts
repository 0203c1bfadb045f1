// A StatefulSet's ControllerRevisions (stateful_set_control.go's getStatefulSetRevisions and truncateHistory):
// the current revision the pods were at, the update revision the template is now, and the old ones pruned.
import type { Pod, StatefulSet } from '../kit/objects';
import { ControllerHistory } from '../history/controllerHistory';
import {
  ControllerRevision,
  equalRevision,
  findEqualRevisions,
  newRevision,
  nextRevision,
  revisionsToTruncate,
  templatePatch,
} from '../history/revisions';
import { KIND, podRevision } from './identity';

/**
 * The current revision (what status says the pods were at) and the update revision (the template
 * now). A template equal to an older revision makes that revision the newest again (a rollback).
 */
export async function setRevisions(history: ControllerHistory, set: StatefulSet, revisions: ControllerRevision[]) {
  const collision = { count: set.status?.collisionCount ?? 0 };
  const candidate = newRevision(set, KIND, {
    templateLabels: set.spec.template?.metadata?.labels,
    data: templatePatch(set),
    revision: nextRevision(revisions),
    collisionCount: collision.count,
    annotations: set.metadata.annotations,
  });
  const equal = findEqualRevisions(revisions, candidate);
  const last = revisions[revisions.length - 1];
  let update: ControllerRevision;
  if (equal.length > 0 && equalRevision(last, equal[equal.length - 1])) update = last;
  else if (equal.length > 0) update = await history.renumber(equal[equal.length - 1], candidate.revision);
  else update = await history.create(set, candidate, collision);
  const current = revisions.find((r) => r.metadata.name === set.status?.currentRevision) ?? update;
  return { current, update, collisionCount: collision.count };
}

/** Deletes the oldest revisions beyond revisionHistoryLimit that no pod and neither status revision uses. */
export async function truncateHistory(
  history: ControllerHistory,
  set: StatefulSet,
  pods: Pod[],
  revisions: ControllerRevision[],
  current: ControllerRevision,
  update: ControllerRevision,
): Promise<void> {
  const live = new Set<string>([current.metadata.name!, update.metadata.name!]);
  for (const p of pods) {
    const r = podRevision(p);
    if (r) live.add(r);
  }
  const limit = set.spec.revisionHistoryLimit ?? 10;
  for (const r of revisionsToTruncate(revisions, (r) => live.has(r.metadata.name!), limit)) await history.delete(r);
}
