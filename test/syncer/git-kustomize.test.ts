// Kustomization folders are rendered with the real kubectl, from the committed files.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import { AddressInfo } from 'net';
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
    'prod/kustomization.yaml':
      'namePrefix: prod-\ncommonLabels:\n  env: prod\nresources:\n  - ../base\n  - extra/more.yaml\n',
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
    assert.deepStrictEqual(
      files.map((f) => f.path),
      ['prod/kustomization.yaml (rendered)'],
    );
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

  it('recursing from the root: outermost kustomization folders are rendered, plain files read', async () => {
    const { dir, sha } = sample();
    const src = await GitSource.open({ repo: dir, directory: { recurse: true } }, { stateDir: scratchDir() });
    const files = await src.files(sha);
    assert.deepStrictEqual(
      files.map((f) => f.path),
      ['base/kustomization.yaml (rendered)', 'plain.yaml', 'prod/kustomization.yaml (rendered)'],
    );
    assert.match(files[0].text, /name: settings/);
    // a kustomization is rendered again only when a folder or file it reads changes (prod reads ../base)
    const renders = src.stats.renders;
    const next = commitFiles(dir, { 'plain.yaml': cm('plain2') });
    const again = await src.files(next);
    assert.deepStrictEqual(
      again.map((f) => f.text),
      [files[0].text, cm('plain2'), files[2].text],
    );
    assert.strictEqual(src.stats.renders, renders, 'a commit outside base/ and prod/ renders neither');
    const inBase = commitFiles(dir, { 'base/cm.yaml': cm('settings2') });
    const third = await src.files(inBase);
    assert.match(third[2].text, /name: prod-settings2/);
    assert.strictEqual(src.stats.renders, renders + 2, 'base and prod (which reads ../base) rendered again');
    const inProd = commitFiles(dir, { 'prod/extra/more.yaml': cm('more2') });
    assert.match((await src.files(inProd))[2].text, /name: prod-more2/);
    assert.strictEqual(src.stats.renders, renders + 3, 'prod rendered again, base not');
    await src.close();
  });

  it('a broken kustomization and a missing kubectl give errors that name the file', async () => {
    const { dir } = sample();
    const bad = commitFiles(dir, {
      'prod/kustomization.yaml': 'resources:\n  - bad.yaml\n',
      'prod/bad.yaml': 'kind: [\n',
    });
    const src = await GitSource.open({ repo: dir, path: 'prod' }, { stateDir: scratchDir() });
    await assert.rejects(
      src.files(bad),
      (e: Error) =>
        e instanceof SourceError &&
        e.message.includes(`prod/kustomization.yaml at ${bad.slice(0, 7)}: kubectl kustomize failed`),
    );

    // a PATH with git but no kubectl
    const bin = scratchDir();
    fs.symlinkSync(execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim(), path.join(bin, 'git'));
    const good = commitFiles(dir, { 'prod/kustomization.yaml': 'resources:\n  - extra/more.yaml\n' });
    const savedPath = process.env.PATH;
    process.env.PATH = bin;
    try {
      await assert.rejects(
        src.files(good),
        (e: Error) =>
          e instanceof SourceError && e.message.includes('needs kubectl on the PATH to render kustomization.yaml'),
      );
    } finally {
      process.env.PATH = savedPath;
    }
    assert.match((await src.files(good))[0].text, /name: more/);
    await src.close();
  });

  describe('the repository is the boundary', () => {
    /** A local HTTP server counting requests: /cm.yaml answers with a ConfigMap, anything else never answers. */
    async function remote(): Promise<{ url: string; requests: string[]; close(): Promise<void> }> {
      const requests: string[] = [];
      const server = http.createServer((req, res) => {
        requests.push(req.url ?? '');
        if (req.url === '/cm.yaml') res.end(cm('fetched'));
      });
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      return {
        url,
        requests,
        close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
      };
    }

    it('refuses a path that leads out of the repository, naming the kustomization file and the entry', async () => {
      // a neighbour project next to the repository, with a Secret that must not be deployed
      const dir = newRepo();
      const other = path.join(path.dirname(dir), `${path.basename(dir)}-other`);
      fs.mkdirSync(other);
      fs.writeFileSync(path.join(other, 'kustomization.yaml'), 'resources:\n  - secret.yaml\n');
      fs.writeFileSync(
        path.join(other, 'secret.yaml'),
        'apiVersion: v1\nkind: Secret\nmetadata:\n  name: theirs\nstringData:\n  key: hunter2\n',
      );
      try {
        const escape = `../../${path.basename(other)}`;
        const sha = commitFiles(dir, {
          'app/kustomization.yaml': `resources:\n  - cm.yaml\n  - ${escape}\n`,
          'app/cm.yaml': cm('mine'),
        });
        const src = await GitSource.open({ repo: dir, path: 'app' }, { stateDir: scratchDir() });
        await assert.rejects(src.files(sha), (e: Error) => {
          assert.ok(e instanceof SourceError);
          assert.match(
            e.message,
            new RegExp(
              `app/kustomization\\.yaml: resources entry "${escape.replace(/\./g, '\\.')}" points outside the repository`,
            ),
          );
          return true;
        });
        // a base in a sibling folder of the same repository still works, also through a base's own base
        const ok = commitFiles(dir, {
          'app/kustomization.yaml': 'resources:\n  - ../shared\n',
          'shared/kustomization.yaml': 'resources:\n  - ../lib/base\n',
          'lib/base/kustomization.yaml': 'resources:\n  - cm.yaml\n',
          'lib/base/cm.yaml': cm('shared'),
        });
        assert.match((await src.files(ok))[0].text, /name: shared/);
        // one level further out, through that base, is refused and named at the base
        const deep = commitFiles(dir, {
          'lib/base/kustomization.yaml': `resources:\n  - cm.yaml\n  - ../../${escape}\n`,
        });
        await assert.rejects(
          src.files(deep),
          /lib\/base\/kustomization\.yaml: resources entry .* points outside the repository/,
        );
        const absolute = commitFiles(dir, { 'lib/base/kustomization.yaml': `resources:\n  - ${other}\n` });
        await assert.rejects(
          src.files(absolute),
          /lib\/base\/kustomization\.yaml: resources entry .* is an absolute path/,
        );
        await src.close();
      } finally {
        fs.rmSync(other, { recursive: true, force: true });
      }
    });

    it('refuses a remote base without fetching it, unless the source allows remote bases', async () => {
      const server = await remote();
      try {
        const dir = newRepo();
        const sha = commitFiles(dir, { 'app/kustomization.yaml': `resources:\n  - ${server.url}/cm.yaml\n` });
        const src = await GitSource.open({ repo: dir, path: 'app' }, { stateDir: scratchDir() });
        await assert.rejects(src.files(sha), (e: Error) => {
          assert.ok(e instanceof SourceError);
          assert.ok(
            e.message.includes(
              `app/kustomization.yaml: resources entry "${server.url}/cm.yaml" is a remote base, which is refused`,
            ),
            e.message,
          );
          assert.match(e.message, /spec\.source\.kustomize\.allowRemoteBases/);
          return true;
        });
        // a path that is not in the commit would be taken for a remote base by kustomize: refused too
        const hostPath = commitFiles(dir, { 'app/kustomization.yaml': 'resources:\n  - example.com/org/repo/base\n' });
        await assert.rejects(
          src.files(hostPath),
          /resources entry "example\.com\/org\/repo\/base" is not a file or folder in the repository/,
        );
        await src.close();
        assert.deepStrictEqual(server.requests, [], 'nothing was fetched');

        const allowed = await GitSource.open(
          { repo: dir, path: 'app', allowRemoteBases: true },
          { stateDir: scratchDir() },
        );
        assert.match((await allowed.files(sha))[0].text, /name: fetched/);
        assert.deepStrictEqual(server.requests, ['/cm.yaml']);
        await allowed.close();
      } finally {
        await server.close();
      }
    });

    it('stops a render that does not finish in time, with an error that says so', async () => {
      const server = await remote();
      try {
        const dir = newRepo();
        const sha = commitFiles(dir, { 'app/kustomization.yaml': `resources:\n  - ${server.url}/hang.yaml\n` });
        const src = await GitSource.open(
          { repo: dir, path: 'app', allowRemoteBases: true },
          { stateDir: scratchDir(), renderTimeoutMs: 1500 },
        );
        const started = Date.now();
        await assert.rejects(
          src.files(sha),
          /app\/kustomization\.yaml at [0-9a-f]{7}: kubectl kustomize did not finish within 1\.5 s and was stopped/,
        );
        const took = Date.now() - started;
        assert.ok(took >= 1400 && took < 5000, `stopped after ${took} ms`);
        assert.deepStrictEqual(server.requests, ['/hang.yaml']);
        await src.close();
      } finally {
        await server.close();
      }
    });
  });
});
