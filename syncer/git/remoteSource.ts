// The remote half of a git source: a URL is cloned (bare) into the state folder, or fetched when the clone is
// there already; while watched it is fetched on an interval, and on request (`slipway refresh`), one fetch at a
// time, and watchers hear when a fetch moved the branch.
import * as fs from 'fs';
import * as path from 'path';
import { SimpleGit } from 'simple-git';
import { SourceError, gitMessage, redactUrl } from './errors';
import { gitIn } from './gitCommand';
import {
  checkBranchExists,
  checkBranchName,
  cloneDirName,
  isRemoteAddress,
  Location,
  normalizeRepoPath,
} from './location';

/** What a remote source needs to be opened. */
export interface RemoteSpec {
  /** URL, or a local path cloned as if it were one */
  repo: string;
  branch?: string;
  path?: string;
}

/** Clones `spec.repo` (bare) into `${stateDir}/repos/<safe-name>`, or fetches the clone already there. */
export async function openRemote(spec: RemoteSpec, stateDir: string | undefined): Promise<Location> {
  const url = isRemoteAddress(spec.repo) ? spec.repo : path.resolve(spec.repo);
  const label = redactUrl(url);
  if (typeof stateDir !== 'string' || !stateDir)
    throw new SourceError(`${label}: a remote source needs a state folder to clone into`);
  const reposDir = path.resolve(stateDir, 'repos');
  const dir = path.join(reposDir, cloneDirName(url));
  await fs.promises.mkdir(reposDir, { recursive: true });

  if (!(await isCloneOf(dir, url))) {
    await fs.promises.rm(dir, { recursive: true, force: true });
    // clone next to the final place and rename, so an interrupted clone never looks complete
    const tmp = `${dir}.partial-${process.pid}`;
    await fs.promises.rm(tmp, { recursive: true, force: true });
    try {
      await gitIn(reposDir).raw(['clone', '--bare', '--no-tags', '--', url, tmp]);
      // branches are fetched onto the clone's own branches, force-pushes included, so the remote's state always wins
      await gitIn(tmp).raw(['config', 'remote.origin.fetch', '+refs/heads/*:refs/heads/*']);
      await fs.promises.rename(tmp, dir);
    } catch (e) {
      await fs.promises.rm(tmp, { recursive: true, force: true });
      throw new SourceError(`${label}: git clone failed: ${gitMessage(e)}; check the URL and your access to it`);
    }
  } else {
    await fetchOrigin(gitIn(dir), label);
  }
  const git = gitIn(dir);
  let branch = spec.branch;
  if (!branch) {
    // the clone's HEAD is the remote's default branch
    branch = (await git.raw(['symbolic-ref', '--short', 'HEAD']).catch(() => '')).trim();
    if (!branch) throw new SourceError(`${label}: the remote has no default branch; give the branch to deploy`);
  }
  await checkBranchName(git, label, branch);
  await checkBranchExists(git, label, branch);
  return {
    remote: true,
    label,
    url,
    repoDir: dir,
    gitDir: dir,
    commonDir: dir,
    branch,
    path: normalizeRepoPath(spec.path),
  };
}

async function isCloneOf(dir: string, url: string): Promise<boolean> {
  if (!fs.existsSync(path.join(dir, 'HEAD'))) return false;
  try {
    return (await gitIn(dir).raw(['config', '--get', 'remote.origin.url'])).trim() === url;
  } catch {
    return false;
  }
}

async function fetchOrigin(git: SimpleGit, label: string): Promise<void> {
  try {
    await git.raw(['fetch', '--prune', '--no-tags', 'origin']);
  } catch (e) {
    throw new SourceError(`${label}: git fetch failed: ${gitMessage(e)}; check the URL and your access to it`);
  }
}

/** Fetches a clone, on request and every `intervalMs` while watched, and tells watchers when the tip moved. */
export class RemoteFetcher {
  private readonly listeners = new Set<() => void>();
  private readonly errorListeners = new Set<(e: SourceError) => void>();
  private timer?: NodeJS.Timeout;
  /** fetches run one after the other */
  private chain: Promise<void> = Promise.resolve();
  private closed = false;

  constructor(
    private readonly git: SimpleGit,
    private readonly label: string,
    /** the branch tip as the clone has it */
    private readonly tip: () => Promise<string>,
    private readonly intervalMs: number,
  ) {}

  /** git fetch now, after any fetch already running; watchers hear of a moved tip. */
  fetch(): Promise<void> {
    const run = this.chain.then(() => this.fetchNow());
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Calls onChange when a fetch moved the tip and onError when one failed, until the returned stop is called. */
  watch(onChange: () => void, onError?: (e: SourceError) => void): () => void {
    const listener = () => onChange();
    this.listeners.add(listener);
    if (onError) this.errorListeners.add(onError);
    this.scheduleFetch();
    return () => {
      this.listeners.delete(listener);
      if (onError) this.errorListeners.delete(onError);
      if (!this.listeners.size && this.timer) {
        clearTimeout(this.timer);
        this.timer = undefined;
      }
    };
  }

  /** Tells watchers the tip moved (a commit pushed from here). */
  notify(): void {
    for (const l of [...this.listeners]) l();
  }

  /** Stops fetching; resolves once a fetch in progress has ended. */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.chain;
  }

  private async fetchNow(): Promise<void> {
    if (this.closed) return;
    const before = await this.tip().catch(() => '');
    await fetchOrigin(this.git, this.label);
    const after = await this.tip().catch(() => '');
    if (after !== before) this.notify();
  }

  private scheduleFetch(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.fetch()
        .catch((e) => {
          const err = e instanceof SourceError ? e : new SourceError(String(e));
          for (const l of [...this.errorListeners]) l(err);
        })
        .finally(() => {
          if (this.listeners.size) this.scheduleFetch();
        });
    }, this.intervalMs);
    this.timer.unref();
  }
}
