// A sync as history records it: applies a revision, shows it Running when it takes a while, and writes its
// outcome as a history entry (or updates the failed attempt it retries), in operationState and conditions.
import { ignoredDifferencesOrError } from '../diff/ignoreDifferences';
import { ApplicationStatus, HistoryEntry, syncPolicyOf } from '../../kube/application';
import { deepClone } from '../../kube/objects';
import { DesiredState } from '../desiredState';
import { compare } from '../resourceStatus';
import { syncWithHooks } from '../hooks/hookedSync';
import { syncOptionProblems } from '../syncOptions';
import { updateComparison } from './comparison';
import { RunnerContext } from './context';
import { currentSyncedSpec } from './syncedSpec';
import { addHistory, clearCondition, now, setCondition, short } from './statusEdits';

const RUNNING_STATUS_AFTER_MS = 250;

export class RecordedSync {
  /** destination namespaces known to exist */
  private readonly ensured = new Set<string>();

  constructor(private readonly ctx: RunnerContext) {}

  /** Syncs `desired` and records it: a new history entry, or `retryOf` updated in place when this retries it. */
  async sync(
    st: ApplicationStatus,
    desired: DesiredState,
    trigger: string,
    message?: string,
    retryOf?: HistoryEntry,
  ): Promise<HistoryEntry> {
    const ctx = this.ctx;
    const startedAt = now();
    const info = await ctx.revisions.commitInfo(desired.revision);
    st.operationState = {
      operation: trigger,
      phase: 'Running',
      startedAt,
      revision: desired.revision,
      message: `syncing ${short(desired.revision)}: ${info.subject}`,
    };
    // a sync that takes a while shows as Running; a quick one only writes its outcome
    const running = deepClone(st);
    let runningWrite: Promise<void> | undefined;
    const runningTimer = setTimeout(
      () => (runningWrite = ctx.writeStatus(running).catch(() => undefined)),
      RUNNING_STATUS_AFTER_MS,
    );
    const retry = retryOf ? (retryOf.retries ?? 0) + 1 : 0;
    const why = retryOf ? `retry ${retry} of #${retryOf.id}` : trigger;
    ctx.log(`sync ${short(desired.revision)} (${why}): ${info.subject}`);
    const policy = syncPolicyOf(ctx.app);
    // a misspelt app-wide option (Prune=flase) must not be ignored: nothing is applied until it is fixed
    const badOptions = syncOptionProblems(policy.syncOptions);
    const outcome = badOptions.length
      ? { ok: false, applied: [], pruned: [], message: `spec.syncPolicy.syncOptions: ${badOptions.join('; ')}` }
      : await syncWithHooks(desired, {
          client: ctx.deps.client,
          live: ctx.live,
          prune: policy.prune,
          appSyncOptions: policy.syncOptions,
          ignored: ignoredDifferencesOrError(ctx.app).ignore,
          progress: (l) => ctx.log(l),
          ensureNamespaces: [ctx.destination].filter((n) => !this.ensured.has(n)),
          waveTimeoutMs: ctx.deps.waveTimeoutMs,
          signal: ctx.stopping,
        });
    clearTimeout(runningTimer);
    await runningWrite;
    if (outcome.ok) this.ensured.add(ctx.destination);
    await ctx.live.lookUpUnlisted(desired.resources.map((r) => r.ref));
    const cmp = compare(desired, ctx.live, policy.syncOptions);
    const result: Omit<HistoryEntry, 'id' | 'startedAt' | 'trigger'> = {
      revision: desired.revision,
      subject: info.subject,
      author: info.author,
      finishedAt: now(),
      result: outcome.ok ? 'Succeeded' : 'Failed',
      // the app's health as it is: a failed sync is told by result, not by a health the app does not have
      health: cmp.health.status,
      message: [message, outcome.message].filter(Boolean).join('; '),
      ...(outcome.hooks?.length ? { hooks: outcome.hooks } : {}),
    };
    const entry = retryOf
      ? Object.assign(retryOf, result, { retries: retry })
      : addHistory(st, { ...result, startedAt, trigger }, ctx.app.spec.historyLimit);
    st.operationState = {
      operation: trigger,
      phase: entry.result,
      startedAt,
      finishedAt: entry.finishedAt,
      revision: desired.revision,
      message: outcome.message,
      ...(outcome.hooks?.length ? { syncResult: { revision: desired.revision, resources: outcome.hooks } } : {}),
    };
    st.lastSyncedSpec = currentSyncedSpec(ctx);
    if (outcome.ok) {
      st.lastGoodRevision = desired.revision;
      clearCondition(st, 'SyncError');
    } else {
      setCondition(st, 'SyncError', 'ApplyFailed', `sync of ${short(desired.revision)} failed: ${outcome.message}`);
    }
    const verb = outcome.ok ? 'synced' : 'sync FAILED';
    ctx.log(`${verb} ${short(desired.revision)} as history #${entry.id}: ${outcome.message}`);
    await updateComparison(ctx, st, desired, desired.revision, cmp);
    return entry;
  }
}
