// The status a comparison of desired and live state shows: resources, health, sync status, the latest history
// entry's health while it settles, and whether the app is pinned.
import { ApplicationStatus, syncPolicyOf } from '../../kube/application';
import { DesiredState } from '../desiredState';
import { ignoredDifferencesOrError } from '../diff';
import { needsPods } from '../health';
import { compare, Comparison } from '../resourceStatus';
import { uniqueTypes } from '../sync';
import { RunnerContext } from './context';
import { clearCondition, setCondition, short, showBehindTip, showPin } from './statusEdits';

/** Refreshes resources, health, sync status and the latest history entry's health; returns the comparison. */
export async function updateComparison(
  ctx: RunnerContext,
  st: ApplicationStatus,
  desired: DesiredState | undefined,
  target: string,
  known?: Comparison,
): Promise<Comparison> {
  // workloads are judged with their pods: watch them before judging
  if (desired?.resources.some((r) => needsPods(r.object))) await ctx.live.trackPods();
  if (desired && !known) await ctx.live.lookUpUnlisted(desired.resources.map((r) => r.ref));
  const cmp: Comparison =
    known ??
    (desired
      ? compare(desired, ctx.live, syncPolicyOf(ctx.app).syncOptions)
      : { resources: [], outOfSync: new Set<string>(), health: { status: 'Missing' } });
  const ignoreError = ignoredDifferencesOrError(ctx.app).error;
  if (ignoreError)
    setCondition(st, 'IgnoreDifferencesError', 'InvalidRule', `${ignoreError}; nothing is ignored until fixed`);
  else clearCondition(st, 'IgnoreDifferencesError');
  st.resources = cmp.resources;
  st.health = cmp.health;
  const synced = desired?.revision === target && cmp.outOfSync.size === 0;
  st.sync = { status: synced ? 'Synced' : 'OutOfSync', revision: target, shortRevision: short(target) };
  if (st.pinned) showBehindTip(st, await ctx.revisions.tip());
  const latest = st.history?.[st.history.length - 1];
  if (
    latest &&
    desired &&
    latest.revision === desired.revision &&
    latest.result === 'Succeeded' &&
    (latest.health === 'Progressing' ||
      latest.health === 'Missing' ||
      latest.health === 'Unknown' ||
      latest.health === undefined)
  ) {
    if (cmp.health.status !== latest.health) latest.health = cmp.health.status;
  }
  showPin(st, syncPolicyOf(ctx.app).automated, ctx.revisions.branch);
  return cmp;
}

/** Whether the cluster already is what desired says (every resource in sync, nothing to prune). */
export async function alreadyInSync(ctx: RunnerContext, desired: DesiredState): Promise<boolean> {
  await ctx.live.track(uniqueTypes(desired.resources.map((r) => r.ref)));
  await ctx.live.lookUpUnlisted(desired.resources.map((r) => r.ref));
  return compare(desired, ctx.live, syncPolicyOf(ctx.app).syncOptions).outOfSync.size === 0;
}
