// Drift: compares without syncing and, when self-heal is on, applies again the resources that differ from the
// revision, but never one that still differs right after it was applied (applying it again cannot heal it).
import { ApplicationStatus, HistoryEntry, syncPolicyOf } from '../../kube/application';
import { DesiredState } from '../desiredState';
import { ignoredDifferencesOrError } from '../diff';
import { syncResources } from '../sync';
import { updateComparison } from './comparison';
import { RunnerContext } from './context';
import { clearCondition, now, short } from './statusEdits';

export class SelfHeal {
  /** resource key → the resourceVersion a self-heal left it at */
  private readonly healedAt = new Map<string, string>();

  constructor(private readonly ctx: RunnerContext) {}

  /** Compares without syncing, and reverts drift when self-heal is on. */
  async compareAndHeal(
    st: ApplicationStatus,
    desired: DesiredState,
    target: string,
    last: HistoryEntry | undefined,
  ): Promise<void> {
    const ctx = this.ctx;
    const policy = syncPolicyOf(ctx.app);
    const cmp = await updateComparison(ctx, st, desired, target);
    if (
      !policy.selfHeal ||
      !cmp.outOfSync.size ||
      st.operationState?.phase === 'Running' ||
      (last && last.revision !== target && st.lastGoodRevision !== target)
    )
      return;
    // a resource that still differs right after we applied it cannot be healed by applying it again
    const byKey = new Map(desired.resources.map((r) => [r.key, r]));
    const drifted = [...cmp.outOfSync].filter((k) => {
      const r = byKey.get(k);
      if (!r) return false;
      const rv = ctx.live.get(r.ref)?.metadata?.resourceVersion;
      return rv === undefined || this.healedAt.get(k) !== rv;
    });
    if (!drifted.length) return;
    const count = `${drifted.length} resource${drifted.length === 1 ? '' : 's'}`;
    ctx.log(`self-heal: ${count} drifted from ${short(target)}: ${drifted.join(', ')}`);
    // fields the app ignores stay as they are live: the resources are applied with live's values there
    const ignore = ignoredDifferencesOrError(ctx.app).ignore;
    const healing: DesiredState = {
      ...desired,
      resources: desired.resources.map((r) =>
        drifted.includes(r.key) ? { ...r, object: ignore.respect(r.object, ctx.live.get(r.ref)) } : r,
      ),
    };
    const outcome = await syncResources(healing, {
      client: ctx.deps.client,
      live: ctx.live,
      prune: false,
      only: new Set(drifted),
      appSyncOptions: syncPolicyOf(ctx.app).syncOptions,
      progress: (l) => ctx.log(l),
      waveTimeoutMs: ctx.deps.waveTimeoutMs,
      signal: ctx.stopping,
    });
    for (const k of drifted) {
      const rv = ctx.live.get(byKey.get(k)!.ref)?.metadata?.resourceVersion;
      if (rv) this.healedAt.set(k, rv);
    }
    st.operationState = {
      operation: 'selfHeal',
      phase: outcome.ok ? 'Succeeded' : 'Failed',
      message: outcome.message,
      startedAt: now(),
      finishedAt: now(),
      revision: target,
    };
    await updateComparison(ctx, st, desired, target);
    // the failed sync's resources are all in place now: its error no longer describes the app
    if (outcome.ok && st.sync?.status === 'Synced') clearCondition(st, 'SyncError');
  }
}
