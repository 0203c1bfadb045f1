// Field paths in the API server's refusals, in kube-apiserver's notation (field.Path): fields `.name`, list
// indexes `[0]`, map keys `[key]`; in a custom resource kube-openapi names a map's keys as fields (`.key`).
// The expected lines are kube-apiserver's own words, as kubectl prints them.
import * as assert from 'assert';
import { widgetCrd } from '../helpers/manifests';
import { startTestCluster, TestCluster } from '../helpers/testCluster';

const TIERS_CRD = JSON.stringify(
  widgetCrd({
    spec: {
      type: 'object',
      properties: { tiers: { type: 'object', additionalProperties: { type: 'string', enum: ['low', 'high'] } } },
    },
  }),
);

describe('field paths in API errors, as kube-apiserver prints them', function () {
  this.timeout(60_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 1 });
    await t.apply(TIERS_CRD);
  });
  after(() => t?.stop());

  /** kubectl apply of a manifest that must be refused; the error line kubectl prints. */
  async function refused(manifest: string): Promise<string> {
    const r = await t.kubectl(['apply', '-f', '-'], { input: manifest });
    assert.notStrictEqual(r.code, 0, r.stdout);
    return r.stderr.trim();
  }

  it('a bad label key: at the labels map, as ValidateLabels reports it', async () => {
    const stderr = await refused(
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: labelled\n  labels:\n    "bad key!": x\n',
    );
    assert.strictEqual(
      stderr,
      'The ConfigMap "labelled" is invalid: metadata.labels: Invalid value: "bad key!": name part must consist of ' +
        "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
        "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is " +
        "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    );
  });

  it('a negative resources.requests quantity: at requests[cpu]', async () => {
    const stderr = await refused(
      [
        'apiVersion: v1',
        'kind: Pod',
        'metadata: {name: hungry}',
        'spec:',
        '  containers:',
        '  - name: app',
        '    image: nginx:1.25',
        '    resources:',
        '      requests: {cpu: -1}',
      ].join('\n'),
    );
    assert.strictEqual(
      stderr,
      'The Pod "hungry" is invalid: spec.containers[0].resources.requests[cpu]: Invalid value: "-1": ' +
        'must be greater than or equal to 0',
    );
  });

  it('a ConfigMap data key: at data[key], in the message and in the Status cause', async () => {
    const manifest = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'keys' }, data: { 'my key': 'v' } };
    const detail =
      "Invalid value: \"my key\": a valid config key must consist of alphanumeric characters, '-', '_' or '.' " +
      "(e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')";
    assert.strictEqual(
      await refused(JSON.stringify(manifest)),
      `The ConfigMap "keys" is invalid: data[my key]: ${detail}`,
    );
    const reply = await t.request('POST', '/api/v1/namespaces/default/configmaps', manifest);
    assert.strictEqual(reply.status, 422);
    assert.deepStrictEqual(reply.body.details.causes, [
      { reason: 'FieldValueInvalid', message: detail, field: 'data[my key]' },
    ]);
  });

  it("a custom resource's additionalProperties value: named as a field, as kube-openapi names it", async () => {
    const stderr = await refused(
      'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: q, namespace: default}\n' +
        'spec:\n  tiers:\n    app.kubernetes.io/web: medium\n',
    );
    assert.strictEqual(
      stderr,
      'The Widget "q" is invalid: spec.tiers.app.kubernetes.io/web: Unsupported value: "medium": ' +
        'supported values: "low", "high"',
    );
  });
});
