// An update of a CRD whose stored schema already breaks a rule kube-apiserver added later is not held to it
// (kube does not tighten validation on persisted data), while a new CRD is; uniqueItems is never waived.
import * as assert from 'assert';
import { formatFieldError } from '../../kube/fieldErrors';
import { validateSemantics } from '../../kube/semantics';
import { widgetCrd } from '../helpers/manifests';
import type { SchemaObject } from '../../kube/schemas';

const ports = {
  type: 'array',
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': ['name'],
  items: { type: 'object', properties: { name: { type: 'string' } } },
};

function crd(spec: Record<string, unknown>): object {
  return widgetCrd({ spec: spec as SchemaObject });
}

const refusals = (o: object, old?: object): string[] => validateSemantics(o, old).map(formatFieldError);

describe('CRD updates keep what the stored CRD already had', () => {
  const keyNotRequired =
    'spec.validation.openAPIV3Schema.properties[spec].properties[ports].items.properties[name].default: Required ' +
    'value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property';
  const untyped =
    'spec.versions[0].schema.openAPIV3Schema.properties[spec].properties[size].type: Required value: must not be ' +
    'empty for specified object fields';

  it('refuses a list map key neither required nor defaulted, and a field without a type, in a new CRD', () => {
    assert.deepStrictEqual(refusals(crd({ type: 'object', properties: { ports } })), [keyNotRequired]);
    assert.deepStrictEqual(refusals(crd({ type: 'object', properties: { size: {} } })), [untyped]);
  });

  it('takes an update of a CRD that already had them', () => {
    const stored = crd({ type: 'object', properties: { ports, size: {} } });
    const next = crd({ type: 'object', properties: { ports, size: {}, extra: { type: 'string' } } });
    assert.deepStrictEqual(refusals(next, stored), []);
  });

  it('holds an update of a CRD that had none to them, and never waives uniqueItems', () => {
    const stored = crd({ type: 'object', properties: { names: { type: 'array', items: { type: 'string' } } } });
    assert.deepStrictEqual(refusals(crd({ type: 'object', properties: { ports } }), stored), [keyNotRequired]);
    const unique = { type: 'array', items: { type: 'string' }, uniqueItems: true };
    const old = crd({ type: 'object', properties: { names: unique, size: {} } });
    assert.deepStrictEqual(refusals(crd({ type: 'object', properties: { names: unique, size: {} } }), old), [
      'spec.validation.openAPIV3Schema.properties[spec].properties[names].uniqueItems: Forbidden: uniqueItems ' +
        'cannot be set to true since the runtime complexity becomes quadratic',
    ]);
  });
});
