// Quantities by Kubernetes' grammar, in the one check the API server, the syncer and the editor share:
// `memory: 128MB` is refused everywhere, as kube-apiserver refuses it, with the field named.
import * as assert from 'assert';
import * as path from 'path';
import { isQuantityText } from '../../kube/semantics/quantity';
import { startTestCluster, TestCluster } from '../helpers/testCluster';
import { applications, useSyncer } from '../syncer/helpers/syncerHarness';
import { makeRepo } from '../syncer/helpers/gitRepo';
import { Diagnostic, FIXTURES, LspClient, uriOf } from '../server/lspClient';

const VALID = ['128Mi', '1Gi', '0.5', '500m', '1e3', '1E-3', '.5Gi', '5.', '+1', '-1', '100n', '2u', '3k', '4Ei', '0'];
const INVALID = ['128MB', '1 Gi', ' 1Gi', '1gi', 'Gi', '', '1.5.5', '1e', '0x10', '1KiB', '10GB', '1e3.5', 'one'];

function podWith(memory: string): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    'metadata: {name: q}',
    'spec:',
    '  containers:',
    '  - name: app',
    '    image: nginx:1.25',
    '    resources:',
    '      limits:',
    `        memory: ${memory}`,
  ].join('\n');
}

describe('quantities by Kubernetes grammar', function () {
  this.timeout(120_000);

  it('accepts the decimal and binary SI suffixes and exponents, nothing else', () => {
    for (const q of VALID) assert.ok(isQuantityText(q), q);
    for (const q of INVALID) assert.ok(!isQuantityText(q), JSON.stringify(q));
  });

  describe('the API server', () => {
    let t: TestCluster;
    before(async () => {
      t = await startTestCluster({ nodes: 1 });
    });
    after(() => t?.stop());

    it('refuses memory: 128MB, a quota of 10GB, a LimitRange of 1 Gi and a claim of 1GB, naming each field', async () => {
      const pod = await t.kubectl(['apply', '-f', '-'], { input: podWith('128MB') });
      assert.notStrictEqual(pod.code, 0);
      assert.match(pod.stderr, /spec\.containers\[0\]\.resources\.limits\[memory\]: Invalid value: "128MB"/);
      assert.match(pod.stderr, /quantities must match the regular expression/);

      const quota = await t.kubectl(['apply', '-f', '-'], {
        input: 'apiVersion: v1\nkind: ResourceQuota\nmetadata: {name: q}\nspec: {hard: {requests.memory: 10GB}}\n',
      });
      assert.notStrictEqual(quota.code, 0);
      assert.match(quota.stderr, /spec\.hard\[requests\.memory\]: Invalid value: "10GB"/);
      const limits = await t.kubectl(['apply', '-f', '-'], {
        input:
          'apiVersion: v1\nkind: LimitRange\nmetadata: {name: l}\n' +
          'spec: {limits: [{type: Container, max: {memory: "1 Gi"}}]}\n',
      });
      assert.notStrictEqual(limits.code, 0);
      assert.match(limits.stderr, /spec\.limits\[0\]\.max\[memory\]: Invalid value: "1 Gi"/);
      const claim = await t.kubectl(['apply', '-f', '-'], {
        input:
          'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c}\n' +
          'spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1GB}}}\n',
      });
      assert.notStrictEqual(claim.code, 0);
      assert.match(claim.stderr, /spec\.resources\.requests\[storage\]: Invalid value: "1GB"/);

      const ok = await t.kubectl(['apply', '-f', '-'], { input: podWith('128Mi') });
      assert.strictEqual(ok.code, 0, ok.stderr);
    });
  });

  describe('the syncer', () => {
    const h = useSyncer();
    const apps = applications(() => h.syncer.client);

    it('refuses the revision with memory: 128MB, naming the file, line and field', async () => {
      const repo = makeRepo({ 'app/pod.yaml': podWith('128MB') + '\n' });
      await apps.createApp('quantities', repo, { automated: true });
      const errors = await apps.manifestErrors('quantities');
      assert.deepStrictEqual(
        errors.map((e) => [e.file, e.line, e.field]),
        [['app/pod.yaml', 10, 'spec.containers[0].resources.limits[memory]']],
      );
      assert.match(errors[0]?.message ?? '', /quantities must match/);
    });
  });

  it('the language server marks 128MB on its line and accepts 128Mi', async () => {
    const client = await LspClient.start({ root: path.join(FIXTURES, 'workspace') });
    try {
      const bad = uriOf(path.join(FIXTURES, 'workspace', `quantity-bad-${process.pid}.yaml`));
      await client.open(bad, podWith('128MB') + '\n');
      const d: Diagnostic[] = await client.waitForDiagnostics(bad);
      const errors = d.filter((x) => x.severity === 1);
      assert.strictEqual(errors.length, 1, JSON.stringify(d.map((x) => x.message)));
      assert.strictEqual(errors[0].range.start.line, 9);
      assert.match(errors[0].message, /quantities must match/);

      const good = uriOf(path.join(FIXTURES, 'workspace', `quantity-good-${process.pid}.yaml`));
      await client.open(good, podWith('128Mi') + '\n');
      const g: Diagnostic[] = await client.waitForDiagnostics(good);
      assert.deepStrictEqual(
        g.filter((x) => x.severity === 1),
        [],
      );
    } finally {
      await client.stop();
    }
  });
});
