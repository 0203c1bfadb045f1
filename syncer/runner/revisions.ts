// One Application's git source and what its revisions hold: opens (and reopens) the source when the spec names
// another, reads and validates a revision's manifests once per set of cluster CRDs, and stops a render the branch
// has moved past.
import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1';
import { Application, ApplicationStatus } from '../../kube/application';
import { DesiredState, DesiredStateLoader } from '../desiredState';
import { remotePodProblems } from '../remotePods';
import { CommitInfo, GitSource, SourceFile } from '../git/source';
import { sourceSpecOf } from '../sourceSpec';
import { folderApplications, generatesApplications } from '../folderApplications';
import type { RunnerDeps } from './context';
import { clearCondition, setCondition, short } from './statusEdits';

/** How long after a source failed to open it is tried again. */
export const SOURCE_RETRY_MS = 5000;

export interface RevisionEvents {
  /** the Application as it is now */
  app(): Application;
  /** where namespaced manifests that name no namespace go */
  destination(): string;
  /** the branch moved */
  changed(): void;
  /** the source could not be opened: try again in `ms` */
  retryIn(ms: number): void;
  log(line: string): void;
}

export class Revisions {
  private source?: GitSource;
  private sourceKey = '';
  /** after a source error, when to try opening the source again */
  private retryAt = 0;
  private stopWatch?: () => void;
  private readonly loader = new DesiredStateLoader();
  private readonly desiredCache = new Map<string, DesiredState>();
  private readonly commits = new Map<string, CommitInfo>();
  /** the revision whose files are being read (and kustomizations rendered) now */
  private rendering?: { revision: string; abort: AbortController };

  constructor(
    private readonly deps: RunnerDeps,
    private readonly events: RevisionEvents,
  ) {}

  /** The branch's tip, or undefined when the source is not open or cannot say. */
  async tip(): Promise<string | undefined> {
    return this.source?.tip().catch(() => undefined);
  }

  /** the branch the source follows, once it is open */
  get branch(): string | undefined {
    return this.source?.branch;
  }

  /**
   * The source the spec names, opened (and watched) when the spec changed. When it cannot be opened the
   * SourceError condition says why and undefined is returned; it is tried again after SOURCE_RETRY_MS.
   */
  async ensureSource(st: ApplicationStatus): Promise<GitSource | undefined> {
    const app = this.events.app();
    const spec = app.spec?.source;
    // the helm namespace comes from the destination: a change there reopens the source too
    const key = JSON.stringify(spec ? sourceSpecOf(app) : null);
    if (key === this.sourceKey && (this.source || Date.now() < this.retryAt)) return this.source;
    this.stopWatch?.();
    this.stopWatch = undefined;
    await this.source?.close();
    this.source = undefined;
    this.sourceKey = key;
    // the same revision reads differently under another path, directory or helm setting
    this.desiredCache.clear();
    try {
      if (!spec?.repo) throw new Error('spec.source.repo is required: a local path or a git URL');
      this.source = await GitSource.open(sourceSpecOf(this.events.app()), {
        stateDir: this.deps.stateDir,
        fetchIntervalMs: this.deps.fetchIntervalMs,
        renderTimeoutMs: this.deps.renderTimeoutMs,
      });
      const source = this.source;
      this.stopWatch = source.watch(() => {
        void this.cancelStaleRender(source);
        this.events.changed();
      });
      clearCondition(st, 'SourceError');
      return this.source;
    } catch (e) {
      this.retryAt = Date.now() + SOURCE_RETRY_MS;
      setCondition(st, 'SourceError', 'SourceUnavailable', (e as Error).message);
      st.sync = { status: 'Unknown' };
      this.events.retryIn(SOURCE_RETRY_MS);
      return undefined;
    }
  }

  /** The manifests of `revision`, validated against the cluster's CRDs and prepared for applying. */
  async desired(revision: string): Promise<DesiredState> {
    const crds: CustomResourceDefinition[] = this.deps.crds
      ? this.deps.crds()
      : ((await this.deps.client.list('apiextensions.k8s.io/v1', 'CustomResourceDefinition')).items ?? []);
    const app = this.events.app();
    const generates = generatesApplications(app);
    // a revision is judged against the CRDs it sees: a new or changed CRD judges it again; another source, another
    // destination or (for generated children) another sync policy makes other resources of the same revision
    const key = [
      revision,
      crds.map((c) => `${c.metadata?.uid}@${c.metadata?.generation}`).join(','),
      this.sourceKey,
      this.events.destination(),
      generates ? JSON.stringify([app.spec.syncPolicy, app.spec.historyLimit]) : '',
    ].join('|');
    const cached = this.desiredCache.get(key);
    if (cached) return cached;
    const rendering = { revision, abort: new AbortController() };
    this.rendering = rendering;
    let files: SourceFile[];
    try {
      const source = this.source!;
      files = generates
        ? folderApplications(app, source.branch, await source.folders(revision))
        : await source.files(revision, rendering.abort.signal);
    } finally {
      if (this.rendering === rendering) this.rendering = undefined;
    }
    const built = this.loader.build(revision, files, {
      app: { name: app.metadata.name, namespace: app.metadata.namespace ?? 'default' },
      namespace: this.events.destination(),
      clusterCrds: crds,
    });
    const refused =
      this.deps.refuseRemotePods && this.source?.remote
        ? remotePodProblems(built.resources, this.deps.refuseRemotePods)
        : [];
    const d = refused.length ? { revision, resources: [], problems: refused } : built;
    // keep the few revisions in play (target, last good, rollback targets); drop the rest
    if (this.desiredCache.size > 8) this.desiredCache.delete(this.desiredCache.keys().next().value!);
    this.desiredCache.set(key, d);
    return d;
  }

  /** Forgets what revisions held (a refresh reads them again). */
  clearCache(): void {
    this.desiredCache.clear();
  }

  async commitInfo(sha: string): Promise<CommitInfo> {
    let info = this.commits.get(sha);
    if (!info) {
      info = await this.source!.commitInfo(sha);
      if (this.commits.size > 64) this.commits.delete(this.commits.keys().next().value!);
      this.commits.set(sha, info);
    }
    return info;
  }

  /** A render of a revision the branch has moved past is stopped, so the new tip need not wait for it. */
  private async cancelStaleRender(source: GitSource): Promise<void> {
    const r = this.rendering;
    if (!r || this.events.app().status?.pinned) return;
    const tip = await source.tip().catch(() => undefined);
    if (tip && tip !== r.revision && this.rendering === r) {
      this.events.log(`${short(tip)} arrived while ${short(r.revision)} was rendering: that render is stopped`);
      r.abort.abort();
    }
  }

  /** Stops the watch and any render (which may hang until its timeout: stopping need not wait for it). */
  stopWatching(): void {
    this.stopWatch?.();
    this.rendering?.abort.abort();
  }

  async close(): Promise<void> {
    await this.source?.close();
  }
}
