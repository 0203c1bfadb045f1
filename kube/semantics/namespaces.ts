// Namespaces and CustomResourceDefinitions: cluster-scoped kinds with rules of their own.

import { FieldError } from '../fieldErrors';
import { isQualifiedName } from '../names';
import { arr, invalid, invalidEach, Json, obj, str } from './util';

const STANDARD_FINALIZERS = ['kubernetes', 'orphan', 'foregroundDeletion'];

export function validateNamespace(o: Json): FieldError[] {
  const errs: FieldError[] = [];
  arr(obj(o.spec).finalizers).forEach((f, i) => {
    if (typeof f !== 'string') return;
    const path = ['spec', 'finalizers', i];
    errs.push(...invalidEach(path, f, isQualifiedName(f)));
    if (!f.includes('/') && !STANDARD_FINALIZERS.includes(f)) {
      errs.push(invalid(path, f, 'name is neither a standard finalizer name nor is it fully qualified'));
    }
  });
  return errs;
}

export function validateCustomResourceDefinition(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const name = str(obj(o.metadata).name) ?? '';
  const plural = str(obj(spec.names).plural) ?? '';
  const group = str(spec.group) ?? '';
  if (name && name !== `${plural}.${group}`)
    return [invalid(['metadata', 'name'], name, 'must be spec.names.plural+"."+spec.group')];
  return [];
}
