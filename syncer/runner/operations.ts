// The requests users write into spec.operation (`slipway sync`, `rollback`, `resume`, `refresh`), carried out
// once each; operationState says how each went.
import { ApplicationOperation, ApplicationStatus } from '../../kube/application';
import { GitSource } from '../git/source';
import { summarizeErrors } from '../statusSize';
import { RunnerContext } from './context';
import { RecordedSync } from './recordedSync';
import { rollback } from './rollback';
import { clearCondition, now, setCondition, short } from './statusEdits';

/** The pass that follows the branch, which refresh and resume run once their part is done. */
export type FollowBranch = (st: ApplicationStatus, source: GitSource) => Promise<void>;

/** The operation as logs and operationState name it. */
function operationName(op: ApplicationOperation): string {
  if (op.rollback) return `rollback ${op.rollback.id}${op.rollback.git ? ' --git' : ''}`;
  return op.sync ? 'sync' : op.resume ? 'resume' : 'refresh';
}

export async function handleOperation(
  ctx: RunnerContext,
  recorded: RecordedSync,
  followBranch: FollowBranch,
  op: ApplicationOperation,
  st: ApplicationStatus,
  source: GitSource,
): Promise<void> {
  const startedAt = now();
  const name = operationName(op);
  try {
    if (op.refresh) {
      await source.fetch();
      ctx.revisions.clearCache();
      await followBranch(st, source);
    } else if (op.resume) {
      if (st.pinned) ctx.log(`resumed: following ${source.branch} again (was pinned to #${st.pinned.id})`);
      delete st.pinned;
      clearCondition(st, 'AutoRollback');
      await followBranch(st, source);
    } else if (op.rollback) {
      await rollback(ctx, recorded, st, source, { id: op.rollback.id, git: !!op.rollback.git, by: 'rollback' });
    } else if (op.sync) {
      await source.fetch();
      const revision = op.sync.revision
        ? await resolveRevision(ctx, source, op.sync.revision)
        : (st.pinned?.revision ?? (await source.tip()));
      const desired = await ctx.revisions.desired(revision);
      if (desired.problems.length) {
        setCondition(
          st,
          'InvalidManifest',
          'ValidationFailed',
          `${desired.problems.length} invalid manifest fields at ${short(revision)}; nothing of it is applied`,
          summarizeErrors(desired.problems),
        );
        throw new Error(`${short(revision)} has invalid manifests; nothing applied (see \`slipway status\`)`);
      }
      await recorded.sync(st, desired, 'sync');
    }
    if (
      st.operationState?.startedAt &&
      st.operationState.startedAt >= startedAt &&
      st.operationState.phase !== 'Running'
    ) {
      st.operationState = { ...st.operationState, operation: name };
    } else {
      st.operationState = { operation: name, phase: 'Succeeded', startedAt, finishedAt: now(), message: 'done' };
    }
  } catch (e) {
    st.operationState = {
      operation: name,
      phase: 'Failed',
      startedAt,
      finishedAt: now(),
      message: (e as Error).message,
    };
    ctx.log(`${name} failed: ${(e as Error).message}`);
  }
}

async function resolveRevision(ctx: RunnerContext, source: GitSource, rev: string): Promise<string> {
  if (/^[0-9a-f]{40}$/.test(rev) && (await source.hasCommit(rev))) return rev;
  const match = (ctx.app.status?.history ?? []).find((h) => h.revision.startsWith(rev));
  if (match) return match.revision;
  throw new Error(`unknown revision ${rev}: give a full commit sha or the start of one in the history`);
}
