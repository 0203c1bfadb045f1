// The git source reads the desired state from commits: real repositories in temp folders, real git.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { GitSource, SourceError } from '../../syncer/git/source';
import { commitFiles, git, GIT_ENV, newRepo, removeScratchDirs, scratchDir } from './helpers/gitRepo';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;

describe('syncer/git: reading a branch', () => {
  const state = () => scratchDir();
  after(removeScratchDirs);

  it('follows the branch tip, commit by commit, and describes commits', async () => {
    const dir = newRepo();
    const c1 = commitFiles(dir, { 'a.yaml': cm('a') }, 'first');
    const src = await GitSource.open({ repo: dir }, { stateDir: state() });
    assert.strictEqual(src.remote, false);
    assert.strictEqual(src.branch, 'main');
    assert.strictEqual(src.path, '.');
    assert.strictEqual(src.repoDir, fs.realpathSync(dir));
    assert.strictEqual(await src.tip(), c1);
    const c2 = commitFiles(dir, { 'b.yaml': cm('b') }, 'add b');
    assert.strictEqual(await src.tip(), c2);
    const info = await src.commitInfo(c2);
    assert.deepStrictEqual(
      { ...info, date: undefined },
      { sha: c2, subject: 'add b', author: 'Dev <dev@example.com>', date: undefined },
    );
    assert.ok(!Number.isNaN(Date.parse(info.date)));
    // as git log prints them: a subject of two lines, an author's time zone
    const env = { GIT_AUTHOR_DATE: '2026-01-02T03:04:05+0530', GIT_AUTHOR_NAME: 'Ana Lyst' };
    fs.writeFileSync(path.join(dir, 'c.yaml'), cm('c'));
    git(dir, 'add', '-A');
    execFileSync('git', ['commit', '-q', '-m', 'line one\nline two\n\nthe body'], {
      cwd: dir,
      env: { ...GIT_ENV, ...env },
    });
    const c3 = git(dir, 'rev-parse', 'HEAD');
    const [subject, author, date] = git(dir, 'log', '-1', '--format=%s%x00%an <%ae>%x00%aI', c3).split('\0');
    assert.deepStrictEqual(await src.commitInfo(c3), { sha: c3, subject, author, date });
    assert.strictEqual(subject, 'line one line two');
    assert.strictEqual(date, '2026-01-02T03:04:05+05:30');
    assert.strictEqual(await src.hasCommit(c1), true);
    assert.strictEqual(await src.hasCommit('0'.repeat(40)), false);
    assert.strictEqual(await src.hasCommit('--all'), false);
    await src.close();
  });

  it('returns committed content only: uncommitted edits and untracked files do not deploy', async () => {
    const dir = newRepo();
    const sha = commitFiles(dir, { 'app/web.yaml': cm('web') });
    fs.writeFileSync(path.join(dir, 'app/web.yaml'), cm('edited'));
    fs.writeFileSync(path.join(dir, 'app/new.yaml'), cm('untracked'));
    git(dir, 'add', 'app/web.yaml'); // staged is still not committed
    const src = await GitSource.open({ repo: dir, path: 'app' }, { stateDir: state() });
    const files = await src.files(await src.tip());
    assert.deepStrictEqual(
      files.map((f) => [f.path, f.text]),
      [['app/web.yaml', cm('web')]],
    );
    assert.strictEqual(files[0].blob, git(dir, 'rev-parse', `${sha}:app/web.yaml`));
    await src.close();
  });

  it('with directory.recurse, reads nested folders, .yml and .json, keeps multi-document text verbatim, skips other and hidden files', async () => {
    const dir = newRepo();
    const multi = `# two documents\n${cm('one')}---\n${cm('two')}`;
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [] }, null, 2);
    const sha = commitFiles(dir, {
      'z.yml': cm('z'),
      'deep/er/still/x.json': json,
      'deep/multi.yaml': multi,
      'README.md': '# docs',
      'deep/script.sh': 'echo',
      '.github/workflow.yaml': 'on: push',
    });
    const src = await GitSource.open({ repo: dir, directory: { recurse: true } }, { stateDir: state() });
    const files = await src.files(sha);
    assert.deepStrictEqual(
      files.map((f) => f.path),
      ['deep/er/still/x.json', 'deep/multi.yaml', 'z.yml'],
    );
    assert.strictEqual(files[1].text, multi);
    assert.strictEqual(files[0].text, json);
    await src.close();
  });

  it('scopes to a path, returned as repository-relative paths; a folder given as repo scopes the same way', async () => {
    const dir = newRepo();
    const sha = commitFiles(dir, {
      'env/prod/a.yaml': cm('a'),
      'env/prod/sub/b.yaml': cm('b'),
      'env/dev/c.yaml': cm('c'),
      'top.yaml': cm('t'),
    });
    const src = await GitSource.open(
      { repo: dir, path: './env/prod/', directory: { recurse: true } },
      { stateDir: state() },
    );
    assert.strictEqual(src.path, 'env/prod');
    assert.deepStrictEqual(
      (await src.files(sha)).map((f) => f.path),
      ['env/prod/a.yaml', 'env/prod/sub/b.yaml'],
    );
    const inner = await GitSource.open({ repo: path.join(dir, 'env'), path: 'dev' }, { stateDir: state() });
    assert.strictEqual(inner.path, 'env/dev');
    assert.deepStrictEqual(
      (await inner.files(sha)).map((f) => f.path),
      ['env/dev/c.yaml'],
    );
    await src.close();
    await inner.close();
  });

  it('reads only changed blobs on a resync', async () => {
    const dir = newRepo();
    const files: Record<string, string> = {};
    for (let i = 0; i < 20; i++) files[`m/${i}.yaml`] = cm(`m${i}`);
    const c1 = commitFiles(dir, files);
    const src = await GitSource.open({ repo: dir, path: 'm' }, { stateDir: state() });
    assert.strictEqual((await src.files(c1)).length, 20);
    assert.strictEqual(src.stats.blobsRead, 20);
    const runs = src.stats.catFileRuns;

    // a new commit that leaves the tree unchanged: nothing is read
    git(dir, 'commit', '-q', '--allow-empty', '-m', 'empty');
    const c2 = await src.tip();
    assert.notStrictEqual(c2, c1);
    assert.strictEqual((await src.files(c2)).length, 20);
    assert.strictEqual(src.stats.blobsRead, 20);
    assert.strictEqual(src.stats.catFileRuns, runs);

    // one file changed: one blob read
    const c3 = commitFiles(dir, { 'm/7.yaml': cm('seven') });
    const out = await src.files(c3);
    assert.strictEqual(src.stats.blobsRead, 21);
    assert.strictEqual(out.find((f) => f.path === 'm/7.yaml')!.text, cm('seven'));
    // and back to the first commit: its blobs are still known
    assert.strictEqual((await src.files(c1)).find((f) => f.path === 'm/7.yaml')!.text, cm('m7'));
    assert.strictEqual(src.stats.blobsRead, 21);
    await src.close();
  });

  it('says what is wrong: not a repository, no such branch, empty repository, missing path, unknown commit', async () => {
    const plain = scratchDir();
    await assert.rejects(
      GitSource.open({ repo: plain }, { stateDir: state() }),
      (e: Error) => e instanceof SourceError && e.message.includes(`${plain} is not a git repository`),
    );
    await assert.rejects(GitSource.open({ repo: path.join(plain, 'nope') }, { stateDir: state() }), /does not exist/);

    const dir = newRepo();
    const sha = commitFiles(dir, { 'a.yaml': cm('a') });
    git(dir, 'branch', 'staging');
    await assert.rejects(
      GitSource.open({ repo: dir, branch: 'prod' }, { stateDir: state() }),
      (e: Error) =>
        e instanceof SourceError &&
        e.message === `no branch prod in ${dir}; branches: main, staging; give one of them as the branch`,
    );

    const src = await GitSource.open({ repo: dir, path: 'manifests' }, { stateDir: state() });
    await assert.rejects(
      src.files(sha),
      (e: Error) =>
        e instanceof SourceError && e.message.includes(`path manifests does not exist at commit ${sha.slice(0, 7)}`),
    );
    await assert.rejects(src.files('abcdef1234'), /no commit abcdef1234/);
    await assert.rejects(src.files('HEAD~1'), /is not a commit id/);

    const empty = newRepo();
    const fresh = await GitSource.open({ repo: empty }, { stateDir: state() });
    await assert.rejects(
      fresh.tip(),
      (e: Error) => e instanceof SourceError && e.message.includes('empty repository with no commits'),
    );

    git(dir, 'checkout', '-q', '--detach');
    await assert.rejects(GitSource.open({ repo: dir }, { stateDir: state() }), /HEAD is detached/);
    await src.close();
    await fresh.close();
  });

  it('uses a bare repository and a linked worktree in place', async () => {
    const dir = newRepo();
    const sha = commitFiles(dir, { 'a.yaml': cm('a') });
    const bare = path.join(scratchDir(), 'copy.git');
    git(dir, 'clone', '-q', '--bare', dir, bare);
    const b = await GitSource.open({ repo: bare }, { stateDir: state() });
    assert.strictEqual(b.remote, false);
    assert.strictEqual(await b.tip(), sha);
    assert.deepStrictEqual(
      (await b.files(sha)).map((f) => f.path),
      ['a.yaml'],
    );

    const wt = path.join(scratchDir(), 'wt');
    git(dir, 'worktree', 'add', '-q', '-b', 'feature', wt);
    const w = await GitSource.open({ repo: wt }, { stateDir: state() });
    assert.strictEqual(w.branch, 'feature');
    assert.strictEqual(await w.tip(), sha);
    await b.close();
    await w.close();
  });
});
