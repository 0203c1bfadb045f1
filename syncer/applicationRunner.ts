// Reconciles one Application: follows its git branch, validates and applies each new revision, keeps the
// status (sync, health, resources, history, conditions) current from watches, carries out the operations
// users request (sync, rollback, resume, refresh), heals drift and rolls back automatically when asked.
// Reconciles of one app run one at a time; events that arrive meanwhile coalesce into one more pass.
import {
  Application,
  ApplicationCondition,
  ApplicationOperation,
  ApplicationStatus,
  APPLICATION_API_VERSION,
  APPLICATION_KIND,
  DEFAULT_HISTORY_LIMIT,
  HistoryEntry,
  ManifestErrorStatus,
  syncPolicyOf,
} from '../kube/application';
import { deepClone, deepEqual } from '../kube/objects';
import { DesiredState, DesiredStateLoader } from './desiredState';
import { CommitInfo, GitSource, RenderCancelled, SourceError, SourceFile } from './git/source';
import { KubeApiError } from '../kubeclient/apiError';
import { ObjectClient } from '../kubeclient/objectClient';
import { LiveState } from './liveState';
import { compare, Comparison } from './resourceStatus';
import { needsPods } from './health';
import { syncResources, uniqueTypes } from './sync';
import { boundedStatus, summarizeErrors } from './statusSize';
import { shortText } from '../kube/fieldErrors';
import { Backoff, nextRetryTime } from './retryBackoff';

/** Someone else changed the Application's status while a pass ran: the pass runs again from theirs. */
class StatusConflict extends Error {
  constructor(app: string) {
    super(`${app}: the status was changed by another writer meanwhile; not overwriting it, reconciling again`);
  }
}

export interface RunnerDeps {
  client: ObjectClient;
  /** where remote repositories are cloned */
  stateDir: string;
  log: (app: string, line: string) => void;
  fetchIntervalMs?: number;
  waveTimeoutMs?: number;
  /** how long rendering a kustomization may take; default 60 s */
  renderTimeoutMs?: number;
  /** back-off between retries of a failed sync; default 5 s doubling up to 3 min */
  retryBackoff?: Backoff;
  /** the cluster's CRDs, kept current by a watch the controller shares among apps */
  crds?: () => any[];
}

const RUNNING_STATUS_AFTER_MS = 250;
const NOT_APPLIED = 'not applied:';

function now(): string {
  return new Date().toISOString();
}

function short(sha: string | undefined): string {
  return sha ? sha.slice(0, 7) : '';
}

function setCondition(
  st: ApplicationStatus,
  type: string,
  reason: string,
  message: string,
  errors?: ManifestErrorStatus[],
): void {
  const conditions = (st.conditions ??= []);
  const old = conditions.find((c) => c.type === type);
  const next: ApplicationCondition = {
    type,
    status: 'True',
    reason,
    message,
    lastTransitionTime: old && old.message === message ? old.lastTransitionTime : now(),
    ...(errors ? { errors } : {}),
  };
  if (old) conditions.splice(conditions.indexOf(old), 1, next);
  else conditions.push(next);
}

function clearCondition(st: ApplicationStatus, type: string): void {
  if (st.conditions) st.conditions = st.conditions.filter((c) => c.type !== type);
}

/** The status message of a pinned app: which history entry, why, and that `slipway resume` lifts it. */
export function pinnedMessage(st: ApplicationStatus, branch: string): string {
  const p = st.pinned!;
  return `Automated sync is PAUSED: the app is pinned to history #${p.id} (${short(p.revision)}) by ${p.reason}. New commits on ${branch} are not deployed until you run \`slipway resume\`.`;
}

export class ApplicationRunner {
  private app: Application;
  private source?: GitSource;
  private sourceKey = '';
  private sourceError = '';
  private stopWatch?: () => void;
  private readonly live: LiveState;
  private readonly loader = new DesiredStateLoader();
  private readonly desiredCache = new Map<string, DesiredState>();
  private running = false;
  private dirty = false;
  private timer?: NodeJS.Timeout;
  private retryTimer?: NodeJS.Timeout;
  private stopped = false;
  /** after a source error, when to try opening the source again */
  private retryAt = 0;
  private lastWritten?: ApplicationStatus;
  /** resourceVersion of the Application as our last write left it */
  private ownResourceVersion?: string;
  /** the resourceVersion and status the current pass started from (or our last write left) */
  private statusBase?: { resourceVersion: string; status: ApplicationStatus | undefined };
  /** destination namespaces known to exist */
  private readonly ensured = new Set<string>();
  /** the Application generation whose spec.operation was last carried out */
  private handledGeneration = 0;
  private readonly commits = new Map<string, CommitInfo>();
  /** the revision whose files are being read (and kustomizations rendered) now */
  private rendering?: { revision: string; abort: AbortController };
  /** resource key → the resourceVersion a self-heal left it at */
  private readonly healedAt = new Map<string, string>();
  private firstPass = true;
  /** what was last logged as a failed pass, and the revision whose invalid manifests were logged: each once */
  private loggedFailure = '';
  private loggedInvalid = '';
  /** the Degraded revision whose automatic rollback failed */
  private autoRollbackFailedFor?: string;
  /** resolves when the current pass (and any it triggered) ends; for tests and `slipway up` */
  private idle: Promise<void> = Promise.resolve();

  constructor(
    private readonly deps: RunnerDeps,
    app: Application,
  ) {
    this.app = app;
    this.live = new LiveState(
      deps.client,
      { name: app.metadata.name, namespace: app.metadata.namespace ?? 'default' },
      () => this.schedule(30),
    );
  }

  private get namespace(): string {
    return this.app.metadata.namespace ?? 'default';
  }

  /** where namespaced manifests that name no namespace go */
  private get destination(): string {
    return this.app.spec.destination?.namespace || this.app.metadata.namespace || 'default';
  }

  get name(): string {
    return `${this.namespace}/${this.app.metadata.name}`;
  }

  private log(line: string): void {
    this.deps.log(this.app.metadata.name, line);
  }

  update(app: Application): void {
    this.app = app;
    // the echo of our own write changes nothing we have not already seen
    if (app.metadata && (app.metadata as any).resourceVersion === this.ownResourceVersion) return;
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
          clearTimeout(this.retryTimer);
          this.retryTimer = setTimeout(() => this.schedule(0), 2000);
        }
      } while (this.dirty && !this.stopped);
    } finally {
      this.running = false;
      done();
    }
  }

  private ref() {
    return {
      apiVersion: APPLICATION_API_VERSION,
      kind: APPLICATION_KIND,
      namespace: this.namespace,
      name: this.app.metadata.name,
    };
  }

  private async ensureSource(st: ApplicationStatus): Promise<GitSource | undefined> {
    const spec = this.app.spec?.source;
    const key = JSON.stringify(spec ?? null);
    if (key === this.sourceKey && (this.source || Date.now() < this.retryAt)) return this.source;
    this.stopWatch?.();
    this.stopWatch = undefined;
    await this.source?.close();
    this.source = undefined;
    this.sourceKey = key;
    try {
      if (!spec?.repo) throw new Error('spec.source.repo is required: a local path or a git URL');
      this.source = await GitSource.open(
        {
          repo: spec.repo,
          branch: spec.branch,
          path: spec.path,
          allowRemoteBases: spec.kustomize?.allowRemoteBases === true,
        },
        {
          stateDir: this.deps.stateDir,
          fetchIntervalMs: this.deps.fetchIntervalMs,
          renderTimeoutMs: this.deps.renderTimeoutMs,
        },
      );
      const source = this.source;
      this.stopWatch = source.watch(() => {
        void this.cancelStaleRender(source);
        this.schedule(0);
      });
      this.sourceError = '';
      clearCondition(st, 'SourceError');
      return this.source;
    } catch (e) {
      this.sourceError = (e as Error).message;
      this.retryAt = Date.now() + 5000;
      setCondition(st, 'SourceError', 'SourceUnavailable', this.sourceError);
      st.sync = { status: 'Unknown' };
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.schedule(0), 5000);
      return undefined;
    }
  }

  private async desired(revision: string): Promise<DesiredState> {
    const crds: any[] = this.deps.crds
      ? this.deps.crds()
      : ((await this.deps.client.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).items ?? []);
    // a revision is judged against the CRDs it sees: a new or changed CRD judges it again
    const key = `${revision}|${crds.map((c) => `${c.metadata?.uid}@${c.metadata?.generation}`).join(',')}`;
    const cached = this.desiredCache.get(key);
    if (cached) return cached;
    const rendering = { revision, abort: new AbortController() };
    this.rendering = rendering;
    let files: SourceFile[];
    try {
      files = await this.source!.files(revision, rendering.abort.signal);
    } finally {
      if (this.rendering === rendering) this.rendering = undefined;
    }
    const d = this.loader.build(revision, files, {
      app: { name: this.app.metadata.name, namespace: this.namespace },
      namespace: this.destination,
      clusterCrds: crds,
    });
    // keep the few revisions in play (target, last good, rollback targets); drop the rest
    if (this.desiredCache.size > 8) this.desiredCache.delete(this.desiredCache.keys().next().value!);
    this.desiredCache.set(key, d);
    return d;
  }

  /** A render of a revision the branch has moved past is stopped, so the new tip need not wait for it. */
  private async cancelStaleRender(source: GitSource): Promise<void> {
    const r = this.rendering;
    if (!r || this.app.status?.pinned) return;
    const tip = await source.tip().catch(() => undefined);
    if (tip && tip !== r.revision && this.rendering === r) {
      this.log(`${short(tip)} arrived while ${short(r.revision)} was rendering: that render is stopped`);
      r.abort.abort();
    }
  }

  private async commitInfo(sha: string): Promise<CommitInfo> {
    let info = this.commits.get(sha);
    if (!info) {
      info = await this.source!.commitInfo(sha);
      if (this.commits.size > 64) this.commits.delete(this.commits.keys().next().value!);
      this.commits.set(sha, info);
    }
    return info;
  }

  /**
   * Replaces the whole status (a merge patch could not remove fields: a cleared pin, a resolved condition), with
   * optimistic concurrency: the write names the resourceVersion the pass started from. On 409 the app is read
   * again: when only its spec or metadata moved, the write is retried on the new version; a status someone else
   * wrote (another syncer) is never overwritten: StatusConflict makes the pass run again from it.
   */
  private async writeStatus(st: ApplicationStatus): Promise<void> {
    const comparable = (s: ApplicationStatus | undefined) => ({ ...s, reconciledAt: undefined });
    if (this.lastWritten && deepEqual(comparable(this.lastWritten), comparable(st))) return;
    st.reconciledAt = now();
    st.observedGeneration = (this.app.metadata as any).generation;
    const path = await this.deps.client.path(this.ref(), 'status');
    for (let attempt = 0; ; attempt++) {
      const base = (this.statusBase ??= this.baseOf(this.app));
      const metadata = {
        name: this.app.metadata.name,
        namespace: this.namespace,
        resourceVersion: base.resourceVersion,
      };
      const body = { apiVersion: APPLICATION_API_VERSION, kind: APPLICATION_KIND, metadata, status: boundedStatus(st) };
      try {
        const updated: Application = await this.deps.client.request('PUT', path, body);
        this.lastWritten = deepClone(st);
        this.adopt(updated);
        return;
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 409) || attempt >= 5) throw e;
        const fresh: Application = await this.deps.client.get(this.ref());
        this.app = fresh;
        // the base stays as it was, so any later write of this pass conflicts too; the next pass starts afresh
        if (!deepEqual(fresh.status, base.status)) throw new StatusConflict(this.name);
        this.statusBase = this.baseOf(fresh);
      }
    }
  }

  private baseOf(app: Application): { resourceVersion: string; status: ApplicationStatus | undefined } {
    return { resourceVersion: String(app.metadata.resourceVersion ?? ''), status: app.status };
  }

  /** Takes the Application as our own write left it: its echo is no news, and the next write builds on it. */
  private adopt(updated: Application | undefined): void {
    if (!updated?.metadata) return;
    this.app = updated;
    this.ownResourceVersion = String(updated.metadata.resourceVersion);
    this.statusBase = this.baseOf(updated);
  }

  /** Removes the request just carried out, unless a newer one replaced it meanwhile (that one runs next). */
  private async clearOperation(op: ApplicationOperation): Promise<void> {
    try {
      const updated = await this.deps.client.request(
        'PATCH',
        await this.deps.client.path(this.ref()),
        [
          { op: 'test', path: '/spec/operation', value: op },
          { op: 'remove', path: '/spec/operation' },
        ],
        'application/json-patch+json',
      );
      if (updated?.metadata) {
        this.adopt(updated);
        this.handledGeneration = Math.max(this.handledGeneration, updated.metadata.generation ?? 0);
      }
    } catch (e) {
      if (!(e instanceof KubeApiError && (e.status === 409 || e.status === 422))) throw e;
      this.schedule(0);
    }
  }

  private async reconcile(): Promise<void> {
    // the status this pass builds on, and the version it is written against
    this.statusBase = this.baseOf(this.app);
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
    const source = await this.ensureSource(st);
    if (!source) {
      await this.writeStatus(st);
      return;
    }
    const op = this.app.spec?.operation;
    const generation = (this.app.metadata as any).generation ?? 0;
    // our own status writes echo the app back with the request still in it: carry each request out once
    if (op && Object.keys(op).some((k) => k !== 'initiatedBy' && k !== 'id') && generation > this.handledGeneration) {
      this.handledGeneration = generation;
      await this.handleOperation(op, st, source);
      if (op.id && st.operationState) st.operationState.requestId = op.id;
      await this.writeStatus(st);
      await this.clearOperation(op);
      return;
    }
    try {
      await this.reconcileRevision(st, source);
      clearCondition(st, 'SourceError');
    } catch (e) {
      // the branch or folder went away, the repository moved: say so where users look, and try again
      if (!(e instanceof SourceError)) throw e;
      // a newer commit stopped this pass's render: the pass it scheduled takes over
      if (e instanceof RenderCancelled) return;
      setCondition(st, 'SourceError', 'SourceUnavailable', e.message);
      st.sync = { ...st.sync, status: 'Unknown' };
      clearTimeout(this.retryTimer);
      this.retryTimer = setTimeout(() => this.schedule(0), 5000);
    }
    await this.writeStatus(st);
  }

  private async reconcileRevision(st: ApplicationStatus, source: GitSource): Promise<void> {
    const policy = syncPolicyOf(this.app);
    const tip = await source.tip();
    const target = st.pinned?.revision ?? tip;
    const desired = await this.desired(target);
    const last = st.history?.[st.history.length - 1];
    if (desired.problems.length) {
      const files = new Set(desired.problems.map((p) => p.file)).size;
      const message = `${desired.problems.length} invalid manifest field${desired.problems.length === 1 ? '' : 's'} in ${files} file${files === 1 ? '' : 's'} at ${short(target)}; nothing of it is applied${st.lastGoodRevision ? ` and ${short(st.lastGoodRevision)} stays live` : ''}`;
      setCondition(st, 'InvalidManifest', 'ValidationFailed', message, summarizeErrors(desired.problems));
      if (policy.automated && last?.revision !== target) {
        const info = await this.commitInfo(target);
        this.addHistory(st, {
          revision: target,
          subject: info.subject,
          author: info.author,
          startedAt: now(),
          finishedAt: now(),
          result: 'Failed',
          trigger: 'commit',
          message: `${NOT_APPLIED} ${message}`,
        });
      }
      if (this.loggedInvalid !== target) {
        this.loggedInvalid = target;
        for (const p of summarizeErrors(desired.problems, 20))
          this.log(`error ${p.file}:${p.line}${p.field ? ` ${p.field}` : ''}: ${p.message}`);
      }
      await this.updateComparison(
        st,
        st.lastGoodRevision ? await this.desired(st.lastGoodRevision) : undefined,
        target,
      );
      return;
    }
    clearCondition(st, 'InvalidManifest');
    const failed = this.failedAttempt(st, target);
    const retryDue = !!failed && Date.now() >= nextRetryTime(failed, this.deps.retryBackoff);
    if (policy.automated && !st.pinned && (last?.revision !== target || retryDue)) {
      // a retry updates the attempt's entry, so retries never push good entries out of the history
      await this.performSync(st, desired, 'commit', undefined, failed);
    } else {
      await this.compareAndHeal(st, desired, target, last);
    }
    await this.maybeAutoRollback(st, source);
    this.scheduleRetry(st, target);
  }

  /** The latest history entry when it is a failed attempt to apply `target` (not a rejected one: nothing to retry). */
  private failedAttempt(st: ApplicationStatus, target: string): HistoryEntry | undefined {
    const last = st.history?.[st.history.length - 1];
    const failed = last?.revision === target && last.result === 'Failed' && !last.message?.startsWith(NOT_APPLIED);
    return failed ? last : undefined;
  }

  /** A failed automated sync is tried again on a timer, with back-off; the time is shown in operationState. */
  private scheduleRetry(st: ApplicationStatus, target: string): void {
    const failed = this.failedAttempt(st, target);
    const op = st.operationState;
    if (!failed || st.pinned || !syncPolicyOf(this.app).automated) {
      if (op?.nextRetryAt) delete op.nextRetryAt;
      return;
    }
    const at = nextRetryTime(failed, this.deps.retryBackoff);
    if (op && op.revision === target) op.nextRetryAt = new Date(at).toISOString();
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => this.schedule(0), Math.max(0, at - Date.now()));
  }

  /** Compares without syncing, and reverts drift when self-heal is on. */
  private async compareAndHeal(
    st: ApplicationStatus,
    desired: DesiredState,
    target: string,
    last: HistoryEntry | undefined,
  ): Promise<void> {
    const policy = syncPolicyOf(this.app);
    const cmp = await this.updateComparison(st, desired, target);
    if (
      policy.selfHeal &&
      cmp.outOfSync.size &&
      st.operationState?.phase !== 'Running' &&
      (!last || last.revision === target)
    ) {
      // a resource that still differs right after we applied it cannot be healed by applying it again
      const byKey = new Map(desired.resources.map((r) => [r.key, r]));
      const drifted = [...cmp.outOfSync].filter((k) => {
        const r = byKey.get(k);
        if (!r) return false;
        const rv = this.live.get(r.ref)?.metadata?.resourceVersion;
        return rv === undefined || this.healedAt.get(k) !== rv;
      });
      if (drifted.length) {
        this.log(
          `self-heal: ${drifted.length} resource${drifted.length === 1 ? '' : 's'} drifted from ${short(target)}: ${drifted.join(', ')}`,
        );
        const outcome = await syncResources(desired, {
          client: this.deps.client,
          live: this.live,
          prune: false,
          only: new Set(drifted),
          progress: (l) => this.log(l),
        });
        for (const k of drifted) {
          const rv = this.live.get(byKey.get(k)!.ref)?.metadata?.resourceVersion;
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
        await this.updateComparison(st, desired, target);
      }
    }
  }

  /** Refreshes resources, health, sync status and the latest history entry's health; returns the comparison. */
  private async updateComparison(
    st: ApplicationStatus,
    desired: DesiredState | undefined,
    target: string,
    known?: Comparison,
  ) {
    // workloads are judged with their pods: watch them before judging
    if (desired?.resources.some((r) => needsPods(r.object))) await this.live.trackPods();
    const cmp: Comparison =
      known ??
      (desired
        ? compare(desired, this.live)
        : { resources: [], outOfSync: new Set<string>(), health: { status: 'Missing' } });
    st.resources = cmp.resources;
    st.health = cmp.health;
    const synced = desired?.revision === target && cmp.outOfSync.size === 0;
    st.sync = { status: synced ? 'Synced' : 'OutOfSync', revision: target, shortRevision: short(target) };
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
    this.showPin(st);
    return cmp;
  }

  /** autoSync and the Pinned condition say whether the app follows its branch. */
  private showPin(st: ApplicationStatus): void {
    const paused = st.pinned && `Paused: pinned to #${st.pinned.id} (slipway resume)`;
    st.autoSync = paused || (syncPolicyOf(this.app).automated ? 'On' : 'Off');
    if (st.pinned) setCondition(st, 'Pinned', 'RolledBack', pinnedMessage(st, this.source?.branch ?? 'the branch'));
    else clearCondition(st, 'Pinned');
  }

  private addHistory(st: ApplicationStatus, e: Omit<HistoryEntry, 'id'>): HistoryEntry {
    const history = (st.history ??= []);
    const entry: HistoryEntry = { id: (history[history.length - 1]?.id ?? 0) + 1, ...e };
    history.push(entry);
    const limit = this.app.spec.historyLimit ?? DEFAULT_HISTORY_LIMIT;
    if (history.length > limit) history.splice(0, history.length - limit);
    return entry;
  }

  /** Syncs `desired` and records it: a new history entry, or `retryOf` updated in place when this retries it. */
  private async performSync(
    st: ApplicationStatus,
    desired: DesiredState,
    trigger: string,
    message?: string,
    retryOf?: HistoryEntry,
  ): Promise<HistoryEntry> {
    const startedAt = now();
    const info = await this.commitInfo(desired.revision);
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
      () => (runningWrite = this.writeStatus(running).catch(() => undefined)),
      RUNNING_STATUS_AFTER_MS,
    );
    const retry = retryOf ? (retryOf.retries ?? 0) + 1 : 0;
    const why = retryOf ? `retry ${retry} of #${retryOf.id}` : trigger;
    this.log(`sync ${short(desired.revision)} (${why}): ${info.subject}`);
    const policy = syncPolicyOf(this.app);
    const outcome = await syncResources(desired, {
      client: this.deps.client,
      live: this.live,
      prune: policy.prune,
      progress: (l) => this.log(l),
      ensureNamespaces: [this.destination].filter((n) => !this.ensured.has(n)),
      waveTimeoutMs: this.deps.waveTimeoutMs,
    });
    clearTimeout(runningTimer);
    await runningWrite;
    if (outcome.ok) this.ensured.add(this.destination);
    const cmp = compare(desired, this.live);
    const result: Omit<HistoryEntry, 'id' | 'startedAt' | 'trigger'> = {
      revision: desired.revision,
      subject: info.subject,
      author: info.author,
      finishedAt: now(),
      result: outcome.ok ? 'Succeeded' : 'Failed',
      health: outcome.ok ? cmp.health.status : cmp.health.status === 'Healthy' ? 'Degraded' : cmp.health.status,
      message: [message, outcome.message].filter(Boolean).join('; '),
    };
    const entry = retryOf
      ? Object.assign(retryOf, result, { retries: retry })
      : this.addHistory(st, { ...result, startedAt, trigger });
    st.operationState = {
      operation: trigger,
      phase: entry.result,
      startedAt,
      finishedAt: entry.finishedAt,
      revision: desired.revision,
      message: outcome.message,
    };
    if (outcome.ok) {
      st.lastGoodRevision = desired.revision;
      clearCondition(st, 'SyncError');
    } else {
      setCondition(st, 'SyncError', 'ApplyFailed', `sync of ${short(desired.revision)} failed: ${outcome.message}`);
    }
    this.log(
      `${outcome.ok ? 'synced' : 'sync FAILED'} ${short(desired.revision)} as history #${entry.id}: ${outcome.message}`,
    );
    await this.updateComparison(st, desired, desired.revision, cmp);
    return entry;
  }

  private async maybeAutoRollback(st: ApplicationStatus, source: GitSource): Promise<void> {
    if (!syncPolicyOf(this.app).autoRollback) return;
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
    if (!good) {
      setCondition(
        st,
        'AutoRollback',
        'NoHealthyRevision',
        `#${latest.id} (${short(latest.revision)}) left the app Degraded, but no earlier history entry was Healthy to roll back to`,
      );
      return;
    }
    // a rollback that failed is not tried again for the same revision (that would loop): the condition says why
    if (this.autoRollbackFailedFor === latest.revision) return;
    const cause = latest.result === 'Failed' ? latest.message : (st.health?.message ?? 'Degraded');
    const why = `automatic rollback: #${latest.id} (${short(latest.revision)}) left the app Degraded: ${cause}`;
    this.log(why);
    try {
      await this.rollback(st, source, good.id, false, 'automatic rollback', why);
      setCondition(st, 'AutoRollback', 'RolledBack', `${why}; rolled back to #${good.id} (${short(good.revision)})`);
    } catch (e) {
      this.autoRollbackFailedFor = latest.revision;
      const message = `${why}; rolling back to #${good.id} (${short(good.revision)}) failed: ${(e as Error).message}`;
      setCondition(st, 'AutoRollback', 'RollbackFailed', message);
      this.log(`automatic rollback failed: ${(e as Error).message}`);
    }
  }

  private async rollback(
    st: ApplicationStatus,
    source: GitSource,
    id: number,
    git: boolean,
    by: string,
    message?: string,
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
      const desired = await this.desired(sha);
      if (desired.problems.length) throw new Error(`the revert commit ${short(sha)} has invalid manifests`);
      await this.performSync(
        st,
        desired,
        'rollback --git',
        `revert commit ${short(sha)} restores #${id} (${short(entry.revision)})`,
      );
      return;
    }
    const desired = await this.desired(entry.revision);
    if (desired.problems.length)
      throw new Error(`history #${id} (${short(entry.revision)}) has invalid manifests; pick another entry`);
    const trigger = by === 'automatic rollback' ? 'autoRollback' : 'rollback';
    const done = await this.performSync(st, desired, trigger, message ?? `rollback to #${id}`);
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
    this.showPin(st);
  }

  private async handleOperation(op: ApplicationOperation, st: ApplicationStatus, source: GitSource): Promise<void> {
    const startedAt = now();
    const name = op.rollback
      ? `rollback ${op.rollback.id}${op.rollback.git ? ' --git' : ''}`
      : op.sync
        ? 'sync'
        : op.resume
          ? 'resume'
          : 'refresh';
    try {
      if (op.refresh) {
        await source.fetch();
        this.desiredCache.clear();
        await this.reconcileRevision(st, source);
      } else if (op.resume) {
        if (st.pinned) this.log(`resumed: following ${source.branch} again (was pinned to #${st.pinned.id})`);
        delete st.pinned;
        clearCondition(st, 'AutoRollback');
        await this.reconcileRevision(st, source);
      } else if (op.rollback) {
        await this.rollback(st, source, op.rollback.id, !!op.rollback.git, 'rollback');
      } else if (op.sync) {
        await source.fetch();
        const revision = op.sync.revision
          ? await this.resolveRevision(source, op.sync.revision)
          : (st.pinned?.revision ?? (await source.tip()));
        const desired = await this.desired(revision);
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
        await this.performSync(st, desired, 'sync');
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
      this.log(`${name} failed: ${(e as Error).message}`);
    }
  }

  private async resolveRevision(source: GitSource, rev: string): Promise<string> {
    if (/^[0-9a-f]{40}$/.test(rev) && (await source.hasCommit(rev))) return rev;
    const match = (this.app.status?.history ?? []).find((h) => h.revision.startsWith(rev));
    if (match) return match.revision;
    throw new Error(`unknown revision ${rev}: give a full commit sha or the start of one in the history`);
  }

  /** Waits until no pass is running or scheduled. */
  async settled(): Promise<void> {
    while (this.running || this.timer) await (this.running ? this.idle : new Promise((r) => setTimeout(r, 10)));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.retryTimer);
    this.stopWatch?.();
    this.live.stop();
    // a render may hang until its timeout: stopping need not wait for it
    this.rendering?.abort.abort();
    await this.idle;
    await this.source?.close();
  }
}
