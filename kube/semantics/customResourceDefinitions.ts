// CustomResourceDefinitions: the name must be the plural and the group the definition serves; each version's
// schema must be structural and use only the keywords kube-apiserver takes; its CEL rules must compile, and their
// estimated worst-case cost be within kube-apiserver's limits.

import { ruleCostErrors } from '../cel/ruleCostEstimate';
import { ruleDefinitionErrors } from '../cel/schemaRules';
import { FieldError } from '../fieldErrors';
import { deepEqual } from '../objects';
import { openAPISchemaErrors, structuralErrors } from './crdSchemaRules';
import type { SchemaObject } from '../schemas';
import { arr, invalid, isObject, Json, obj, str } from './util';

export function validateCustomResourceDefinition(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const name = str(obj(o.metadata).name) ?? '';
  const plural = str(obj(spec.names).plural) ?? '';
  const group = str(spec.group) ?? '';
  const errors: FieldError[] = [];
  if (name && name !== `${plural}.${group}`)
    errors.push(invalid(['metadata', 'name'], name, 'must be spec.names.plural+"."+spec.group'));
  const versions = arr(spec.versions);
  const schemas = versions.map((v) => obj(obj(v).schema).openAPIV3Schema);
  // kube-apiserver keeps identical per-version schemas once, as spec.validation, and reports its keyword errors there
  const shared = schemas.length > 0 && schemas.every((s) => deepEqual(s, schemas[0]));
  if (shared && isObject(schemas[0]))
    errors.push(...openAPISchemaErrors(schemas[0], ['spec', 'validation', 'openAPIV3Schema']));
  schemas.forEach((schema, i) => {
    if (!isObject(schema)) return;
    const at = ['spec', 'versions', i, 'schema', 'openAPIV3Schema'];
    if (!shared) errors.push(...openAPISchemaErrors(schema, at));
    errors.push(...structuralErrors(schema, 'root', at));
    errors.push(...ruleDefinitionErrors(schema as SchemaObject, at), ...ruleCostErrors(schema as SchemaObject, at));
  });
  return errors;
}
