// The git source notices new commits: ref files of local repositories, fetches of remote ones.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { GitSource, SourceError } from '../../syncer/git/source';
import { commitFiles, git, GIT_ENV, newRepo, removeScratchDirs, scratchDir } from './helpers/gitRepo';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

/** Counts onChange calls; `settled` waits until no call came for a while, so a count is final. */
function counter() {
  const c = { calls: 0, last: 0 };
  const fn = () => {
    c.calls++;
    c.last = Date.now();
  };
  const settled = async (quietMs = 300) => {
    await sleep(quietMs);
    while (Date.now() - c.last < quietMs) await sleep(50);
  };
  return { c, fn, settled };
}

describe('syncer/git: noticing new commits', () => {
  const state = () => scratchDir();
  after(removeScratchDirs);

  it('local: a burst of five quick commits gives one call, after which the tip is the last commit', async () => {
    const dir = newRepo();
    commitFiles(dir, { 'a.yaml': cm('a') });
    const src = await GitSource.open({ repo: dir }, { stateDir: state() });
    const { c, fn, settled } = counter();
    const stop = src.watch(fn);
    await stop.ready;
    execFileSync(
      'sh',
      ['-c', 'for i in 1 2 3 4 5; do echo "n: $i" > a.yaml && git commit -q -m "burst $i" a.yaml; done'],
      { cwd: dir, env: GIT_ENV },
    );
    await until('a call', () => c.calls > 0);
    await settled();
    assert.strictEqual(c.calls, 1);
    assert.strictEqual(await src.tip(), git(dir, 'rev-parse', 'HEAD'));
    assert.strictEqual(git(dir, 'log', '-1', '--format=%s'), 'burst 5');
    stop();
    await src.close();
  });

  it('local: notices --amend, a reset of the branch, and git gc packing the refs', async () => {
    const dir = newRepo();
    const first = commitFiles(dir, { 'a.yaml': cm('a') });
    commitFiles(dir, { 'b.yaml': cm('b') });
    const src = await GitSource.open({ repo: dir }, { stateDir: state() });
    const { c, fn, settled } = counter();
    const stop = src.watch(fn);
    await stop.ready;

    let n = c.calls;
    git(dir, 'commit', '-q', '--amend', '-m', 'amended');
    await until('a call after --amend', () => c.calls > n);
    assert.strictEqual(await src.tip(), git(dir, 'rev-parse', 'HEAD'));
    await settled();

    n = c.calls;
    git(dir, 'reset', '-q', '--hard', first);
    await until('a call after reset', () => c.calls > n);
    assert.strictEqual(await src.tip(), first);
    await settled();

    n = c.calls;
    git(dir, 'gc', '-q');
    assert.ok(!fs.existsSync(path.join(dir, '.git/refs/heads/main')), 'gc packed the branch ref');
    await until('a call after gc', () => c.calls > n);
    await settled();

    // the branch moves while its ref is only in packed-refs: rewrite packed-refs as git does (lock, rename)
    const other = git(dir, 'commit-tree', `${first}^{tree}`, '-p', first, '-m', 'packed only');
    const packed = fs.readFileSync(path.join(dir, '.git/packed-refs'), 'utf8');
    assert.ok(packed.includes(`${first} refs/heads/main`));
    n = c.calls;
    fs.writeFileSync(
      path.join(dir, '.git/packed-refs.lock'),
      packed.replace(`${first} refs/heads/main`, `${other} refs/heads/main`),
    );
    fs.renameSync(path.join(dir, '.git/packed-refs.lock'), path.join(dir, '.git/packed-refs'));
    await until('a call after packed-refs changed', () => c.calls > n);
    assert.strictEqual(await src.tip(), other);

    stop();
    await settled();
    n = c.calls;
    commitFiles(dir, { 'c.yaml': cm('c') });
    await sleep(200);
    assert.strictEqual(c.calls, n, 'no call after stop');
    await src.close();
  });

  it('local: a branch with a slash in its name in a linked worktree', async () => {
    const dir = newRepo();
    commitFiles(dir, { 'a.yaml': cm('a') });
    const wt = path.join(scratchDir(), 'wt');
    git(dir, 'worktree', 'add', '-q', '-b', 'team/feature', wt);
    const src = await GitSource.open({ repo: wt }, { stateDir: state() });
    assert.strictEqual(src.branch, 'team/feature');
    const { c, fn } = counter();
    const stop = src.watch(fn);
    await stop.ready;
    const sha = commitFiles(wt, { 'b.yaml': cm('b') });
    await until('a call', () => c.calls > 0);
    assert.strictEqual(await src.tip(), sha);
    stop();
    await src.close();
  });

  it('remote: a bare repository given as a URL is cloned into the state folder, and fetch picks up a new push', async () => {
    const work = newRepo();
    const c1 = commitFiles(work, { 'app/a.yaml': cm('a') });
    const bare = path.join(scratchDir(), 'origin.git');
    git(work, 'clone', '-q', '--bare', work, bare);
    git(work, 'remote', 'add', 'origin', bare);
    const stateDir = state();
    const url = `file://${bare}`;
    const src = await GitSource.open({ repo: url, path: 'app' }, { stateDir, fetchIntervalMs: 100 });
    assert.strictEqual(src.remote, true);
    assert.strictEqual(src.branch, 'main');
    assert.ok(src.repoDir.startsWith(path.join(stateDir, 'repos') + path.sep), src.repoDir);
    assert.strictEqual(await src.tip(), c1);
    assert.deepStrictEqual(
      (await src.files(c1)).map((f) => [f.path, f.text]),
      [['app/a.yaml', cm('a')]],
    );

    // a push is seen after fetch(), not before
    const c2 = commitFiles(work, { 'app/b.yaml': cm('b') });
    git(work, 'push', '-q', 'origin', 'main');
    assert.strictEqual(await src.tip(), c1);
    await src.fetch();
    assert.strictEqual(await src.tip(), c2);
    assert.deepStrictEqual(
      (await src.files(c2)).map((f) => f.path),
      ['app/a.yaml', 'app/b.yaml'],
    );

    // and by the fetch loop of a watch, which calls back once the tip moved; a force-push wins too
    const { c, fn } = counter();
    const stop = src.watch(fn);
    git(work, 'reset', '-q', '--hard', c1);
    const c3 = commitFiles(work, { 'app/c.yaml': cm('c') });
    git(work, 'push', '-q', '--force', 'origin', 'main');
    await until('a call from the fetch loop', () => c.calls > 0);
    assert.strictEqual(await src.tip(), c3);
    stop();
    await src.close();

    // opening again reuses the clone
    const again = await GitSource.open({ repo: url }, { stateDir });
    assert.strictEqual(again.repoDir, src.repoDir);
    assert.strictEqual(await again.tip(), c3);
    await again.close();
  });

  it('remote: errors name the address and what to do', async () => {
    const stateDir = state();
    await assert.rejects(
      GitSource.open({ repo: `file://${path.join(scratchDir(), 'missing.git')}` }, { stateDir }),
      (e: Error) => e instanceof SourceError && /git clone failed: .*check the URL/.test(e.message),
    );
    const work = newRepo();
    commitFiles(work, { 'a.yaml': cm('a') });
    await assert.rejects(
      GitSource.open({ repo: `file://${work}`, branch: 'prod' }, { stateDir }),
      (e: Error) =>
        e instanceof SourceError &&
        e.message === `no branch prod in file://${work}; branches: main; give one of them as the branch`,
    );
    assert.deepStrictEqual(
      fs.readdirSync(path.join(stateDir, 'repos')).filter((n) => n.includes('partial')),
      [],
    );
  });
});
