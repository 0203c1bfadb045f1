// A CustomResourceDefinition whose schema kube-apiserver would refuse is refused with its words: the keywords it
// does not take, structural schema rules, and the consistency of the list and map extensions.
import * as assert from 'assert';
import { widgetCrd } from '../helpers/manifests';
import { useTestCluster } from '../helpers/testCluster';
import type { SchemaObject } from '../../kube/schemas';

const CRD = 'The CustomResourceDefinition "widgets.example.com" is invalid';
/** Where kube reports keyword errors of a schema shared by all versions (kept once, as spec.validation). */
const SHARED = 'spec.validation.openAPIV3Schema.properties[spec]';
/** Where the structural schema rules are reported: always per version. */
const V0 = 'spec.versions[0].schema.openAPIV3Schema.properties[spec]';

const names = { type: 'array', items: { type: 'string' } };

describe('CRD schemas kube-apiserver refuses', function () {
  this.timeout(60_000);
  const c = useTestCluster({ nodes: 0 });

  /** kubectl's refusal of the Widget CRD with this spec schema. */
  async function refused(spec: Record<string, unknown>): Promise<string> {
    const crd = JSON.stringify(widgetCrd({ spec: spec as SchemaObject }));
    const r = await c.t.kubectl(['create', '-f', '-'], { input: crd });
    assert.notStrictEqual(r.code, 0, `created: ${JSON.stringify(spec)}`);
    return r.stderr.trim();
  }

  const cases: [string, Record<string, unknown>, string][] = [
    [
      'uniqueItems: true',
      { type: 'object', properties: { names: { ...names, uniqueItems: true } } },
      `${SHARED}.properties[names].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime ` +
        'complexity becomes quadratic',
    ],
    [
      'a property without a type',
      { type: 'object', properties: { size: { minimum: 1 } } },
      `${V0}.properties[size].type: Required value: must not be empty for specified object fields`,
    ],
    [
      'array items without a type',
      { type: 'object', properties: { names: { type: 'array', items: { maxLength: 3 } } } },
      `${V0}.properties[names].items.type: Required value: must not be empty for specified array items`,
    ],
    [
      'an array without items',
      { type: 'object', properties: { names: { type: 'array' } } },
      `${V0}.properties[names].items: Required value: must be specified`,
    ],
    [
      'additionalProperties beside properties',
      { type: 'object', properties: { size: { type: 'integer' } }, additionalProperties: { type: 'string' } },
      `${SHARED}.additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive`,
    ],
    [
      '$ref',
      { type: 'object', properties: { size: { type: 'integer', $ref: '#/definitions/size' } } },
      `${SHARED}.properties[size].$ref: Forbidden: $ref is not supported`,
    ],
    [
      'patternProperties',
      { type: 'object', patternProperties: { '^x-': { type: 'string' } } },
      `${SHARED}.patternProperties: Forbidden: patternProperties is not supported`,
    ],
    [
      'type: null',
      { type: 'object', properties: { size: { type: 'null' } } },
      `${SHARED}.properties[size].type: Forbidden: type cannot be set to null, use nullable as an alternative`,
    ],
    [
      'x-kubernetes-preserve-unknown-fields: false',
      { type: 'object', 'x-kubernetes-preserve-unknown-fields': false },
      `${SHARED}.x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined`,
    ],
    [
      'x-kubernetes-list-type on a string',
      { type: 'object', properties: { name: { type: 'string', 'x-kubernetes-list-type': 'set' } } },
      `${SHARED}.properties[name].type: Invalid value: "string": must be array if x-kubernetes-list-type is specified`,
    ],
    [
      'an unknown x-kubernetes-list-type',
      { type: 'object', properties: { names: { ...names, 'x-kubernetes-list-type': 'bag' } } },
      `${SHARED}.properties[names].x-kubernetes-list-type: Unsupported value: "bag": supported values: ` +
        '"atomic", "set", "map"',
    ],
    [
      'x-kubernetes-list-type: map without keys',
      {
        type: 'object',
        properties: {
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            items: { type: 'object', required: ['name'], properties: { name: { type: 'string' } } },
          },
        },
      },
      `${SHARED}.properties[ports].x-kubernetes-list-map-keys: Required value: must not be empty if ` +
        'x-kubernetes-list-type is map',
    ],
    [
      'a list map key neither required nor defaulted',
      {
        type: 'object',
        properties: {
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: { type: 'object', properties: { name: { type: 'string' } } },
          },
        },
      },
      `${SHARED}.properties[ports].items.properties[name].default: Required value: this property is in ` +
        'x-kubernetes-list-map-keys, so it must have a default or be a required property',
    ],
    [
      'a list map key naming no item property',
      {
        type: 'object',
        properties: {
          ports: {
            type: 'array',
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['port'],
            items: { type: 'object', properties: { name: { type: 'string' } } },
          },
        },
      },
      `${SHARED}.properties[ports].x-kubernetes-list-map-keys: Invalid value: ["port"]: entries must all be names ` +
        'of item properties',
    ],
    [
      'a set of non-atomic objects',
      {
        type: 'object',
        properties: {
          peers: {
            type: 'array',
            'x-kubernetes-list-type': 'set',
            items: { type: 'object', properties: { host: { type: 'string' } } },
          },
        },
      },
      `${SHARED}.properties[peers].items.x-kubernetes-map-type: Invalid value: null: must be atomic as item of a ` +
        'list with x-kubernetes-list-type=set',
    ],
    [
      'a type under anyOf',
      { type: 'object', properties: { size: { type: 'integer', anyOf: [{ type: 'integer', minimum: 1 }] } } },
      `${V0}.properties[size].anyOf[0].type: Forbidden: must be empty to be structural`,
    ],
    [
      'a field only an anyOf branch specifies',
      { type: 'object', properties: { size: { type: 'integer' } }, anyOf: [{ properties: { count: { minimum: 1 } } }] },
      `${V0}.properties[count]: Required value: because it is defined in ${V0}.anyOf[0].properties[count]`,
    ],
  ];
  for (const [rule, spec, message] of cases) {
    it(rule, async () => {
      assert.strictEqual(await refused(spec), `${CRD}: ${message}`);
    });
  }

  it('limits the root metadata to name and generateName', async () => {
    const crd = widgetCrd();
    const root = crd.spec.versions[0].schema!.openAPIV3Schema!;
    root.properties!.metadata = { type: 'object', properties: { labels: { type: 'object' } } };
    const r = await c.t.kubectl(['create', '-f', '-'], { input: JSON.stringify(crd) });
    assert.strictEqual(
      r.stderr.trim(),
      `${CRD}: spec.versions[0].schema.openAPIV3Schema.properties[metadata]: Forbidden: must not specify anything ` +
        'other than name and generateName, but metadata is implicitly specified',
    );
  });

  it('refuses defaults in the top-level metadata', async () => {
    const crd = widgetCrd();
    const root = crd.spec.versions[0].schema!.openAPIV3Schema!;
    root.properties!.metadata = { type: 'object', properties: { name: { type: 'string', default: 'w' } } };
    const r = await c.t.kubectl(['create', '-f', '-'], { input: JSON.stringify(crd) });
    assert.strictEqual(
      r.stderr.trim(),
      `${CRD}: spec.validation.openAPIV3Schema.properties[metadata].properties[name].default: Forbidden: must not ` +
        'be set in top-level metadata',
    );
  });

  it('reports keyword errors per version when the versions' + "' schemas differ", async () => {
    const crd = widgetCrd({ spec: { type: 'object', properties: { names: { ...names, uniqueItems: true } } } });
    crd.spec.versions.push({
      ...crd.spec.versions[0],
      name: 'v2',
      storage: false,
      schema: { openAPIV3Schema: { type: 'object' } },
    });
    const r = await c.t.kubectl(['create', '-f', '-'], { input: JSON.stringify(crd) });
    assert.strictEqual(
      r.stderr.trim(),
      `${CRD}: spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[names].uniqueItems: Forbidden: ` +
        'uniqueItems cannot be set to true since the runtime complexity becomes quadratic',
    );
  });

  it('takes the schemas kube takes: int-or-string, open objects, maps, list maps and atomic sets', async () => {
    const spec = {
      type: 'object',
      properties: {
        port: { 'x-kubernetes-int-or-string': true },
        size: { anyOf: [{ type: 'integer' }, { type: 'string' }], 'x-kubernetes-int-or-string': true },
        values: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        labels: { type: 'object', additionalProperties: { type: 'string' } },
        ports: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name', 'protocol'],
          items: {
            type: 'object',
            required: ['name'],
            properties: { name: { type: 'string' }, protocol: { type: 'string', default: 'TCP' } },
          },
        },
        peers: {
          type: 'array',
          'x-kubernetes-list-type': 'set',
          items: { type: 'object', 'x-kubernetes-map-type': 'atomic', properties: { host: { type: 'string' } } },
        },
        route: {
          type: 'object',
          properties: { a: { type: 'string' }, b: { type: 'string' } },
          oneOf: [{ required: ['a'] }, { required: ['b'] }],
        },
      },
    };
    const crd = widgetCrd({ spec: spec as SchemaObject });
    const root = crd.spec.versions[0].schema!.openAPIV3Schema!;
    root.properties!.metadata = { type: 'object', properties: { name: { type: 'string', maxLength: 20 } } };
    await c.t.apply(JSON.stringify(crd));
    await c.t.ok(['wait', '--for', 'condition=Established', 'crd/widgets.example.com', '--timeout', '20s']);
  });
});
