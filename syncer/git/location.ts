// Where a source lives: a local repository used in place, or a URL cloned into the state folder.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { SimpleGit } from 'simple-git';
import { SourceError, gitMessage } from './errors';
import { gitIn } from './gitCommand';

/** A source's repository and branch, found and checked. */
export interface Location {
  remote: boolean;
  /** what the user gave, for messages (a URL without its password) */
  label: string;
  url?: string;
  repoDir: string;
  gitDir: string;
  commonDir: string;
  branch: string;
  path: string;
}

/** URLs (scheme://...) and scp-like addresses (user@host:path) are remotes; anything else is a local path. */
export function isRemoteAddress(repo: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[\w.-]+@[\w.-]+:/.test(repo);
}

/** The clone's folder name: readable, without credentials, made unique by a hash of the address. */
export function cloneDirName(url: string): string {
  const readable = url
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/^[^/@]*@/, '')
    .replace(/\.git\/?$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(-60);
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 10);
  return `${readable || 'repo'}-${hash}`;
}

/** A repository-relative folder in posix form, '.' for the root; refuses paths that leave the repository. */
export function normalizeRepoPath(p: string | undefined, prefix = ''): string {
  const joined = path.posix.normalize([prefix, (p ?? '.').replace(/\\/g, '/')].filter(Boolean).join('/'));
  const trimmed = joined.replace(/^\.\/+/, '').replace(/\/+$/, '') || '.';
  if (trimmed.startsWith('/') || trimmed === '..' || trimmed.startsWith('../')) {
    throw new SourceError(
      `path ${JSON.stringify(p)} must be a folder or file inside the repository, relative to its root`,
    );
  }
  return trimmed;
}

/** A local repository (work tree, a folder inside one, or bare), used in place. */
export async function openLocal(spec: { repo: string; branch?: string; path?: string }): Promise<Location> {
  const dir = path.resolve(spec.repo);
  let isDir = false;
  try {
    isDir = fs.statSync(dir).isDirectory();
  } catch {
    throw new SourceError(`${dir} does not exist; repo must be the path of a git repository or a URL`);
  }
  if (!isDir) throw new SourceError(`${dir} is not a folder; repo must be the path of a git repository or a URL`);
  const git = gitIn(dir);
  let lines: string[];
  try {
    lines = (
      await git.raw([
        'rev-parse',
        '--absolute-git-dir',
        '--git-common-dir',
        '--is-bare-repository',
        '--is-inside-work-tree',
        '--show-prefix',
      ])
    ).split('\n');
  } catch (e) {
    throw new SourceError(
      `${dir} is not a git repository (${gitMessage(e)}); run git init there, or give the repository's path or URL`,
    );
  }
  const [gitDir, common, bare, inWorkTree, prefix] = lines;
  const commonDir = path.resolve(dir, common);
  let repoDir = gitDir;
  if (bare !== 'true' && inWorkTree === 'true') repoDir = (await git.raw(['rev-parse', '--show-toplevel'])).trim();
  // a folder inside a work tree scopes the source to that folder
  const repoPath = normalizeRepoPath(spec.path, inWorkTree === 'true' ? (prefix ?? '').replace(/\/$/, '') : '');
  const top = repoDir === dir ? git : gitIn(repoDir);
  const branch = spec.branch ?? (await currentBranch(top, dir));
  await checkBranchName(top, dir, branch);
  await checkBranchExists(top, dir, branch);
  return { remote: false, label: dir, repoDir, gitDir, commonDir, branch, path: repoPath };
}

export async function listBranches(git: SimpleGit): Promise<string[]> {
  const out = await git.raw(['for-each-ref', '--format=%(refname:short)', 'refs/heads/']);
  return out.split('\n').filter(Boolean);
}

export async function checkBranchName(git: SimpleGit, label: string, branch: string): Promise<void> {
  try {
    await git.raw(['check-ref-format', '--branch', branch]);
  } catch {
    throw new SourceError(`${label}: ${JSON.stringify(branch)} is not a valid branch name`);
  }
}

/** An explicit branch must exist, unless the repository has no branch at all yet (tip() then says it is empty). */
export async function checkBranchExists(git: SimpleGit, label: string, branch: string): Promise<void> {
  const branches = await listBranches(git);
  if (branches.length && !branches.includes(branch)) {
    throw new SourceError(
      `no branch ${branch} in ${label}; branches: ${branches.join(', ')}; give one of them as the branch`,
    );
  }
}

async function currentBranch(git: SimpleGit, label: string): Promise<string> {
  let out = '';
  try {
    out = (await git.raw(['symbolic-ref', '--short', 'HEAD'])).trim();
  } catch {
    /* detached */
  }
  if (!out)
    throw new SourceError(`${label}: HEAD is detached, so there is no current branch; give the branch to deploy`);
  return out;
}
