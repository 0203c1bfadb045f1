// The ref watcher (syncer/git/refWatcher.ts) notices every way git moves a branch in a local repository: a commit,
// an update of the ref, the refs packed into packed-refs, HEAD switched, a linked worktree's commit; bursts give
// few calls, and the last call always comes after the last change (none is lost).
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as path from 'path';
import { RefWatch, watchRefs } from '../../syncer/git/refWatcher';
import { eventually } from '../helpers/testCluster';
import { commitFiles, git, GIT_ENV, newRepo, removeScratchDirs } from './helpers/gitRepo';

interface Watched {
  watch: RefWatch;
  /** the branch tip read at each call, in order */
  seen: string[];
  /** waits for a call after the ones counted so far */
  nextCall(what: string): Promise<void>;
}

/** Watches `branch` of the repository in `dir`; each call reads the branch tip, as the syncer does. */
async function watchRepo(dir: string, branch = 'main'): Promise<Watched> {
  const seen: string[] = [];
  // as GitSource finds them: a linked worktree has a git dir of its own, refs and packed-refs are shared
  const gitDir = git(dir, 'rev-parse', '--absolute-git-dir');
  const commonDir = path.resolve(dir, git(dir, 'rev-parse', '--git-common-dir'));
  const watch = watchRefs({ gitDir, commonDir, branch }, () => seen.push(git(dir, 'rev-parse', branch)));
  watches.push(watch);
  await watch.ready;
  return {
    watch,
    seen,
    nextCall: async (what) => {
      const n = seen.length;
      await eventually(() => seen.length > n, 5000, `a call after ${what}`);
    },
  };
}

const watches: RefWatch[] = [];

describe('syncer/git/refWatcher: a local branch moving', () => {
  afterEach(() => {
    for (const w of watches.splice(0)) w.stop();
  });
  after(removeScratchDirs);

  it('a commit on the branch calls once, with the new tip readable', async () => {
    const dir = newRepo();
    commitFiles(dir, { 'a.yaml': 'a: 1\n' });
    const w = await watchRepo(dir);
    const sha = commitFiles(dir, { 'a.yaml': 'a: 2\n' });
    await w.nextCall('a commit');
    assert.deepStrictEqual(w.seen, [sha]);
  });

  it('the ref updated without a commit (reset, update-ref) calls', async () => {
    const dir = newRepo();
    const first = commitFiles(dir, { 'a.yaml': 'a: 1\n' });
    const second = commitFiles(dir, { 'a.yaml': 'a: 2\n' });
    const w = await watchRepo(dir);
    git(dir, 'update-ref', 'refs/heads/main', first);
    await w.nextCall('update-ref');
    assert.strictEqual(w.seen[w.seen.length - 1], first);
    git(dir, 'reset', '-q', '--hard', second);
    await w.nextCall('reset');
    assert.strictEqual(w.seen[w.seen.length - 1], second);
  });

  it('after `git pack-refs` the ref lives in packed-refs: packing calls, and so does a commit after it', async () => {
    const dir = newRepo();
    const first = commitFiles(dir, { 'a.yaml': 'a: 1\n' });
    const w = await watchRepo(dir);
    git(dir, 'pack-refs', '--all', '--prune');
    await w.nextCall('pack-refs');
    assert.strictEqual(w.seen[w.seen.length - 1], first);
    const second = commitFiles(dir, { 'a.yaml': 'a: 2\n' });
    await w.nextCall('a commit on the packed branch');
    assert.strictEqual(w.seen[w.seen.length - 1], second);
  });

  it('HEAD switched to another branch calls (a branch given as the current one may have changed)', async () => {
    const dir = newRepo();
    commitFiles(dir, { 'a.yaml': 'a: 1\n' });
    const w = await watchRepo(dir);
    git(dir, 'checkout', '-q', '-b', 'feature');
    await w.nextCall('checkout -b');
    assert.strictEqual(git(dir, 'symbolic-ref', '--short', 'HEAD'), 'feature');
  });

  it("a linked worktree's commit calls (HEAD in the worktree's git dir, refs in the shared one)", async () => {
    const dir = newRepo();
    commitFiles(dir, { 'a.yaml': 'a: 1\n' });
    const linked = path.join(path.dirname(dir), `${path.basename(dir)}-linked`);
    git(dir, 'worktree', 'add', '-q', '-b', 'feature', linked);
    const w = await watchRepo(linked, 'feature');
    const sha = commitFiles(linked, { 'b.yaml': 'b: 1\n' });
    await w.nextCall('a commit in the linked worktree');
    assert.strictEqual(w.seen[w.seen.length - 1], sha);
    git(dir, 'worktree', 'remove', '--force', linked);
  });

  it('twenty moves of the branch in a burst give a few calls, the last of which sees the last move', async () => {
    const dir = newRepo();
    const shas = Array.from({ length: 21 }, (_, i) => commitFiles(dir, { 'a.yaml': `a: ${i}\n` }));
    git(dir, 'update-ref', 'refs/heads/main', shas[0]);
    const w = await watchRepo(dir);
    // one git process moving the ref twenty times, one transaction each, as fast as git can
    const moves = shas.slice(1).map((sha) => `start\nupdate refs/heads/main ${sha}\ncommit\n`);
    execFileSync('git', ['update-ref', '--stdin'], { cwd: dir, env: GIT_ENV, input: moves.join('') });
    await eventually(() => w.seen[w.seen.length - 1] === shas[20], 5000, 'a call that sees the last move');
    assert.ok(w.seen.length < 20, `twenty moves coalesce into fewer calls, got ${w.seen.length}`);
  });

  it('a change between the call and the watches being in place is not lost', async () => {
    const dir = newRepo();
    commitFiles(dir, { 'a.yaml': 'a: 1\n' });
    const seen: string[] = [];
    const gitDir = path.join(dir, '.git');
    const watch = watchRefs({ gitDir, commonDir: gitDir, branch: 'main' }, () =>
      seen.push(git(dir, 'rev-parse', 'main')),
    );
    watches.push(watch);
    // synchronous: done before chokidar has looked at anything
    const sha = commitFiles(dir, { 'a.yaml': 'a: 2\n' });
    await watch.ready;
    await eventually(() => seen.includes(sha), 5000, 'a call for the commit made while the watch started');
  });

  it('after stop, a commit calls nothing', async () => {
    const dir = newRepo();
    commitFiles(dir, { 'a.yaml': 'a: 1\n' });
    const w = await watchRepo(dir);
    const other = await watchRepo(dir);
    w.watch.stop();
    commitFiles(dir, { 'a.yaml': 'a: 2\n' });
    // the watch still running hears the commit; by then the stopped one would have too
    await other.nextCall('a commit');
    assert.deepStrictEqual(w.seen, []);
  });
});
