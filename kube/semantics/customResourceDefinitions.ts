// CustomResourceDefinitions: the name must be the plural and the group the definition serves; the CEL rules of
// each version's schema must compile, and their estimated worst-case cost be within kube-apiserver's limits.

import { ruleCostErrors } from '../cel/ruleCostEstimate';
import { ruleDefinitionErrors } from '../cel/schemaRules';
import { FieldError } from '../fieldErrors';
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
  arr(spec.versions).forEach((v, i) => {
    const schema = obj(obj(v).schema).openAPIV3Schema;
    if (!isObject(schema)) return;
    const at = ['spec', 'versions', i, 'schema', 'openAPIV3Schema'];
    errors.push(...ruleDefinitionErrors(schema as SchemaObject, at), ...ruleCostErrors(schema as SchemaObject, at));
  });
  return errors;
}
