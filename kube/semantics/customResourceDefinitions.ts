// CustomResourceDefinitions: the name must be the plural and the group the definition serves; each version's
// schema must be structural and use only the keywords kube-apiserver takes; its CEL rules must compile, and their
// estimated worst-case cost be within kube-apiserver's limits.

import { ruleCostErrors } from '../cel/ruleCostEstimate';
import { ruleDefinitionErrors } from '../cel/schemaRules';
import { FieldError } from '../fieldErrors';
import { deepEqual } from '../objects';
import { Lenient, openAPISchemaErrors, structuralErrors } from './crdSchemaRules';
import type { SchemaObject } from '../schemas';
import { arr, invalid, isObject, Json, obj, str } from './util';

export function validateCustomResourceDefinition(o: Json, _update = false, old?: Json): FieldError[] {
  const spec = obj(o.spec);
  const name = str(obj(o.metadata).name) ?? '';
  const plural = str(obj(spec.names).plural) ?? '';
  const group = str(spec.group) ?? '';
  const errors: FieldError[] = [];
  if (name && name !== `${plural}.${group}`)
    errors.push(invalid(['metadata', 'name'], name, 'must be spec.names.plural+"."+spec.group'));
  const { structural, lenient } = ratchet(old);
  const schemas = versionSchemas(o);
  // kube-apiserver keeps identical per-version schemas once, as spec.validation, and reports its keyword errors there
  const shared = schemas.length > 0 && schemas.every((s) => deepEqual(s, schemas[0]));
  if (shared && isObject(schemas[0]))
    errors.push(...openAPISchemaErrors(schemas[0], ['spec', 'validation', 'openAPIV3Schema'], { root: true, lenient }));
  schemas.forEach((schema, i) => {
    if (!isObject(schema)) return;
    const at = ['spec', 'versions', i, 'schema', 'openAPIV3Schema'];
    if (!shared) errors.push(...openAPISchemaErrors(schema, at, { root: true, lenient }));
    if (structural) errors.push(...structuralErrors(schema, 'root', at));
    errors.push(...ruleDefinitionErrors(schema as SchemaObject, at), ...ruleCostErrors(schema as SchemaObject, at));
  });
  return errors;
}

function versionSchemas(o: Json): unknown[] {
  return arr(obj(o.spec).versions).map((v) => obj(obj(v).schema).openAPIV3Schema);
}

/**
 * What an update need not pass because the stored CRD already fails it, as kube-apiserver does not tighten
 * validation on persisted data: structural schemas, list map keys required or defaulted, atomic set items.
 */
function ratchet(old: Json | undefined): { structural: boolean; lenient: Lenient } {
  if (!old) return { structural: true, lenient: {} };
  const schemas = versionSchemas(old).filter(isObject);
  const count = (lenient: Lenient): number =>
    schemas.reduce((n, s) => n + openAPISchemaErrors(s, [], { root: true, lenient }).length, 0);
  const all = count({});
  return {
    structural: !schemas.some((s) => structuralErrors(s, 'root', []).length > 0),
    lenient: { listKeys: count({ listKeys: true }) < all, atomicSets: count({ atomicSets: true }) < all },
  };
}
