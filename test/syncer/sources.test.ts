// What an Application's source deploys, on real git repositories against the embedded cluster: a folder's own
// files (its folders only with directory.recurse), include and exclude globs, a kustomization folder, one file,
// and a Helm chart folder (helm is not installed here: its absence, and a stand-in helm that records its arguments).
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Application } from '../../kube/application';
import type { ObjectClient } from '../../kubeclient/objectClient';
import { tempDir, TestCluster } from '../helpers/testCluster';
import { makeRepo } from './helpers/gitRepo';
import { applications, useSyncer } from './helpers/syncerHarness';

const cm = (name: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\ndata:\n  k: v\n`;

/** podinfo's shape: a base, and dev and staging overlays beside the folder's own file */
const OVERLAYS = {
  'deploy/own.yaml': cm('own'),
  'deploy/base/cm.yaml': cm('settings'),
  'deploy/base/kustomization.yaml': 'resources:\n  - cm.yaml\n',
  'deploy/dev/kustomization.yaml': 'namePrefix: dev-\nresources:\n  - ../base\n',
  'deploy/staging/kustomization.yaml': 'namePrefix: staging-\nresources:\n  - ../base\n',
};

const CHART = {
  'chart/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 0.1.0\n',
  'chart/values.yaml': 'replicas: 1\n',
  'chart/values-prod.yaml': 'replicas: 3\n',
  'chart/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}\n',
};

describe('syncer: sources (directory, kustomization, file, Helm chart)', function () {
  this.timeout(90_000);
  const h = useSyncer();
  let t: TestCluster;
  let client: ObjectClient;
  before(() => ({ t, client } = h.syncer));
  const apps = applications(() => client);
  const savedPath = process.env.PATH;
  after(() => {
    process.env.PATH = savedPath;
  });

  /** The ConfigMap names the app's status lists, once it is Synced at the tip. */
  async function deployedNames(name: string, tip: string): Promise<string[]> {
    const a = await apps.healthyAt(name, tip);
    return a.status!.resources!.filter((r) => r.kind === 'ConfigMap').map((r) => r.name);
  }

  /** The ConfigMaps in the app's namespace, as kubectl lists them. */
  async function liveNames(ns: string): Promise<string[]> {
    const list = await t.json(['get', 'configmaps', '-n', ns, '-l', `slipway.dev/app=${ns}`]);
    return list.items.map((o: { metadata: { name: string } }) => o.metadata.name).sort();
  }

  it('a folder deploys its own files only; nested kustomizations are not merged into it', async () => {
    const repo = makeRepo(OVERLAYS);
    const tip = repo.git('rev-parse', 'HEAD');
    await apps.createApp('flat', repo, {}, {}, { path: 'deploy' });
    assert.deepStrictEqual(await deployedNames('flat', tip), ['own']);
    assert.deepStrictEqual(await liveNames('flat'), ['own']);
  });

  it('directory.recurse reads the folders under it, each kustomization folder rendered on its own', async () => {
    const repo = makeRepo(OVERLAYS);
    const tip = repo.git('rev-parse', 'HEAD');
    await apps.createApp('deep', repo, {}, {}, { path: 'deploy', directory: { recurse: true } });
    assert.deepStrictEqual((await deployedNames('deep', tip)).sort(), [
      'dev-settings',
      'own',
      'settings',
      'staging-settings',
    ]);
  });

  it('directory.include and exclude choose files by glob, {a,b} lists included', async () => {
    const repo = makeRepo({
      'app/a.yaml': cm('a'),
      'app/b.yaml': cm('b'),
      'app/c.json': JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }),
      'app/sub/d.yaml': cm('d'),
      'app/sub/e.yaml': cm('e'),
    });
    const tip = repo.git('rev-parse', 'HEAD');
    await apps.createApp(
      'globs',
      repo,
      {},
      {},
      {
        directory: { recurse: true, include: '*.yaml', exclude: '{b.yaml,sub/e.yaml}' },
      },
    );
    assert.deepStrictEqual(await liveNamesWhenSynced('globs', tip), ['a', 'd']);
    await apps.createApp('globs', repo, {}, {}, { directory: { include: '{a.yaml,c.json}' } });
    // automated sync follows commits; a new source setting on the same commit is synced on request
    await apps.waitApp('globs', 'spec observed', (a) => a.status?.observedGeneration === a.metadata.generation);
    await apps.operate('globs', { sync: {} });
    assert.deepStrictEqual(await liveNamesWhenSynced('globs', tip, 2), ['a', 'c']);
  });

  /** Waits until the app is Synced at tip with `count` resources (pruning done), then lists what is live. */
  async function liveNamesWhenSynced(name: string, tip: string, count?: number): Promise<string[]> {
    await apps.waitApp(
      name,
      `Synced at ${tip.slice(0, 7)}${count ? ` with ${count} resources` : ''}`,
      (a: Application) =>
        a.status?.sync?.status === 'Synced' &&
        a.status.sync.revision === tip &&
        (count === undefined || a.status.resources?.length === count),
    );
    return liveNames(name);
  }

  it('a folder with a kustomization is rendered as one kustomization', async () => {
    const repo = makeRepo(OVERLAYS);
    const tip = repo.git('rev-parse', 'HEAD');
    await apps.createApp('overlay', repo, {}, {}, { path: 'deploy/staging' });
    const a = await apps.healthyAt('overlay', tip);
    assert.deepStrictEqual(
      a.status!.resources!.map((r) => [r.name, r.source]),
      [['staging-settings', 'deploy/staging/kustomization.yaml (rendered):1']],
    );
  });

  it('a path naming one file deploys that file', async () => {
    const repo = makeRepo({ 'release/all.yaml': `${cm('one')}---\n${cm('two')}`, 'release/other.yaml': cm('other') });
    const tip = repo.git('rev-parse', 'HEAD');
    await apps.createApp('onefile', repo, {}, {}, { path: 'release/all.yaml' });
    assert.deepStrictEqual((await deployedNames('onefile', tip)).sort(), ['one', 'two']);
  });

  it('a Helm chart without helm on the PATH: one clear error, no YAML errors on its templates', async () => {
    // whatever this machine has, the syncer looks for helm on a PATH without it
    process.env.PATH = (savedPath ?? '')
      .split(path.delimiter)
      .filter((d) => !fs.existsSync(path.join(d, 'helm')))
      .join(path.delimiter);
    const repo = makeRepo(CHART);
    await apps.createApp('nohelm', repo, {}, {}, { path: 'chart' });
    const a = await apps.waitApp(
      'nohelm',
      'a SourceError',
      (x) => !!x.status?.conditions?.some((c) => c.type === 'SourceError'),
    );
    const errors = a.status!.conditions!.filter((c) => c.status === 'True');
    assert.deepStrictEqual(
      errors.map((c) => [c.type, c.message]),
      [
        [
          'SourceError',
          'Helm chart at chart: helm was not found on the PATH; install helm or render the chart into plain manifests',
        ],
      ],
    );
    process.env.PATH = savedPath;
  });

  it('a Helm chart is rendered with helm template: release, namespace, values files, values and parameters', async () => {
    // a stand-in helm: records its arguments and prints a ConfigMap named after the release
    const bin = tempDir('slipway-fake-helm-');
    const argvFile = path.join(bin, 'argv');
    fs.writeFileSync(
      path.join(bin, 'helm'),
      `#!/bin/sh\nprintf '%s\\n' "$@" > '${argvFile}'\n` +
        `printf 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: %s\\ndata:\\n  from: helm\\n' "$2"\n`,
      { mode: 0o755 },
    );
    process.env.PATH = `${bin}${path.delimiter}${savedPath}`;
    const repo = makeRepo(CHART);
    const tip = repo.git('rev-parse', 'HEAD');
    await apps.createApp(
      'charted',
      repo,
      {},
      {},
      {
        path: 'chart',
        helm: {
          releaseName: 'web',
          valueFiles: ['values-prod.yaml'],
          values: 'replicas: 4\n',
          valuesObject: { image: { tag: '1.2.3' } },
          parameters: [
            { name: 'ingress.enabled', value: 'true' },
            { name: 'build', value: '0042', forceString: true },
          ],
        },
      },
    );
    assert.deepStrictEqual(await deployedNames('charted', tip), ['web']);
    process.env.PATH = savedPath;
    const argv = fs.readFileSync(argvFile, 'utf8').trimEnd().split('\n');
    // the chart and values files are in a temporary checkout: compare their paths inside it
    const chartDir = argv[2];
    const root = path.dirname(chartDir);
    assert.strictEqual(path.basename(chartDir), 'chart');
    assert.deepStrictEqual(
      argv.map((a) => (a.startsWith(root) ? `<checkout>${a.slice(root.length)}` : a)),
      [
        'template',
        'web',
        '<checkout>/chart',
        '--namespace',
        'charted',
        '--include-crds',
        '--values',
        '<checkout>/chart/values-prod.yaml',
        '--values',
        '<checkout>/.slipway-values.yaml',
        '--values',
        '<checkout>/.slipway-values-object.yaml',
        '--set',
        'ingress.enabled=true',
        '--set-string',
        'build=0042',
      ],
    );
    const live = await t.json(['get', 'configmap', 'web', '-n', 'charted']);
    assert.deepStrictEqual(live.data, { from: 'helm' });
  });
});
