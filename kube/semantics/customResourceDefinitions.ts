// CustomResourceDefinitions: the name must be the plural and the group the definition serves.

import { FieldError } from '../fieldErrors';
import { invalid, Json, obj, str } from './util';

export function validateCustomResourceDefinition(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const name = str(obj(o.metadata).name) ?? '';
  const plural = str(obj(spec.names).plural) ?? '';
  const group = str(spec.group) ?? '';
  if (name && name !== `${plural}.${group}`)
    return [invalid(['metadata', 'name'], name, 'must be spec.names.plural+"."+spec.group')];
  return [];
}
