// Rolls a folder back by committing its old content on the branch, so git stays the source of truth.
// The new tree is built in a temporary index, never in the user's, and the branch moves by compare-and-swap.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SimpleGit } from 'simple-git';
import { SourceError, gitMessage } from './errors';
import { gitIn } from './gitCommand';

export interface RevertTarget {
  repoDir: string;
  label: string;
  branch: string;
  /** repository-relative folder, '.' for the root */
  path: string;
  remote: boolean;
  url?: string;
}

const FALLBACK_IDENTITY = ['-c', 'user.name=Slipway', '-c', 'user.email=slipway@localhost'];

/** Returns the new commit, or `tip` when path at tip already equals path at sha. */
export async function revertPath(t: RevertTarget, tip: string, sha: string, reason: string): Promise<string> {
  const git = gitIn(t.repoDir);
  const short = sha.slice(0, 7);
  let full: string;
  try {
    full = (await git.raw(['rev-parse', '--verify', `${sha}^{commit}`])).trim();
  } catch {
    throw new SourceError(`${t.label}: no commit ${sha} to revert ${t.path} to`);
  }
  let target: string;
  try {
    target = (await git.raw(['rev-parse', '--verify', t.path === '.' ? `${full}^{tree}` : `${full}:${t.path}`])).trim();
  } catch {
    throw new SourceError(
      `${t.label}: ${t.path} did not exist at commit ${short}, so there is nothing to revert it to`,
    );
  }

  // a work tree with the branch checked out must not lose edits under path, and is updated with the branch
  const workTree = t.remote ? undefined : await checkedOutIn(git, t.branch);
  if (workTree) {
    const status = await gitIn(workTree).raw([
      'status',
      '--porcelain',
      '-z',
      '--untracked-files=all',
      '--',
      `:(literal)${t.path}`,
    ]);
    if (status.length) {
      const first = status.split('\0')[0].slice(3);
      throw new SourceError(
        `${workTree} has uncommitted changes under ${t.path} (${first}${status.split('\0').filter(Boolean).length > 1 ? ', ...' : ''}); commit or stash them, then roll back again`,
      );
    }
  }

  const tree = t.path === '.' ? target : await treeWithFolder(t.repoDir, tip, t.path, target);
  const tipTree = (await git.raw(['rev-parse', `${tip}^{tree}`])).trim();
  if (tree === tipTree) return tip;

  const message = `Revert ${t.path} to ${short} (${reason})`;
  const commit = await commitTree(git, tree, tip, message);

  if (t.remote) {
    try {
      await git.raw(['push', '--porcelain', 'origin', `${commit}:refs/heads/${t.branch}`]);
    } catch (e) {
      throw new SourceError(
        `${t.label}: the remote refused the push of the revert to ${t.branch} (${gitMessage(e)}); fetch (slipway refresh) and roll back again, or check your push access`,
      );
    }
    // the clone's branch mirrors the remote's, which now has the commit (push may already have moved it)
    await git.raw(['update-ref', '-m', message, `refs/heads/${t.branch}`, commit]);
    return commit;
  }

  if (workTree) {
    // a two-tree read-tree moves index and files from tip to the new commit, keeping unrelated staged edits
    const wt = gitIn(workTree);
    try {
      await wt.raw(['read-tree', '-m', '-u', tip, commit]);
    } catch (e) {
      throw new SourceError(
        `${workTree}: could not update the work tree for the revert (${gitMessage(e)}); commit or stash local changes, then roll back again`,
      );
    }
    try {
      await moveBranch(git, t, commit, tip, message);
    } catch (e) {
      await wt.raw(['read-tree', '-m', '-u', commit, tip]).catch(() => undefined);
      throw e;
    }
    return commit;
  }
  await moveBranch(git, t, commit, tip, message);
  return commit;
}

/** The root tree of `tip` with `folder` replaced by `folderTree`, built in a throwaway index. */
async function treeWithFolder(repoDir: string, tip: string, folder: string, folderTree: string): Promise<string> {
  const tmp = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'slipway-revert-'));
  try {
    const empty = path.join(tmp, 'tree');
    await fs.promises.mkdir(empty);
    // an empty work tree lets these index commands run in bare repositories too; nothing is written to it
    const git = gitIn(repoDir, { GIT_INDEX_FILE: path.join(tmp, 'index'), GIT_WORK_TREE: empty });
    await git.raw(['read-tree', tip]);
    await git.raw(['rm', '--cached', '-r', '-q', '--ignore-unmatch', '--', `:(literal)${folder}`]);
    await git.raw(['read-tree', `--prefix=${folder}/`, folderTree]);
    return (await git.raw(['write-tree'])).trim();
  } catch (e) {
    throw new SourceError(`${repoDir}: could not build the reverted tree for ${folder}: ${gitMessage(e)}`);
  } finally {
    await fs.promises.rm(tmp, { recursive: true, force: true });
  }
}

async function commitTree(git: SimpleGit, tree: string, parent: string, message: string): Promise<string> {
  const args = ['commit-tree', tree, '-p', parent, '-m', message];
  try {
    return (await git.raw(args)).trim();
  } catch (e) {
    // no user.name/user.email configured (a server, a container): commit as Slipway rather than fail
    if (!/identity|user\.name|user\.email|who you are|empty ident/i.test(String(e)))
      throw new SourceError(`commit failed: ${gitMessage(e)}`);
    return (await git.raw([...FALLBACK_IDENTITY, ...args])).trim();
  }
}

async function moveBranch(
  git: SimpleGit,
  t: RevertTarget,
  commit: string,
  tip: string,
  message: string,
): Promise<void> {
  try {
    await git.raw(['update-ref', '-m', message, `refs/heads/${t.branch}`, commit, tip]);
  } catch (e) {
    throw new SourceError(
      `${t.label}: branch ${t.branch} moved while the revert was being made (${gitMessage(e)}); roll back again`,
    );
  }
}

/** The work tree (main or linked) that has `branch` checked out, if any. */
async function checkedOutIn(git: SimpleGit, branch: string): Promise<string | undefined> {
  const out = await git.raw(['worktree', 'list', '--porcelain']);
  for (const block of out.split('\n\n')) {
    const lines = block.split('\n');
    const wt = lines.find((l) => l.startsWith('worktree '))?.slice(9);
    if (wt && lines.includes(`branch refs/heads/${branch}`) && !lines.includes('bare')) return wt;
  }
  return undefined;
}
