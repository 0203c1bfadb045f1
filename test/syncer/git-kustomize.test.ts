// Kustomization folders are rendered with the real kubectl, from the committed files.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { GitSource, SourceError } from '../../syncer/git/source';
import { commitFiles, newRepo, removeScratchDirs, scratchDir } from './helpers/gitRepo';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v\n`;

function sample(): { dir: string; sha: string } {
  const dir = newRepo();
  const sha = commitFiles(dir, {
    'plain.yaml': cm('plain'),
    'base/cm.yaml': cm('settings'),
    'base/kustomization.yaml': 'resources:\n  - cm.yaml\n',
    'prod/kustomization.yaml': 'namePrefix: prod-\ncommonLabels:\n  env: prod\nresources:\n  - ../base\n  - extra/more.yaml\n',
    'prod/extra/more.yaml': cm('more'),
  });
  return { dir, sha };
}

describe('syncer/git: kustomize folders', () => {
  after(removeScratchDirs);

  it('renders a kustomization folder with kubectl kustomize; its files are not returned raw', async () => {
    const { dir, sha } = sample();
    fs.writeFileSync(path.join(dir, 'prod/kustomization.yaml'), 'namePrefix: uncommitted-\n');
    const src = await GitSource.open({ repo: dir, path: 'prod' }, { stateDir: scratchDir() });
    const files = await src.files(sha);
    assert.deepStrictEqual(files.map((f) => f.path), ['prod/kustomization.yaml (rendered)']);
    const objects = parseAllDocuments(files[0].text).map((d) => d.toJS());
    assert.deepStrictEqual(
      objects.map((o) => [o.kind, o.metadata.name, o.metadata.labels]),
      [
        ['ConfigMap', 'prod-more', { env: 'prod' }],
        ['ConfigMap', 'prod-settings', { env: 'prod' }],
      ],
    );
    // the same commit again is answered without rendering
    const renders = src.stats.renders;
    assert.deepStrictEqual(await src.files(sha), files);
    assert.strictEqual(src.stats.renders, renders);
    await src.close();
  });

  it('at the root: outermost kustomization folders are rendered, plain files read', async () => {
    const { dir, sha } = sample();
    const src = await GitSource.open({ repo: dir }, { stateDir: scratchDir() });
    const files = await src.files(sha);
    assert.deepStrictEqual(files.map((f) => f.path), ['base/kustomization.yaml (rendered)', 'plain.yaml', 'prod/kustomization.yaml (rendered)']);
    assert.match(files[0].text, /name: settings/);
    // a folder whose kustomization stays inside it is rendered again only when that folder changes
    const renders = src.stats.renders;
    const next = commitFiles(dir, { 'plain.yaml': cm('plain2') });
    const again = await src.files(next);
    assert.strictEqual(again[0].text, files[0].text);
    assert.strictEqual(src.stats.renders, renders + 1, 'prod (which reads ../base) rendered again, base not');
    await src.close();
  });

  it('a broken kustomization and a missing kubectl give errors that name the file', async () => {
    const { dir } = sample();
    const bad = commitFiles(dir, { 'prod/kustomization.yaml': 'resources:\n  - nowhere.yaml\n' });
    const src = await GitSource.open({ repo: dir, path: 'prod' }, { stateDir: scratchDir() });
    await assert.rejects(src.files(bad), (e: Error) => e instanceof SourceError && e.message.includes(`prod/kustomization.yaml at ${bad.slice(0, 7)}: kubectl kustomize failed`));

    // a PATH with git but no kubectl
    const bin = scratchDir();
    fs.symlinkSync(execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(), path.join(bin, 'git'));
    const good = commitFiles(dir, { 'prod/kustomization.yaml': 'resources:\n  - extra/more.yaml\n' });
    const savedPath = process.env.PATH;
    process.env.PATH = bin;
    try {
      await assert.rejects(src.files(good), (e: Error) => e instanceof SourceError && e.message.includes('needs kubectl on the PATH to render kustomization.yaml'));
    } finally {
      process.env.PATH = savedPath;
    }
    assert.match((await src.files(good))[0].text, /name: more/);
    await src.close();
  });
});
