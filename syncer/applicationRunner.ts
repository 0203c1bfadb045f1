// Reconciles one Application: follows its git branch, validates and applies each new revision, keeps the
// status (sync, health, resources, history, conditions) current from watches, carries out the operations
// users request, heals drift and rolls back automatically when asked. This file is the loop: which pass runs
// when (reconciles of one app run one at a time; events that arrive meanwhile coalesce into one more pass) and
// what one pass does; the parts it calls live in runner/.
import { currentSyncedSpec, specChangedSinceSync } from './runner/syncedSpec';
import { Application, ApplicationStatus, ManifestErrorStatus, syncPolicyOf } from '../kube/application';
import { deepClone } from '../kube/objects';
import { shortText } from '../kube/fieldErrors';
import { GitSource, RenderCancelled, SourceError } from './git/source';
import { LiveState } from './liveState';
import { ignoredDifferencesOrError } from './diff';
import { uniqueTypes } from './sync';
import { summarizeErrors } from './statusSize';
import { nextRetryTime } from './retryBackoff';
import { RunnerContext, RunnerDeps } from './runner/context';
import { Revisions, SOURCE_RETRY_MS } from './runner/revisions';
import { AppHolder, StatusConflict, StatusWriter } from './runner/statusWriter';
import { RecordedSync } from './runner/recordedSync';
import { SelfHeal } from './runner/selfHeal';
import { AutoRollback } from './runner/rollback';
import { handleOperation } from './runner/operations';
import { alreadyInSync, updateComparison } from './runner/comparison';
import { addHistory, clearCondition, failedAttempt, NOT_APPLIED, now, setCondition, short } from './runner/statusEdits';

/** How long after a failed pass the next one runs. */
const FAILED_PASS_RETRY_MS = 2000;

export class ApplicationRunner {
  private readonly current: AppHolder;
  private readonly ctx: RunnerContext;
  private readonly live: LiveState;
  private readonly revisions: Revisions;
  private readonly writer: StatusWriter;
  private readonly recorded: RecordedSync;
  private readonly selfHeal: SelfHeal;
  private readonly autoRollback: AutoRollback;
  private running = false;
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
  private readonly stopping = new AbortController();
  private firstPass = true;
  /** what was last logged as a failed pass, and the revision whose invalid manifests were logged: each once */
  private loggedFailure = '';
  private loggedInvalid = '';
  /** resolves when the current pass (and any it triggered) ends; for tests and `slipway up` */
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: RunnerDeps,
    app: Application,
  ) {
    const current: AppHolder = {
      app,
      get name() {
        return `${this.app.metadata.namespace ?? 'default'}/${this.app.metadata.name}`;
      },
    };
    this.current = current;
    const log = (line: string) => deps.log(current.app.metadata.name, line);
    const destination = () => current.app.spec.destination?.namespace || current.app.metadata.namespace || 'default';
    this.live = new LiveState(
      deps.client,
      { name: app.metadata.name, namespace: app.metadata.namespace ?? 'default' },
      () => this.schedule(30),
      () => ignoredDifferencesOrError(current.app).ignore,
    );
    this.revisions = new Revisions(deps, {
      app: () => current.app,
      destination,
      changed: () => this.schedule(0),
      retryIn: (ms) => this.retryIn(ms),
      log,
    });
    this.writer = new StatusWriter(deps.client, current);
    const writer = this.writer;
    const live = this.live;
    const revisions = this.revisions;
    this.ctx = {
      deps,
      get app() {
        return current.app;
      },
      get destination() {
        return destination();
      },
      live,
      revisions,
      stopping: this.stopping.signal,
      log,
      writeStatus: (st) => writer.write(st),
    };
    this.recorded = new RecordedSync(this.ctx);
    this.selfHeal = new SelfHeal(this.ctx);
    this.autoRollback = new AutoRollback(this.ctx, this.recorded);
  }

  private get app(): Application {
    return this.current.app;
  }

  get name(): string {
    return this.current.name;
  }

  private log(line: string): void {
    this.ctx.log(line);
  }

  update(app: Application): void {
    this.current.app = app;
    // the echo of our own write changes nothing we have not already seen
    if (this.writer.isOwnEcho(app)) return;
    this.schedule(0);
  }

  schedule(ms: number): void {
    if (this.stopped) return;
    if (this.timer) {
      if (ms > 0) return; // a pass is already coming
      clearTimeout(this.timer);
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.run();
    }, ms);
  }

  /** One more pass after `ms` (a failure to retry), replacing any retry already set. */
  private retryIn(ms: number): void {
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.schedule(0), ms);
  }

  private async run(): Promise<void> {
    if (this.running) {
      this.dirty = true;
      return;
    }
    this.running = true;
    let done!: () => void;
    this.idle = new Promise((r) => (done = r));
    try {
      do {
        this.dirty = false;
        try {
          await this.reconcile();
          this.loggedFailure = '';
        } catch (e) {
          if (e instanceof StatusConflict) {
            this.log(e.message);
            this.dirty = true;
            continue;
          }
          const failure = shortText((e as Error).message, 300);
          if (failure !== this.loggedFailure) this.log(`reconcile failed: ${failure}`);
          this.loggedFailure = failure;
          this.retryIn(FAILED_PASS_RETRY_MS);
        }
      } while (this.dirty && !this.stopped);
    } finally {
      this.running = false;
      done();
    }
  }

  private async reconcile(): Promise<void> {
    // the status this pass builds on, and the version it is written against
    this.writer.begin();
    const st: ApplicationStatus = deepClone(this.app.status ?? {});
    if (this.firstPass) {
      this.firstPass = false;
      if (st.operationState?.phase === 'Running') {
        st.operationState = {
          ...st.operationState,
          phase: 'Failed',
          finishedAt: now(),
          message: 'interrupted by a restart of the syncer; it starts again',
        };
      }
      await this.live.track(
        uniqueTypes(
          (st.resources ?? []).map((r) => ({
            apiVersion: r.group ? `${r.group}/${r.version}` : r.version,
            kind: r.kind,
          })),
        ),
      );
    }
    const source = await this.revisions.ensureSource(st);
    if (!source) {
      await this.writer.write(st);
      return;
    }
    const op = this.app.spec?.operation;
    // our own status writes echo the app back with the request still in it: carry each request out once
    if (op && Object.keys(op).some((k) => k !== 'initiatedBy' && k !== 'id') && this.writer.claimOperation()) {
      const followBranch = (s: ApplicationStatus, src: GitSource) => this.followBranch(s, src);
      await handleOperation(this.ctx, this.recorded, followBranch, op, st, source);
      if (op.id && st.operationState) st.operationState.requestId = op.id;
      await this.writer.write(st);
      // a newer request replaced this one meanwhile: it runs next
      if (!(await this.writer.clearOperation(op))) this.schedule(0);
      return;
    }
    try {
      await this.followBranch(st, source);
      clearCondition(st, 'SourceError');
    } catch (e) {
      // the branch or folder went away, the repository moved: say so where users look, and try again
      if (!(e instanceof SourceError)) throw e;
      // a newer commit stopped this pass's render: the pass it scheduled takes over
      if (e instanceof RenderCancelled) return;
      setCondition(st, 'SourceError', 'SourceUnavailable', e.message);
      st.sync = { ...st.sync, status: 'Unknown' };
      this.retryIn(SOURCE_RETRY_MS);
    }
    await this.writer.write(st);
  }

  /** Deploys the branch's tip (or the pinned revision) when it is new or a failed sync is due a retry. */
  private async followBranch(st: ApplicationStatus, source: GitSource): Promise<void> {
    const policy = syncPolicyOf(this.app);
    const tip = await source.tip();
    const target = st.pinned?.revision ?? tip;
    const desired = await this.revisions.desired(target);
    const last = st.history?.[st.history.length - 1];
    if (desired.problems.length) {
      await this.rejectRevision(st, target, desired.problems);
      return;
    }
    clearCondition(st, 'InvalidManifest');
    const failed = failedAttempt(st, target);
    const retryDue = !!failed && Date.now() >= nextRetryTime(failed, this.deps.retryBackoff);
    const deployed =
      (last?.revision === target || st.lastGoodRevision === target) && !specChangedSinceSync(this.ctx, st);
    if (policy.automated && !st.pinned && !deployed && !failed && last && (await alreadyInSync(this.ctx, desired))) {
      // a commit that changes nothing this app deploys is no sync to record: the revision moves, the history stays
      st.lastGoodRevision = target;
      st.lastSyncedSpec = currentSyncedSpec(this.ctx);
      clearCondition(st, 'SyncError');
      this.log(`in sync at ${short(target)}: the commit changes nothing this app deploys (no history entry)`);
      await this.selfHeal.compareAndHeal(st, desired, target, last);
    } else if (policy.automated && !st.pinned && (!deployed || retryDue)) {
      // a retry updates the attempt's entry, so retries never push good entries out of the history
      await this.recorded.sync(st, desired, 'commit', undefined, failed);
    } else {
      await this.selfHeal.compareAndHeal(st, desired, target, last);
    }
    await this.autoRollback.maybeRollBack(st, source);
    this.scheduleRetry(st, target);
  }

  /** A revision with invalid manifests: nothing of it is applied; the condition and a history entry say why. */
  private async rejectRevision(st: ApplicationStatus, target: string, problems: ManifestErrorStatus[]): Promise<void> {
    const last = st.history?.[st.history.length - 1];
    const files = new Set(problems.map((p) => p.file)).size;
    const fields = `${problems.length} invalid manifest field${problems.length === 1 ? '' : 's'}`;
    const stays = st.lastGoodRevision ? ` and ${short(st.lastGoodRevision)} stays live` : '';
    const where = `${files} file${files === 1 ? '' : 's'} at ${short(target)}`;
    const message = `${fields} in ${where}; nothing of it is applied${stays}`;
    setCondition(st, 'InvalidManifest', 'ValidationFailed', message, summarizeErrors(problems));
    if (syncPolicyOf(this.app).automated && last?.revision !== target) {
      const info = await this.revisions.commitInfo(target);
      addHistory(
        st,
        {
          revision: target,
          subject: info.subject,
          author: info.author,
          startedAt: now(),
          finishedAt: now(),
          result: 'Failed',
          trigger: 'commit',
          message: `${NOT_APPLIED} ${message}`,
        },
        this.app.spec.historyLimit,
      );
    }
    if (this.loggedInvalid !== target) {
      this.loggedInvalid = target;
      for (const p of summarizeErrors(problems, 20))
        this.log(`error ${p.file}:${p.line}${p.field ? ` ${p.field}` : ''}: ${p.message}`);
    }
    const lastGood = st.lastGoodRevision ? await this.revisions.desired(st.lastGoodRevision) : undefined;
    await updateComparison(this.ctx, st, lastGood, target);
  }

  /** A failed automated sync is tried again on a timer, with back-off; the time is shown in operationState. */
  private scheduleRetry(st: ApplicationStatus, target: string): void {
    const failed = failedAttempt(st, target);
    const op = st.operationState;
    if (!failed || st.pinned || !syncPolicyOf(this.app).automated) {
      if (op?.nextRetryAt) delete op.nextRetryAt;
      return;
    }
    const at = nextRetryTime(failed, this.deps.retryBackoff);
    if (op && op.revision === target) op.nextRetryAt = new Date(at).toISOString();
    this.retryIn(Math.max(0, at - Date.now()));
  }

  /** Waits until no pass is running or scheduled. */
  async settled(): Promise<void> {
    while (this.running || this.timer) await (this.running ? this.idle : new Promise((r) => setTimeout(r, 10)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort();
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    this.revisions.stopWatching();
    this.live.stop();
    await this.idle;
    await this.revisions.close();
  }
}
