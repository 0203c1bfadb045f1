// x-kubernetes-validations rules of CRDs, enforced by the API server as kube-apiserver does, seen through kubectl.
import * as assert from 'assert';
import { widgetCrd } from '../helpers/manifests';
import { startTestCluster, TestCluster } from '../helpers/testCluster';

function crd(rules: { replicas?: unknown[]; spec?: unknown[]; ports?: unknown[] }, maxPorts = 100): string {
  return JSON.stringify(
    widgetCrd({
      spec: {
        type: 'object',
        properties: {
          replicas: { type: 'integer', 'x-kubernetes-validations': rules.replicas ?? [] },
          issuer: { type: 'string' },
          ports: {
            type: 'array',
            maxItems: maxPorts,
            items: { type: 'integer' },
            'x-kubernetes-validations': rules.ports ?? [],
          },
        },
        'x-kubernetes-validations': rules.spec ?? [],
      },
    }),
  );
}

const widget = (spec: Record<string, unknown>) =>
  JSON.stringify({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'default' }, spec });

// a triple loop: a million steps over 100 ports (maxItems keeps its estimate within the CRD's limit), about a
// second of the server's one thread without the runtime cost limit
const CUBIC = 'self.all(x, self.all(y, self.all(z, x + y + z >= 0)))';

describe('CRD validation rules (x-kubernetes-validations)', function () {
  this.timeout(60_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 1 });
    await t.apply(
      crd({
        replicas: [{ rule: 'self <= 10', message: 'must be <= 10' }],
        spec: [
          { rule: 'self.issuer == oldSelf.issuer', message: 'issuer is immutable', fieldPath: '.issuer' },
          {
            rule: "!has(self.issuer) || self.issuer.startsWith('ca-')",
            messageExpression: "'issuer ' + self.issuer + ' is not a CA'",
            reason: 'FieldValueForbidden',
            fieldPath: '.issuer',
          },
        ],
        ports: [{ rule: CUBIC }],
      }),
    );
    await t.ok(['wait', '--for', 'condition=Established', 'crd/widgets.example.com', '--timeout', '20s']);
  });
  after(async () => {
    await t?.stop();
  });

  it('refuses a create that breaks a rule with the message kubectl shows for kube-apiserver', async () => {
    const r = await t.kubectl(['apply', '-f', '-'], { input: widget({ replicas: 11, issuer: 'ca-1' }) });
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /The Widget "w" is invalid: spec\.replicas: Invalid value: "integer": must be <= 10/);
    const forbidden = await t.kubectl(['create', '-f', '-'], { input: widget({ replicas: 1, issuer: 'me' }) });
    assert.match(forbidden.stderr, /The Widget "w" is invalid: spec\.issuer: Forbidden: issuer me is not a CA/);
    assert.strictEqual((await t.kubectl(['get', 'widget', 'w'])).code, 1, 'nothing was stored');
  });

  it('stops a rule at the per-call cost limit and answers 422 Invalid as kube-apiserver does', async () => {
    const ports = Array.from({ length: 100 }, (_, i) => i);
    const body = JSON.parse(widget({ issuer: 'ca-1', ports })) as unknown;
    const reply = await t.request('POST', '/apis/example.com/v1/namespaces/default/widgets', body);
    assert.strictEqual(reply.status, 422);
    const detail =
      `Invalid value: "array": 'operation cancelled: actual cost limit exceeded': ` +
      `no further validation rules will be run due to call cost exceeds limit for rule: ${CUBIC}`;
    assert.strictEqual(reply.body.reason, 'Invalid');
    assert.strictEqual(reply.body.message, `Widget.example.com "w" is invalid: spec.ports: ${detail}`);
    assert.deepStrictEqual(reply.body.details.causes, [
      { reason: 'FieldValueInvalid', message: detail, field: 'spec.ports' },
    ]);
    // a few ports are cheap to check
    await t.apply(widget({ issuer: 'ca-1', ports: [80, 443] }));
    await t.ok(['delete', 'widget', 'w']);
  });

  it('checks transition rules on update (apply, server-side apply, patch) but not on create', async () => {
    await t.apply(widget({ replicas: 1, issuer: 'ca-1' }));
    const changed = await t.kubectl(['apply', '-f', '-'], { input: widget({ replicas: 2, issuer: 'ca-2' }) });
    assert.match(
      changed.stderr,
      /The Widget "w" is invalid: spec\.issuer: Invalid value: "object": issuer is immutable/,
    );
    const serverSide = await t.kubectl(['apply', '--server-side', '--force-conflicts', '-f', '-'], {
      input: widget({ replicas: 1, issuer: 'ca-3' }),
    });
    assert.match(serverSide.stderr, /spec\.issuer: Invalid value: "object": issuer is immutable/);
    const patched = await t.kubectl(['patch', 'widget', 'w', '--type=merge', '-p', '{"spec":{"replicas":12}}']);
    assert.match(patched.stderr, /spec\.replicas: Invalid value: "integer": must be <= 10/);
    await t.ok(['patch', 'widget', 'w', '--type=merge', '-p', '{"spec":{"replicas":3}}']);
    assert.strictEqual((await t.json(['get', 'widget', 'w'])).spec.replicas, 3);
  });

  it('refuses a CRD whose rule is estimated over the cost limit, saying to add maxItems', async () => {
    const r = await t.kubectl(['apply', '-f', '-'], { input: crd({ ports: [{ rule: CUBIC }] }, 300) });
    assert.notStrictEqual(r.code, 0);
    assert.match(
      r.stderr,
      /openAPIV3Schema\.properties\[spec\]\.properties\[ports\]\.x-kubernetes-validations\[0\]\.rule: Forbidden: estimated rule cost exceeds budget by factor/,
    );
    assert.match(
      r.stderr,
      /\(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings/,
    );
    // the CRD as it was (maxItems 100) still serves
    assert.strictEqual((await t.kubectl(['get', 'widgets'])).code, 0);
  });

  it('refuses a CRD whose rule does not compile, naming the rule', async () => {
    const r = await t.kubectl(['apply', '-f', '-'], { input: crd({ replicas: [{ rule: 'self <= ' }] }) });
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /The CustomResourceDefinition "widgets\.example\.com" is invalid: /);
    // a schema's properties are a map: properties[spec]
    assert.match(
      r.stderr,
      /openAPIV3Schema\.properties\[spec\]\.properties\[replicas\]\.x-kubernetes-validations\[0\]\.rule: /,
    );
    assert.match(r.stderr, /\.rule: Invalid value: "self <= ": compilation failed: ERROR: <input>:1:9:/);
  });
});
