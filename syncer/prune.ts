// Which live objects a sync prunes: those tracked as this app's (tracking.ts) but whose key git no longer
// has, unless the user asked to keep them (Prune=false) or their deletion is already under way. The sync, the
// app's status and `slipway diff` all decide it here, so they cannot disagree.
import { SYNC_OPTIONS_ANNOTATIONS } from '../kube/application';
import { KubeObject } from '../kube/objects';
import { refOf, resourceKey, ResourceRef } from './desiredState';

/** What the prune decisions read of an object: its annotations. */
type Annotated = { metadata?: { annotations?: Record<string, string> } } | undefined;

/** A live object git no longer has. */
export interface NotInGit {
  object: KubeObject;
  ref: ResourceRef;
  key: string;
  /** the user asked to keep it (Prune=false): a sync leaves it and it is no difference to act on */
  kept: boolean;
}

/** Whether the object asks not to be pruned: `Prune=false` among its sync options (either annotation). */
export function keepOnPrune(obj: Annotated): boolean {
  const a = obj?.metadata?.annotations ?? {};
  return SYNC_OPTIONS_ANNOTATIONS.some((k) => typeof a[k] === 'string' && /(^|,)\s*Prune=false\s*(,|$)/.test(a[k]));
}

/**
 * The app's live objects (already filtered with trackedBy) whose key is not among desiredKeys, in their given
 * order. Objects with a deletionTimestamp are left out: they are going, whatever git says.
 */
export function liveNotInGit(owned: readonly KubeObject[], desiredKeys: ReadonlySet<string>): NotInGit[] {
  const out: NotInGit[] = [];
  for (const object of owned) {
    const ref = refOf(object);
    const key = resourceKey(ref);
    if (desiredKeys.has(key) || object.metadata?.deletionTimestamp) continue;
    out.push({ object, ref, key, kept: keepOnPrune(object) });
  }
  return out;
}

/** The objects of liveNotInGit a sync deletes (all but the kept ones), in their given order. */
export function pruneCandidates(owned: readonly KubeObject[], desiredKeys: ReadonlySet<string>): KubeObject[] {
  return liveNotInGit(owned, desiredKeys)
    .filter((n) => !n.kept)
    .map((n) => n.object);
}
