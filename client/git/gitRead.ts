// Reading commits of the app's repository for the views: a file at a revision, a commit's files and message,
// a branch's tip. Runs the git on the PATH (as the syncer does); nothing here writes to the repository.
import { execFile } from 'child_process';
import * as fs from 'fs';

/** Runs git in repo and resolves with its output; rejects with git's own message. */
export function git(repo: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('git', args, { cwd: repo, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`git ${args.join(' ')} in ${repo}: ${String(stderr).trim() || err.message}`));
      else resolve(String(stdout));
    });
  });
}

/** The repository to read an app's commits from: its source when that is a local folder, else the workspace's. */
export function repositoryOf(sourceRepo: string, workspaceFolder: string | undefined): string | undefined {
  const local = sourceRepo.replace(/^file:\/\//, '');
  if (fs.existsSync(local)) return local;
  return workspaceFolder;
}

/** A file's text at a revision; undefined when the file is not there at that revision. */
export async function fileAt(repo: string, revision: string, file: string): Promise<string | undefined> {
  try {
    return await git(repo, ['show', `${revision}:${file}`]);
  } catch {
    return undefined;
  }
}

export interface ChangedFile {
  /** A added, M modified, D deleted... (git's letters) */
  status: string;
  file: string;
}

/** The files a commit changed against its first parent (everything, for a root commit). */
export async function changedFiles(repo: string, sha: string): Promise<ChangedFile[]> {
  const out = await git(repo, ['diff-tree', '--no-commit-id', '--root', '-r', '--name-status', '-M', sha]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const parts = line.split('\t');
      return { status: parts[0][0], file: parts[parts.length - 1] };
    });
}

/** A commit's first parent; undefined for a root commit. */
export async function parentOf(repo: string, sha: string): Promise<string | undefined> {
  const out = (await git(repo, ['rev-list', '--parents', '-n', '1', sha])).trim().split(' ');
  return out[1];
}

/** A commit's subject line. */
export async function subjectOf(repo: string, sha: string): Promise<string> {
  return (await git(repo, ['log', '-1', '--format=%s', sha])).trim();
}

/** The manifest files (.yaml, .yml, .json) under path at a revision. */
export async function manifestFilesAt(repo: string, revision: string, path: string | undefined): Promise<string[]> {
  const args = ['ls-tree', '-r', '--name-only', revision];
  if (path && path !== '.') args.push('--', path);
  const out = await git(repo, args);
  return out.split('\n').filter((f) => /\.(ya?ml|json)$/.test(f) && !f.split('/').some((p) => p.startsWith('.')));
}

/** The sha a branch (or any revision) names. */
export async function resolveRevision(repo: string, revision: string): Promise<string> {
  return (await git(repo, ['rev-parse', '--verify', `${revision}^{commit}`])).trim();
}
