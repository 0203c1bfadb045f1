// Which live objects a sync prunes: those tracked as this app's (tracking.ts) but whose key git no longer
// has, unless the user asked to keep them (Prune=false, on the object or the app) or their deletion is already
// under way; hooks are never pruned. The sync, the app's status and `slipway diff` all decide it here, so they
// cannot disagree.
import { KubeObject } from '../kube/objects';
import { refOf, resourceKey, ResourceRef } from './desiredState';
import { isHook } from './hooks/annotations';
import { hasSyncOption, ignoreExtraneous } from './syncOptions';

/** What the prune decisions read of an object: its annotations. */
type Annotated = { metadata?: { annotations?: Record<string, string> } } | undefined;

/** A live object git no longer has. */
export interface NotInGit {
  object: KubeObject;
  ref: ResourceRef;
  key: string;
  /** the user asked to keep it (Prune=false): a sync leaves it and it is no difference to act on */
  kept: boolean;
  /** compare-options IgnoreExtraneous: it does not make the app OutOfSync (a sync still prunes it) */
  ignored: boolean;
}

/** Whether the object is kept when it leaves git: `Prune=false` in force (its annotation, else the app's). */
export function keepOnPrune(obj: Annotated, appOptions: readonly string[] = []): boolean {
  return hasSyncOption(obj, 'Prune', 'false', appOptions);
}

/**
 * The app's live objects (already filtered with trackedBy) whose key is not among desiredKeys, in their given
 * order. Objects with a deletionTimestamp are left out: they are going, whatever git says.
 */
export function liveNotInGit(
  owned: readonly KubeObject[],
  desiredKeys: ReadonlySet<string>,
  appOptions: readonly string[] = [],
): NotInGit[] {
  const out: NotInGit[] = [];
  for (const object of owned) {
    const ref = refOf(object);
    const key = resourceKey(ref);
    // a hook's object is the hook's, kept or deleted by its delete policy, never pruned
    if (desiredKeys.has(key) || object.metadata?.deletionTimestamp || isHook(object)) continue;
    out.push({ object, ref, key, kept: keepOnPrune(object, appOptions), ignored: ignoreExtraneous(object) });
  }
  return out;
}

/** The objects of liveNotInGit a sync deletes (all but the kept ones), in their given order. */
export function pruneCandidates(
  owned: readonly KubeObject[],
  desiredKeys: ReadonlySet<string>,
  appOptions: readonly string[] = [],
): KubeObject[] {
  return liveNotInGit(owned, desiredKeys, appOptions)
    .filter((n) => !n.kept)
    .map((n) => n.object);
}
