// Rollback to a history entry: re-applies its revision and pins the app to it once it is live, or (`--git`)
// commits a revert on the branch and deploys that. Automatic rollback does the same when the latest entry left
// the app Degraded.
import { ApplicationStatus, syncPolicyOf } from '../../kube/application';
import { GitSource } from '../git/source';
import { RunnerContext } from './context';
import { RecordedSync } from './recordedSync';
import { NOT_APPLIED, now, setCondition, short, showBehindTip, showPin } from './statusEdits';

export interface RollbackRequest {
  /** the history entry to go back to */
  id: number;
  /** commit a revert on the branch instead of pinning */
  git: boolean;
  /** who asked: a user (`rollback`) or `automatic rollback` */
  by: string;
  /** the history entry's message; default `rollback to #id` */
  message?: string;
}

export async function rollback(
  ctx: RunnerContext,
  recorded: RecordedSync,
  st: ApplicationStatus,
  source: GitSource,
  { id, git, by, message }: RollbackRequest,
): Promise<void> {
  const entry = (st.history ?? []).find((h) => h.id === id);
  if (!entry) {
    const ids = (st.history ?? []).map((h) => `#${h.id}`).join(', ');
    throw new Error(`no history entry #${id}${ids ? `; entries: ${ids}` : ''} (see \`slipway history\`)`);
  }
  if (!(await source.hasCommit(entry.revision))) {
    throw new Error(
      `history #${id} deployed ${short(entry.revision)}, which is no longer in ${source.label} ` +
        '(removed by a force-push?); nothing was changed: pick another entry (`slipway history`)',
    );
  }
  if (git) {
    const sha = await source.revertTo(entry.revision, `slipway rollback ${id}`);
    delete st.pinned;
    const desired = await ctx.revisions.desired(sha);
    if (desired.problems.length) throw new Error(`the revert commit ${short(sha)} has invalid manifests`);
    const why = `revert commit ${short(sha)} restores #${id} (${short(entry.revision)})`;
    await recorded.sync(st, desired, 'rollback --git', why);
    return;
  }
  const desired = await ctx.revisions.desired(entry.revision);
  if (desired.problems.length)
    throw new Error(`history #${id} (${short(entry.revision)}) has invalid manifests; pick another entry`);
  const trigger = by === 'automatic rollback' ? 'autoRollback' : 'rollback';
  const done = await recorded.sync(st, desired, trigger, message ?? `rollback to #${id}`);
  // pinned only once the old revision is live: a failed rollback leaves the app following its branch
  if (done.result !== 'Succeeded') {
    throw new Error(
      `rollback to #${id} (${short(entry.revision)}) failed: ${done.message}; ` +
        `the app is not pinned and follows ${source.branch} again`,
    );
  }
  st.pinned = {
    id,
    revision: entry.revision,
    reason: by === 'automatic rollback' ? 'an automatic rollback' : `\`slipway rollback ${id}\``,
    since: now(),
  };
  showPin(st, syncPolicyOf(ctx.app).automated, ctx.revisions.branch);
  showBehindTip(st, await source.tip());
}

/** Rolls back to the last Healthy history entry when the latest one left the app Degraded, once per revision. */
export class AutoRollback {
  /** the Degraded revision whose automatic rollback failed */
  private failedFor?: string;

  constructor(
    private readonly ctx: RunnerContext,
    private readonly recorded: RecordedSync,
  ) {}

  async maybeRollBack(st: ApplicationStatus, source: GitSource): Promise<void> {
    const ctx = this.ctx;
    if (!syncPolicyOf(ctx.app).autoRollback) return;
    const history = st.history ?? [];
    const latest = history[history.length - 1];
    if (!latest || latest.health !== 'Degraded' || latest.trigger === 'autoRollback' || latest.trigger === 'rollback')
      return;
    if (latest.message?.startsWith(NOT_APPLIED)) return;
    const good = [...history]
      .reverse()
      .find(
        (h) =>
          h.id !== latest.id && h.result === 'Succeeded' && h.health === 'Healthy' && h.revision !== latest.revision,
      );
    const degraded = `#${latest.id} (${short(latest.revision)}) left the app Degraded`;
    if (!good) {
      const message = `${degraded}, but no earlier history entry was Healthy to roll back to`;
      setCondition(st, 'AutoRollback', 'NoHealthyRevision', message);
      return;
    }
    // a rollback that failed is not tried again for the same revision (that would loop): the condition says why
    if (this.failedFor === latest.revision) return;
    const cause = latest.result === 'Failed' ? latest.message : (st.health?.message ?? 'Degraded');
    const why = `automatic rollback: ${degraded}: ${cause}`;
    const to = `#${good.id} (${short(good.revision)})`;
    ctx.log(why);
    try {
      await rollback(ctx, this.recorded, st, source, {
        id: good.id,
        git: false,
        by: 'automatic rollback',
        message: why,
      });
      setCondition(st, 'AutoRollback', 'RolledBack', `${why}; rolled back to ${to}`);
    } catch (e) {
      this.failedFor = latest.revision;
      setCondition(
        st,
        'AutoRollback',
        'RollbackFailed',
        `${why}; rolling back to ${to} failed: ${(e as Error).message}`,
      );
      ctx.log(`automatic rollback failed: ${(e as Error).message}`);
    }
  }
}
