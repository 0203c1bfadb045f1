// Manifests read as Kubernetes reads them (YAML 1.1 through go-yaml v2), by every reader: the API server's YAML
// bodies, the syncer's manifests from git, and the language server's two parsers.
import * as assert from 'assert';
import * as path from 'path';
import { readYamlValue } from '../../kube/yamlReader';
import { plainScalarValue } from '../../kube/yamlScalars';
import { parseFast } from '../../server/documents/fastYaml';
import { startTestCluster, TestCluster } from '../helpers/testCluster';
import { applications, useSyncer } from '../syncer/helpers/syncerHarness';
import { makeRepo } from '../syncer/helpers/gitRepo';
import { Diagnostic, FIXTURES, LspClient, uriOf } from '../server/lspClient';

// What go-yaml v2 resolves each plain scalar to (its resolve.go: the resolve table, strconv.ParseInt with base 0
// after removing underscores, yamlStyleFloat), and what YAML 1.2 would have made of it.
const GO_YAML_V2: [string, unknown][] = [
  ['0755', 493],
  ['0644', 420],
  ['0o17', 15],
  ['0x1F', 31],
  ['-0x1F', -31],
  ['0b101', 5],
  ['-0b101', -5],
  ['1_000', 1000],
  ['+12', 12],
  ['08', 8],
  ['1e3', 1000],
  ['.5', 0.5],
  ['1.', 1],
  ['yes', true],
  ['Yes', true],
  ['y', true],
  ['on', true],
  ['ON', true],
  ['True', true],
  ['no', false],
  ['n', false],
  ['off', false],
  ['FALSE', false],
  ['~', null],
  ['null', null],
  ['', null],
  // no sexagesimals, no timestamps: Kubernetes sees the text
  ['12:30', '12:30'],
  ['1:20:30', '1:20:30'],
  ['2024-01-01', '2024-01-01'],
  ['.', '.'],
  ['0b2', '0b2'],
  ['yess', 'yess'],
  ['nginx:1.25', 'nginx:1.25'],
  ['1.25', 1.25],
  ['v1', 'v1'],
];

describe('YAML scalars as Kubernetes reads them', function () {
  this.timeout(120_000);

  it('plain scalars resolve as go-yaml v2 resolves them, in the reader and both language server parsers', () => {
    for (const [raw, expected] of GO_YAML_V2) {
      assert.deepStrictEqual(plainScalarValue(raw), expected, `plain ${JSON.stringify(raw)}`);
      const text = `key: ${raw}\n`;
      assert.deepStrictEqual(readYamlValue(text), { key: expected }, `reader: ${text}`);
      const fast = parseFast(text);
      if (fast) assert.deepStrictEqual(fast.value, { key: expected }, `fast parser: ${text}`);
    }
    // quoted text stays text
    assert.deepStrictEqual(readYamlValue(`a: "0755"\nb: 'yes'\n`), { a: '0755', b: 'yes' });
    // merge keys are YAML 1.1 too, and go-yaml v2 applies them
    assert.deepStrictEqual((readYamlValue('base: &b {x: 1}\nobj:\n  <<: *b\n  z: 2\n') as { obj: unknown }).obj, {
      x: 1,
      z: 2,
    });
  });

  describe('the API server', () => {
    let t: TestCluster;
    before(async () => {
      t = await startTestCluster({ nodes: 1 });
    });
    after(() => t?.stop());

    it('a YAML body with defaultMode: 0755 is stored as 493', async () => {
      const body = [
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: modes}',
        'spec:',
        '  containers: [{name: app, image: nginx:1.25}]',
        '  volumes:',
        '  - name: conf',
        '    configMap: {name: conf, defaultMode: 0755}',
      ].join('\n');
      const r = await t.request('POST', '/api/v1/namespaces/default/pods', body, {
        'content-type': 'application/yaml',
      });
      assert.strictEqual(r.status, 201, r.text);
      const pod = await t.json(['get', 'pod', 'modes']);
      assert.strictEqual(pod.spec.volumes[0].configMap.defaultMode, 493);
    });
  });

  describe('the syncer', () => {
    const h = useSyncer();
    const apps = applications(() => h.syncer.client);

    it('applies a CronJob with defaultMode: 0755 from git as 493 (podinfo)', async () => {
      const cronJob = [
        'apiVersion: batch/v1',
        'kind: CronJob',
        'metadata: {name: backup}',
        'spec:',
        '  schedule: "*/5 * * * *"',
        '  suspend: yes',
        '  jobTemplate:',
        '    spec:',
        '      template:',
        '        spec:',
        '          restartPolicy: OnFailure',
        '          containers: [{name: backup, image: busybox:1.36}]',
        '          volumes:',
        '          - name: scripts',
        '            configMap: {name: scripts, defaultMode: 0755}',
      ].join('\n');
      const repo = makeRepo({ 'app/cronjob.yaml': cronJob + '\n' });
      await apps.createApp('modes', repo, { automated: true });
      await apps.waitApp('modes', 'Synced', (a) => a.status?.sync?.status === 'Synced');
      const live = await h.syncer.t.json(['get', 'cronjob', 'backup', '-n', 'modes']);
      assert.strictEqual(live.spec.jobTemplate.spec.template.spec.volumes[0].configMap.defaultMode, 493);
      assert.strictEqual(live.spec.suspend, true);
    });
  });

  it('the language server accepts defaultMode: 0755 and reports a value that is no string where one is needed', async () => {
    const client = await LspClient.start({ root: path.join(FIXTURES, 'workspace') });
    try {
      const uri = uriOf(path.join(FIXTURES, 'workspace', `modes-${process.pid}.yaml`));
      const text = [
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: modes}',
        'spec:',
        '  containers:',
        '  - name: app',
        '    image: nginx:1.25',
        '    env:',
        '    - name: ENABLED',
        '      value: yes',
        '  volumes:',
        '  - name: conf',
        '    configMap:',
        '      name: conf',
        '      defaultMode: 0755',
      ].join('\n');
      await client.open(uri, text + '\n');
      const d: Diagnostic[] = await client.waitForDiagnostics(uri);
      const errors = d.filter((x) => x.severity === 1);
      assert.deepStrictEqual(
        errors.map((e) => e.range.start.line),
        [9],
        `only env value "yes" (a boolean to Kubernetes) is an error: ${JSON.stringify(d.map((x) => x.message))}`,
      );
    } finally {
      await client.stop();
    }
  });
});
