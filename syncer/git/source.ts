// A git branch as the desired state. Everything is read from git objects at the branch tip, never from a
// work tree, so uncommitted edits do not deploy. Local repositories are used in place and watched through
// their ref files (refWatcher.ts); URLs are cloned (bare) into the state folder and fetched (remoteSource.ts).
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { SimpleGit } from 'simple-git';
import { readObjects, BlobReadStats } from './blobReader';
import { parseCommitObject } from './commitObject';
import { ObjectReader, parseTree } from './objectReader';
import { SourceError } from './errors';
import { gitIn, isSha } from './gitCommand';
import { DirectoryOptions } from './directoryFilter';
import { HelmOptions, renderChart } from './helmChart';
import { renderKustomization } from './kustomize';
import { inParallel } from '../inParallel';
import { checkKustomizationReferences, commitFiles } from './kustomizeReferences';
import { isRemoteAddress, listBranches, Location, openLocal } from './location';
import { openRemote, RemoteFetcher } from './remoteSource';
import { watchRefs } from './refWatcher';
import { revertPath } from './revert';
import { isManifestName, TreeEntry, parseLsTree, planTree, RenderedFolder } from './tree';

export { SourceError } from './errors';
export { RenderCancelled } from './errors';

export interface SourceSpec {
  /** local path (work tree or bare repository, used in place) or URL (file://, https://, ssh://, user@host:path), cloned */
  repo: string;
  branch?: string;
  /** folder (or one manifest file) inside the repository, default '.' */
  path?: string;
  /** clone and fetch even though `repo` is a local path, as if it were a URL */
  remote?: boolean;
  /** let kustomizations use remote bases (URLs, git addresses), which kustomize fetches; default refused */
  allowRemoteBases?: boolean;
  /** which files of a folder are read: recurse, include, exclude (as Argo CD's source.directory) */
  directory?: DirectoryOptions;
  /** how a Helm chart folder is rendered; default release name: the chart folder's name, namespace default */
  helm?: HelmOptions;
}

export interface CommitInfo {
  sha: string;
  subject: string;
  /** "Name <email>" */
  author: string;
  /** ISO 8601 */
  date: string;
}

export interface SourceFile {
  /** repository-relative, posix */
  path: string;
  text: string;
  /** git blob id of `text` */
  blob: string;
}

export interface GitSourceOptions {
  stateDir: string;
  /** how often a remote is fetched while watched; default 60 s */
  fetchIntervalMs?: number;
  /** how long `kubectl kustomize` may run before it is stopped; default 60 s */
  renderTimeoutMs?: number;
}

/** Stops a watch; `ready` resolves once changes are being noticed. */
export type StopWatch = (() => void) & { ready: Promise<void> };

/** Work done reading blobs, so callers (and tests) can see that a resync reads only what changed. */
export interface SourceStats {
  /** `git cat-file --batch` processes started */
  catFileRuns: number;
  /** blobs read through them */
  blobsRead: number;
  /** kustomizations rendered with kubectl */
  renders: number;
}

const DEFAULT_FETCH_INTERVAL_MS = 60_000;
/** changed blobs read through the long-lived cat-file reader rather than a batch process of their own */
const FEW_BLOBS = 64;
/** kustomizations rendered at once (each a kubectl process) */
const RENDER_CONCURRENCY = 4;

export class GitSource {
  readonly remote: boolean;
  readonly branch: string;
  readonly path: string;
  readonly repoDir: string;
  /** the address given in the spec (a URL without its password, or the absolute path) */
  readonly label: string;
  readonly stats: SourceStats = { catFileRuns: 0, blobsRead: 0, renders: 0 };

  private readonly git: SimpleGit;
  private readonly gitDir: string;
  private readonly commonDir: string;
  private readonly url?: string;
  /** fetches a remote's clone; undefined for a local repository */
  private readonly fetcher?: RemoteFetcher;
  private readonly renderTimeoutMs?: number;
  private readonly allowRemoteBases: boolean;
  private readonly directory: DirectoryOptions;
  private readonly helm?: HelmOptions;
  // blob texts by id: the last files() result and the one before, so flipping between two commits is free
  private texts = new Map<string, string>();
  private olderTexts = new Map<string, string>();
  private renders = new Map<string, SourceFile>();
  private olderRenders = new Map<string, SourceFile>();
  private lastFiles?: { sha: string; files: SourceFile[] };
  /** the path's tree id at lastFiles: a commit that leaves it alone needs no listing */
  private lastTreeId?: string;
  private reader?: ObjectReader;
  private hasRenders = false;
  // flattened trees by id (this listing's and the one before), so a listing re-reads only changed folders
  private flatTrees = new Map<string, TreeEntry[]>();
  private olderFlatTrees = new Map<string, TreeEntry[]>();
  private closed = false;
  private stops = new Set<() => void>();

  private constructor(loc: Location, opts: GitSourceOptions, spec: SourceSpec) {
    this.remote = loc.remote;
    this.label = loc.label;
    this.url = loc.url;
    this.repoDir = loc.repoDir;
    this.gitDir = loc.gitDir;
    this.commonDir = loc.commonDir;
    this.branch = loc.branch;
    this.path = loc.path;
    this.renderTimeoutMs = opts.renderTimeoutMs;
    this.allowRemoteBases = spec.allowRemoteBases === true;
    this.directory = spec.directory ?? {};
    this.helm = spec.helm;
    this.git = gitIn(loc.repoDir);
    const interval = opts.fetchIntervalMs ?? DEFAULT_FETCH_INTERVAL_MS;
    if (loc.remote) this.fetcher = new RemoteFetcher(this.git, this.label, () => this.tip(), interval);
  }

  /** Opens a source. A local repo is used in place; a URL is cloned (bare) into `${stateDir}/repos/<safe-name>` and fetched. */
  static async open(spec: SourceSpec, opts: GitSourceOptions): Promise<GitSource> {
    if (!spec || typeof spec.repo !== 'string' || !spec.repo.trim()) {
      throw new SourceError('a git source needs repo: the path of a local repository or a URL');
    }
    if (spec.branch !== undefined && (typeof spec.branch !== 'string' || !spec.branch.trim())) {
      throw new SourceError(`${spec.repo}: branch must be a non-empty string`);
    }
    const remote = spec.remote === true || isRemoteAddress(spec.repo);
    const loc = remote ? await openRemote(spec, opts?.stateDir) : await openLocal(spec);
    return new GitSource(loc, opts, spec);
  }

  /** sha of the branch tip (no fetch) */
  async tip(): Promise<string> {
    // the ref file answers without starting a process; git itself when the ref is packed or unusual
    const fromFile = readLooseRef(this.commonDir, this.branch);
    if (fromFile) return fromFile;
    try {
      return (await this.git.raw(['rev-parse', '--verify', `refs/heads/${this.branch}^{commit}`])).trim();
    } catch {
      throw await this.missingBranchError();
    }
  }

  /** remotes: git fetch now (for `slipway refresh`); local: no-op. Watchers hear of a moved tip. */
  fetch(): Promise<void> {
    return this.fetcher?.fetch() ?? Promise.resolve();
  }

  async commitInfo(sha: string): Promise<CommitInfo> {
    this.checkSha(sha);
    const obj = await this.objects().read(`${sha}^{commit}`);
    const fields = obj?.type === 'commit' ? parseCommitObject(obj.data) : undefined;
    if (!obj || !fields)
      throw new SourceError(
        `${this.label}: no commit ${sha}; it may not have been fetched yet, or was removed by a force-push`,
      );
    return { sha: obj.id, ...fields };
  }

  async hasCommit(sha: string): Promise<boolean> {
    if (!isSha(sha)) return false;
    try {
      // `cat-file -t` rather than `-e`: it prints, and so it says "yes" as fast as "no"
      return (await this.git.raw(['cat-file', '-t', `${sha}^{commit}`])).trim() === 'commit';
    } catch {
      return false;
    }
  }

  /**
   * Every .yaml/.yml/.json of path at sha (or the one file path names), sorted by path, read from git objects:
   * the folder's own files, and those of its folders with directory.recurse, chosen by directory.include and
   * exclude (planTree). Blob texts are cached by blob id, so a resync reads only changed blobs. A kustomization
   * folder is rendered with `kubectl kustomize` and returned as one file, '<dir>/kustomization.yaml (rendered)';
   * a chart folder likewise (helmChart.ts); the files under them are not returned raw. Names starting with '.'
   * are skipped, as in a folder of manifests. Aborting `signal` stops a render in progress (a newer commit need not wait for it); files() then
   * rejects with RenderCancelled.
   */
  async files(sha: string, signal?: AbortSignal): Promise<SourceFile[]> {
    this.checkSha(sha);
    if (this.lastFiles?.sha === sha) return [...this.lastFiles.files];
    const root = await this.pathObject(sha);
    if (this.lastFiles && root.id === this.lastTreeId && !this.hasRenders) {
      this.lastFiles = { sha, files: this.lastFiles.files };
      return [...this.lastFiles.files];
    }
    if (root.type === 'blob') return this.singleFile(sha, root);
    this.olderFlatTrees = this.flatTrees;
    this.flatTrees = new Map();
    const entries = await this.flatten(root.id, root.data);
    const tree = planTree(entries, this.directory);

    const texts = new Map<string, string>();
    const missing: string[] = [];
    for (const e of tree.manifests) {
      const t = this.texts.get(e.id) ?? this.olderTexts.get(e.id);
      if (t === undefined) missing.push(e.id);
      else texts.set(e.id, t);
    }
    const ids = [...new Set(missing)];
    // a few changed blobs come through the long-lived reader; many (a first read) through one batch process
    const read =
      ids.length <= FEW_BLOBS ? await this.readFew(ids) : await readObjects(this.repoDir, ids, this.blobStats());
    for (const [id, data] of read) texts.set(id, data.toString('utf8'));

    const out: SourceFile[] = tree.manifests.map((e) => ({
      path: this.repoPath(e.path),
      text: texts.get(e.id)!,
      blob: e.id,
    }));
    const renders = new Map<string, SourceFile>();
    // each kubectl or helm run is mostly its own start-up and schema load: several render side by side
    const rendered = await inParallel(tree.rendered, RENDER_CONCURRENCY, (folder) => this.render(sha, folder, signal));
    for (const r of rendered) {
      renders.set(r.key, r.file);
      out.push(r.file);
    }
    out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

    this.olderTexts = this.texts;
    this.texts = texts;
    this.olderRenders = this.renders;
    this.renders = renders;
    this.lastFiles = { sha, files: out };
    this.lastTreeId = root.id;
    // a kustomization may reach outside the path (../base): its render depends on more than the path's tree
    this.hasRenders = tree.rendered.length > 0;
    return [...out];
  }

  /**
   * The folders directly under path at sha, sorted, as repository paths (hidden ones skipped): what an app that
   * generates one Application per folder deploys. Only the path's own tree is read.
   */
  async folders(sha: string): Promise<string[]> {
    this.checkSha(sha);
    const root = await this.pathObject(sha);
    if (root.type !== 'tree')
      throw new SourceError(`${this.label}: path ${this.path} is a file; one Application per folder needs a folder`);
    return parseTree(root.data, root.id.length / 2)
      .filter((e) => e.type === 'tree' && !e.path.startsWith('.'))
      .map((e) => this.repoPath(e.path))
      .sort();
  }

  /**
   * Calls onChange (a lone ref update at once, a burst coalesced into a call ~20 ms after its last; never lost) when
   * the branch tip may have moved: local repositories through their ref files (loose ref, packed-refs, HEAD,
   * in the git dir and, for linked worktrees, the common dir); remotes by a fetch every fetchIntervalMs and
   * after any fetch() that moved the tip. Fetch failures go to onError. Returns a stop function.
   */
  watch(onChange: () => void, onError?: (e: SourceError) => void): StopWatch {
    if (this.closed) throw new SourceError(`${this.label}: the source is closed`);
    let stop: () => void;
    let ready: Promise<void>;
    if (this.fetcher) {
      stop = this.fetcher.watch(onChange, onError);
      ready = Promise.resolve();
    } else {
      const w = watchRefs({ gitDir: this.gitDir, commonDir: this.commonDir, branch: this.branch }, onChange);
      stop = () => w.stop();
      ready = w.ready;
    }
    const once = () => {
      if (!this.stops.delete(once)) return;
      stop();
    };
    this.stops.add(once);
    return Object.assign(once, { ready });
  }

  /**
   * Commits, on the branch, a change that makes `path` equal to its content at sha (files added since are
   * removed), message `Revert ${path} to ${short sha} (${reason})`, and returns the new commit's sha (or the
   * tip, unchanged, when path already equals its content at sha). A work tree with the branch checked out
   * must have no uncommitted changes under path, and is updated too; bare repositories and branches not
   * checked out get the commit through a temporary index. A remote gets the commit pushed.
   */
  async revertTo(sha: string, reason: string): Promise<string> {
    this.checkSha(sha);
    const tip = await this.tip();
    const result = await revertPath(
      {
        repoDir: this.repoDir,
        label: this.label,
        branch: this.branch,
        path: this.path,
        remote: this.remote,
        url: this.url,
      },
      tip,
      sha,
      reason,
    );
    if (result !== tip) this.fetcher?.notify();
    return result;
  }

  async close(): Promise<void> {
    this.closed = true;
    this.reader?.close();
    for (const stop of [...this.stops]) stop();
    await this.fetcher?.close();
  }

  // ---- reading

  private objects(): ObjectReader {
    return (this.reader ??= new ObjectReader(this.repoDir, this.blobStats()));
  }

  /** The tree (or file) at the source's path in a commit, read through the long-lived cat-file process. */
  private async pathObject(sha: string): Promise<{ id: string; type: string; data: Buffer }> {
    const treeish = this.path === '.' ? `${sha}^{tree}` : `${sha}:${this.path}`;
    const obj = await this.objects().read(treeish);
    if (!obj || (obj.type !== 'tree' && obj.type !== 'blob')) throw await this.missingPathError(sha);
    return obj;
  }

  /** A path naming one file: that file is the source (as Argo CD reads a directory of one). */
  private singleFile(sha: string, blob: { id: string; data: Buffer }): SourceFile[] {
    if (!isManifestName(this.path)) {
      throw new SourceError(
        `${this.label}: path ${this.path} is a file at commit ${sha.slice(0, 7)} but not .yaml, .yml or .json`,
      );
    }
    const files = [{ path: this.path, text: blob.data.toString('utf8'), blob: blob.id }];
    this.lastFiles = { sha, files };
    this.lastTreeId = blob.id;
    this.hasRenders = false;
    return [...files];
  }

  /** Every entry below a tree, as `ls-tree -r -t` lists them; unchanged subtrees come from the last listing. */
  private async flatten(id: string, data?: Buffer): Promise<TreeEntry[]> {
    const known = this.flatTrees.get(id) ?? this.olderFlatTrees.get(id);
    if (known) {
      this.flatTrees.set(id, known);
      return known;
    }
    if (!data) {
      const obj = await this.objects().read(id);
      if (!obj || obj.type !== 'tree')
        throw new SourceError(`${this.label}: tree ${id} is missing from the repository`);
      data = obj.data;
    }
    const out: TreeEntry[] = [];
    for (const e of parseTree(data, id.length / 2)) {
      out.push(e);
      if (e.type !== 'tree') continue;
      for (const child of await this.flatten(e.id)) out.push({ ...child, path: `${e.path}/${child.path}` });
    }
    this.flatTrees.set(id, out);
    return out;
  }

  private async missingPathError(sha: string): Promise<SourceError> {
    if (!(await this.hasCommit(sha))) {
      return new SourceError(
        `${this.label}: no commit ${sha}; it may not have been fetched yet, or was removed by a force-push`,
      );
    }
    return new SourceError(
      `${this.label}: path ${this.path} does not exist at commit ${sha.slice(0, 7)} on branch ${this.branch}; check the path (nothing is pruned while it is missing)`,
    );
  }

  /**
   * Renders the kustomization in `dir` (relative to the path). What it reads is found by following its references
   * (kustomizeReferences.ts), all through the long-lived cat-file reader and the cached tree listings, with no
   * process per step: the render is cached by the ids of those folders and files, so a commit elsewhere in the
   * repository renders nothing, and only they are written out for kubectl.
   */
  private async render(
    sha: string,
    { dir, file, tool }: RenderedFolder,
    signal?: AbortSignal,
  ): Promise<{ key: string; file: SourceFile }> {
    if (tool === 'helm') return this.renderHelm(sha, dir, file, signal);
    const root = await this.objects().read(`${sha}^{tree}`);
    if (!root || root.type !== 'tree') throw await this.missingPathError(sha);
    const all = await this.flatten(root.id, root.data);
    const byPath = new Map(all.map((e) => [e.path, e]));
    const repoDir = this.repoPath(dir);
    const reached = await checkKustomizationReferences(
      commitFiles(
        all.filter((e) => e.type === 'blob'),
        (id) => this.readBlob(id),
      ),
      { dir: repoDir, allowRemoteBases: this.allowRemoteBases, where: `${this.label} at ${sha.slice(0, 7)}` },
    );
    const idOf = (p: string) => (p === '.' ? root.id : byPath.get(p)?.id);
    const parts = [...reached.folders, ...reached.files].sort().map((p) => `${p}@${idOf(p)}`);
    const key = `${repoDir}|${parts.join(',')}`;
    const cached = this.renders.get(key) ?? this.olderRenders.get(key);
    if (cached) return { key, file: cached };

    const renderedPath = `${repoDir}/${file} (rendered)`.replace(/^\.\//, '');
    const where = `${this.label}: ${this.repoPath(dir === '.' ? file : `${dir}/${file}`)} at ${sha.slice(0, 7)}`;
    // kustomize reads only inside each kustomization's folder and the files they name; symlinks could point
    // anywhere on this machine
    const blobs = all.filter(
      (e) =>
        e.type === 'blob' &&
        e.mode !== '120000' &&
        (reached.files.includes(e.path) || reached.folders.some((f) => inDir(e.path, f))),
    );
    const data = await Promise.all(blobs.map((e) => this.objects().read(e.id)));
    this.stats.renders++;
    const checkout = blobs.map((e, i) => ({ path: e.path, data: data[i]!.data }));
    const text = await renderKustomization(checkout, repoDir, where, { timeoutMs: this.renderTimeoutMs, signal });
    return { key, file: { path: renderedPath, text, blob: blobId(text) } };
  }

  /** A chart folder rendered with helm from the whole commit (its values files may sit outside the chart). */
  private async renderHelm(
    sha: string,
    dir: string,
    file: string,
    signal?: AbortSignal,
  ): Promise<{ key: string; file: SourceFile }> {
    const repoDir = this.repoPath(dir);
    const rootTree = (await this.git.raw(['rev-parse', `${sha}^{tree}`])).trim();
    const key = `${rootTree}:helm:${repoDir}`;
    const cached = this.renders.get(key) ?? this.olderRenders.get(key);
    if (cached) return { key, file: cached };
    const listing = await this.git.raw(['ls-tree', '-r', '-z', '--full-name', rootTree]);
    // symlinks could point anywhere on this machine
    const blobs = parseLsTree(listing).filter((e) => e.type === 'blob' && e.mode !== '120000');
    const data = await readObjects(
      this.repoDir,
      blobs.map((e) => e.id),
      this.blobStats(),
    );
    this.stats.renders++;
    const checkout = blobs.map((e) => ({ path: e.path, data: data.get(e.id)! }));
    const helm = this.helm ?? {
      releaseName: path.posix.basename(path.posix.resolve('/', repoDir)) || 'release',
      namespace: 'default',
    };
    const text = await renderChart(checkout, repoDir, repoDir, helm, { timeoutMs: this.renderTimeoutMs, signal });
    const renderedPath = `${repoDir}/${file} (rendered)`.replace(/^\.\//, '');
    return { key, file: { path: renderedPath, text, blob: blobId(text) } };
  }

  private async readFew(ids: string[]): Promise<Map<string, Buffer>> {
    const objs = await Promise.all(ids.map((id) => this.objects().read(id)));
    return new Map(
      ids.map((id, i) => {
        const obj = objs[i];
        if (!obj || obj.type !== 'blob')
          throw new SourceError(`${this.label}: blob ${id} is missing from the repository`);
        return [id, obj.data];
      }),
    );
  }

  private async readBlob(id: string): Promise<string> {
    const obj = await this.objects().read(id);
    if (!obj || obj.type !== 'blob') throw new SourceError(`${this.label}: blob ${id} is missing from the repository`);
    return obj.data.toString('utf8');
  }

  private blobStats(): BlobReadStats {
    const stats = this.stats;
    return {
      get runs() {
        return stats.catFileRuns;
      },
      set runs(v) {
        stats.catFileRuns = v;
      },
      get objects() {
        return stats.blobsRead;
      },
      set objects(v) {
        stats.blobsRead = v;
      },
    };
  }

  private repoPath(p: string): string {
    if (this.path === '.') return p;
    return p === '.' ? this.path : `${this.path}/${p}`;
  }

  private checkSha(sha: string): void {
    if (typeof sha !== 'string' || !isSha(sha))
      throw new SourceError(`${this.label}: ${JSON.stringify(sha)} is not a commit id (hex)`);
  }

  private async missingBranchError(): Promise<SourceError> {
    const branches = await listBranches(this.git).catch(() => [] as string[]);
    if (!branches.length) {
      return new SourceError(
        `${this.label} is an empty repository with no commits; commit the manifests to branch ${this.branch}${this.remote ? ' and push' : ''}`,
      );
    }
    return new SourceError(
      `no branch ${this.branch} in ${this.label}; branches: ${branches.join(', ')}; give one of them as the branch`,
    );
  }
}

function inDir(p: string, dir: string): boolean {
  return dir === '.' || p === dir || p.startsWith(dir + '/');
}

/** The id git gives a blob with this content. */
export function blobId(text: string): string {
  const data = Buffer.from(text, 'utf8');
  return createHash('sha1').update(`blob ${data.length}\0`).update(data).digest('hex');
}

/** The sha a loose branch ref file holds, or undefined (packed, symbolic, or missing: ask git). */
function readLooseRef(commonDir: string, branch: string): string | undefined {
  try {
    const text = fs.readFileSync(path.join(commonDir, 'refs', 'heads', ...branch.split('/')), 'utf8').trim();
    return /^[0-9a-f]{40}([0-9a-f]{24})?$/.test(text) ? text : undefined;
  } catch {
    return undefined;
  }
}
