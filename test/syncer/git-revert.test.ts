// Rolling back through git: a commit on the branch that restores a folder's old content.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { GitSource, SourceError } from '../../syncer/git/source';
import { commitFiles, git, newRepo, removeScratchDirs, scratchDir } from './helpers/gitRepo';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n`;
const tree = (dir: string, rev: string) => git(dir, 'ls-tree', '-r', rev).split('\n');

/** old: app/ holds web v1 and db; then web v2 and a new cache; other/ changes alongside. */
function history(dir: string) {
  const old = commitFiles(
    dir,
    { 'app/web.yaml': cm('web-v1'), 'app/db/db.yaml': cm('db'), 'other/x.yaml': cm('x1') },
    'v1',
  );
  commitFiles(dir, { 'app/web.yaml': cm('web-v2'), 'app/cache.yaml': cm('cache'), 'app/db/db.yaml': null }, 'v2');
  const tip = commitFiles(dir, { 'other/x.yaml': cm('x2') }, 'other changes');
  return { old, tip };
}

describe('syncer/git: rollback as a revert commit', () => {
  after(removeScratchDirs);

  it('on a checked-out work tree: path equals the old commit, files added since are gone, the rest and history kept', async () => {
    const dir = newRepo();
    const { old, tip } = history(dir);
    fs.writeFileSync(path.join(dir, 'other/x.yaml'), cm('local edit outside the path'));
    const src = await GitSource.open(
      { repo: dir, path: 'app', directory: { recurse: true } },
      { stateDir: scratchDir() },
    );
    const sha = await src.revertTo(old, 'rollback 3');

    assert.strictEqual(await src.tip(), sha);
    assert.strictEqual(git(dir, 'rev-parse', `${sha}:app`), git(dir, 'rev-parse', `${old}:app`));
    assert.strictEqual(git(dir, 'rev-parse', `${sha}:other`), git(dir, 'rev-parse', `${tip}:other`));
    assert.strictEqual(git(dir, 'rev-parse', `${sha}~1`), tip);
    assert.strictEqual(git(dir, 'log', '-1', '--format=%s', sha), `Revert app to ${old.slice(0, 7)} (rollback 3)`);
    assert.deepStrictEqual(
      (await src.files(sha)).map((f) => [f.path, f.text]),
      [
        ['app/db/db.yaml', cm('db')],
        ['app/web.yaml', cm('web-v1')],
      ],
    );
    // the work tree follows, and the unrelated local edit is still there
    assert.strictEqual(fs.readFileSync(path.join(dir, 'app/web.yaml'), 'utf8'), cm('web-v1'));
    assert.ok(!fs.existsSync(path.join(dir, 'app/cache.yaml')));
    assert.strictEqual(git(dir, 'status', '--porcelain'), 'M other/x.yaml');
    await src.close();
  });

  it('refuses when the path has uncommitted changes, and changes nothing', async () => {
    const dir = newRepo();
    const { old, tip } = history(dir);
    fs.writeFileSync(path.join(dir, 'app/new.yaml'), cm('untracked'));
    const src = await GitSource.open({ repo: dir, path: 'app' }, { stateDir: scratchDir() });
    await assert.rejects(
      src.revertTo(old, 'r'),
      (e: Error) =>
        e instanceof SourceError &&
        e.message.includes(`${fs.realpathSync(dir)} has uncommitted changes under app (app/new.yaml)`),
    );
    assert.strictEqual(await src.tip(), tip);
    fs.rmSync(path.join(dir, 'app/new.yaml'));
    fs.writeFileSync(path.join(dir, 'app/web.yaml'), cm('edited'));
    await assert.rejects(src.revertTo(old, 'r'), /uncommitted changes under app \(app\/web.yaml\)/);
    assert.strictEqual(await src.tip(), tip);
    await src.close();
  });

  it('on a bare repository, through a temporary index', async () => {
    const dir = newRepo();
    const { old, tip } = history(dir);
    const bare = path.join(scratchDir(), 'store.git');
    git(dir, 'clone', '-q', '--bare', dir, bare);
    const src = await GitSource.open({ repo: bare, path: 'app' }, { stateDir: scratchDir() });
    const sha = await src.revertTo(old, 'r');
    assert.strictEqual(git(bare, 'rev-parse', 'main'), sha);
    assert.strictEqual(git(bare, 'rev-parse', `${sha}~1`), tip);
    assert.deepStrictEqual(tree(bare, `${sha}:app`), tree(bare, `${old}:app`));
    assert.deepStrictEqual(tree(bare, `${sha}:other`), tree(bare, `${tip}:other`));
    assert.ok(!fs.existsSync(path.join(bare, 'index')), 'the repository has no index of its own afterwards');
    // reverting to what is already there makes no commit
    assert.strictEqual(await src.revertTo(old, 'again'), sha);
    await src.close();
  });

  it('the whole repository, on a branch that is not checked out', async () => {
    const dir = newRepo();
    const { old } = history(dir);
    git(dir, 'branch', 'release');
    const src = await GitSource.open({ repo: dir, branch: 'release' }, { stateDir: scratchDir() });
    const head = git(dir, 'rev-parse', 'HEAD');
    const sha = await src.revertTo(old, 'r');
    assert.strictEqual(git(dir, 'rev-parse', `${sha}^{tree}`), git(dir, 'rev-parse', `${old}^{tree}`));
    assert.strictEqual(git(dir, 'log', '-1', '--format=%s', sha), `Revert . to ${old.slice(0, 7)} (r)`);
    assert.strictEqual(git(dir, 'rev-parse', 'HEAD'), head, 'the checked-out branch did not move');
    assert.strictEqual(git(dir, 'status', '--porcelain'), '');
    await src.close();
  });

  it('on a remote: commits in the clone and pushes; a refused push says so', async () => {
    const dir = newRepo();
    const { old, tip } = history(dir);
    const bare = path.join(scratchDir(), 'origin.git');
    git(dir, 'clone', '-q', '--bare', dir, bare);
    const src = await GitSource.open({ repo: `file://${bare}`, path: 'app' }, { stateDir: scratchDir() });
    const sha = await src.revertTo(old, 'r');
    assert.strictEqual(git(bare, 'rev-parse', 'main'), sha);
    assert.strictEqual(await src.tip(), sha);
    assert.strictEqual(git(bare, 'rev-parse', `${sha}~1`), tip);

    // someone pushes meanwhile: the remote refuses the non-fast-forward push
    git(dir, 'remote', 'add', 'origin', bare);
    git(dir, 'fetch', '-q', 'origin');
    git(dir, 'reset', '-q', '--hard', 'origin/main');
    commitFiles(dir, { 'app/web.yaml': cm('web-v3') });
    git(dir, 'push', '-q', 'origin', 'main');
    await assert.rejects(
      src.revertTo(tip, 'r2'),
      (e: Error) => e instanceof SourceError && /the remote refused the push/.test(e.message),
    );
    await src.close();
  });
});
