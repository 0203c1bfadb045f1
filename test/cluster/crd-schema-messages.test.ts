// A custom resource that breaks its CRD's openAPIV3Schema is refused with kube-apiserver's words for each keyword:
// kube-openapi's "<field> in body ..." messages, turned into field errors as apiextensions-apiserver turns them.
import * as assert from 'assert';
import { widget, widgetCrd } from '../helpers/manifests';
import { useTestCluster } from '../helpers/testCluster';
import type { SchemaObject } from '../../kube/schemas';

const SPEC: SchemaObject = {
  type: 'object',
  required: ['size'],
  properties: {
    size: { type: 'integer', minimum: 1, maximum: 10 },
    step: { type: 'integer', multipleOf: 5 },
    ratio: { type: 'number', exclusiveMaximum: true, maximum: 1000000 },
    share: { type: 'number', minimum: 0.5, maximum: 2.5 },
    name: { type: 'string', minLength: 3, maxLength: 8, pattern: '^[a-z]+$' },
    color: { type: 'string', enum: ['red', 'blue'] },
    items: { type: 'array', minItems: 1, maxItems: 2, items: { type: 'string' } },
    tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
    labels: { type: 'object', minProperties: 1, maxProperties: 2, additionalProperties: { type: 'string' } },
    tiers: { type: 'object', additionalProperties: { type: 'integer', minimum: 0 } },
    since: { type: 'string', format: 'date-time' },
    port: { 'x-kubernetes-int-or-string': true },
    route: {
      type: 'object',
      properties: { ingress: { type: 'string' }, egress: { type: 'string' } },
      anyOf: [{ required: ['ingress'] }, { required: ['egress'] }],
    },
    count: { type: 'integer', allOf: [{ minimum: 10 }, { multipleOf: 3 }] },
    source: {
      type: 'object',
      properties: { pvc: { type: 'string' }, content: { type: 'string' } },
      oneOf: [{ required: ['pvc'] }, { required: ['content'] }],
    },
  },
};

describe('CRD schema errors worded as kube-apiserver words them', function () {
  this.timeout(60_000);
  const c = useTestCluster({ nodes: 0 });

  before(async () => {
    await c.t.apply(JSON.stringify(widgetCrd({ spec: SPEC })));
    await c.t.ok(['wait', '--for', 'condition=Established', 'crd/widgets.example.com', '--timeout', '20s']);
  });

  /** What kubectl prints when it creates a Widget with this spec (which must be refused). */
  async function refused(spec: Record<string, unknown>): Promise<string> {
    const r = await c.t.kubectl(['create', '-f', '-'], { input: widget('w', 'default', spec) });
    assert.notStrictEqual(r.code, 0, `created: ${JSON.stringify(spec)}`);
    return r.stderr.trim();
  }

  const cases: [string, Record<string, unknown>, string][] = [
    ['minimum', { size: 0 }, 'spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1'],
    ['maximum', { size: 11 }, 'spec.size: Invalid value: 11: spec.size in body should be less than or equal to 10'],
    [
      'exclusiveMaximum (a float, as Go prints it)',
      { size: 1, ratio: 2500000.5 },
      'spec.ratio: Invalid value: 2.5000005e+06: spec.ratio in body should be less than 1e+06',
    ],
    ['multipleOf', { size: 1, step: 7 }, 'spec.step: Invalid value: 7: spec.step in body should be a multiple of 5'],
    [
      'minLength',
      { size: 1, name: 'ab' },
      'spec.name: Invalid value: "ab": spec.name in body should be at least 3 chars long',
    ],
    ['maxLength', { size: 1, name: 'abcdefghij' }, 'spec.name: Too long: may not be more than 8 bytes'],
    ['pattern', { size: 1, name: 'Abc' }, `spec.name: Invalid value: "Abc": spec.name in body should match '^[a-z]+$'`],
    ['enum', { size: 1, color: 'pink' }, 'spec.color: Unsupported value: "pink": supported values: "red", "blue"'],
    [
      'type',
      { size: 'string' },
      'spec.size: Invalid value: "string": spec.size in body must be of type integer: "string"',
    ],
    [
      'int-or-string',
      { size: 1, port: true },
      'spec.port: Invalid value: "boolean": spec.port in body must be of type integer,string: "boolean"',
    ],
    ['required', { step: 5 }, 'spec.size: Required value'],
    [
      'minItems',
      { size: 1, items: [] },
      'spec.items: Invalid value: 0: spec.items in body should have at least 1 items',
    ],
    ['maxItems', { size: 1, items: ['a', 'b', 'c'] }, 'spec.items: Too many: 3: must have at most 2 items'],
    ['x-kubernetes-list-type: set', { size: 1, tags: ['a', 'a'] }, 'spec.tags[1]: Duplicate value: "a"'],
    [
      'minProperties',
      { size: 1, labels: {} },
      'spec.labels: Invalid value: 0: spec.labels in body should have at least 1 properties',
    ],
    [
      'maxProperties',
      { size: 1, labels: { a: 'x', b: 'y', c: 'z' } },
      'spec.labels: Too many: 3: must have at most 2 items',
    ],
    [
      'a map value (its key named as a field)',
      { size: 1, tiers: { web: -1 } },
      'spec.tiers.web: Invalid value: -1: spec.tiers.web in body should be greater than or equal to 0',
    ],
    [
      'format',
      { size: 1, since: 'yesterday' },
      'spec.since: Invalid value: "yesterday": spec.since in body must be of type date-time: "yesterday"',
    ],
  ];
  for (const [keyword, spec, message] of cases) {
    it(keyword, async () => {
      assert.strictEqual(await refused(spec), `The Widget "w" is invalid: ${message}`);
    });
  }

  it('reports a string that breaks maxLength and pattern by its length alone, as kube-openapi stops there', async () => {
    assert.strictEqual(
      await refused({ size: 1, name: 'ABCDEFGHIJ' }),
      'The Widget "w" is invalid: spec.name: Too long: may not be more than 8 bytes',
    );
  });

  it('oneOf: the combinator names no field (<nil>)', async () => {
    assert.strictEqual(
      await refused({ size: 1, source: { pvc: 'a', content: 'b' } }),
      'The Widget "w" is invalid: <nil>: Invalid value: "": "spec.source" must validate one and only one schema ' +
        '(oneOf). Found 2 valid alternatives',
    );
  });

  it('anyOf: the combinator names no field, and the first branch says what is missing', async () => {
    const [head, ...lines] = (await refused({ size: 1, route: {} })).split('\n');
    assert.strictEqual(head, 'The Widget "w" is invalid: ');
    assert.deepStrictEqual(lines.sort(), [
      '* <nil>: Invalid value: "": "spec.route" must validate at least one schema (anyOf)',
      '* spec.route.ingress: Required value',
    ]);
  });

  it('allOf: each failing branch, and the combinator, which names no field', async () => {
    const [head, ...lines] = (await refused({ size: 1, count: 1 })).split('\n');
    assert.strictEqual(head, 'The Widget "w" is invalid: ');
    assert.deepStrictEqual(lines.sort(), [
      '* <nil>: Invalid value: "": "spec.count" must validate all the schemas (allOf). None validated',
      '* spec.count: Invalid value: 1: spec.count in body should be a multiple of 3',
      '* spec.count: Invalid value: 1: spec.count in body should be greater than or equal to 10',
    ]);
  });

  it("compares a whole number with a number's fractional bounds truncated, as kube-openapi does in int64", async () => {
    assert.strictEqual(
      await refused({ size: 1, share: 3 }),
      'The Widget "w" is invalid: spec.share: Invalid value: 3: spec.share in body should be less than or equal to 2',
    );
    assert.strictEqual(
      await refused({ size: 1, share: 0.25 }),
      'The Widget "w" is invalid: spec.share: Invalid value: 0.25: spec.share in body should be greater than or ' +
        'equal to 0.5',
    );
    // minimum 0.5 is 0 for a whole number
    const r = await c.t.kubectl(['create', '--dry-run=server', '-f', '-'], {
      input: widget('w', 'default', { size: 1, share: 0 }),
    });
    assert.strictEqual(r.stderr.trim(), '');
    assert.strictEqual(r.code, 0);
  });

  it('lists every broken field, and answers 422 with one cause per field', async () => {
    // kube-openapi visits a schema's properties in no fixed order, so neither does the list
    const [head, ...lines] = (await refused({ size: 0, color: 'pink' })).split('\n');
    assert.strictEqual(head, 'The Widget "w" is invalid: ');
    assert.deepStrictEqual(lines.sort(), [
      '* spec.color: Unsupported value: "pink": supported values: "red", "blue"',
      '* spec.size: Invalid value: 0: spec.size in body should be greater than or equal to 1',
    ]);
    const reply = await c.t.request('POST', '/apis/example.com/v1/namespaces/default/widgets', {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w' },
      spec: { size: 0 },
    });
    assert.strictEqual(reply.status, 422);
    const status = reply.body;
    assert.strictEqual(
      status.message,
      'Widget.example.com "w" is invalid: spec.size: Invalid value: 0: spec.size in body should be greater than or ' +
        'equal to 1',
    );
    assert.deepStrictEqual(status.details.causes, [
      {
        reason: 'FieldValueInvalid',
        message: 'Invalid value: 0: spec.size in body should be greater than or equal to 1',
        field: 'spec.size',
      },
    ]);
  });
});
