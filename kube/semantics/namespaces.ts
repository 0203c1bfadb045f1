// Namespaces: the finalizer names a namespace may carry.

import { FieldError } from '../fieldErrors';
import { isQualifiedName } from '../names';
import { arr, invalid, invalidEach, Json, obj } from './util';

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
