// matchConditions of admission webhooks and ValidatingAdmissionPolicies, as admissionregistration/v1 validates
// them: at most 64, each with a qualified name unique in the list and an expression that compiles to a bool.
import type { CompileResult } from '../cel/program';
import type { FieldError } from '../fieldErrors';
import { isQualifiedName } from '../names';
import { arr, at, duplicate, invalid, invalidEach, obj, required, str, type Path } from './util';

const MAX_CONDITIONS = 64;

export function validateMatchConditions(
  value: unknown,
  path: Path,
  compile: (expression: string) => CompileResult,
): FieldError[] {
  const conditions = arr(value).map(obj);
  const errs: FieldError[] = [];
  if (conditions.length > MAX_CONDITIONS)
    errs.push({
      type: 'FieldValueTooMany',
      path: [...path],
      value: conditions.length,
      detail: `must have at most ${MAX_CONDITIONS} items`,
    });
  const names = new Set<string>();
  conditions.forEach((c, i) => {
    const expression = str(c.expression)?.trim() ?? '';
    if (!expression) errs.push(required(at(path, i, 'expression')));
    else {
      const compiled = compile(expression);
      if (!compiled.ok)
        errs.push(invalid(at(path, i, 'expression'), expression, `compilation failed: ${compiled.error}`));
    }
    const name = str(c.name) ?? '';
    if (!name) errs.push(required(at(path, i, 'name')));
    else errs.push(...invalidEach(at(path, i, 'name'), name, isQualifiedName(name)));
    if (name && names.has(name)) errs.push(duplicate(at(path, i, 'name'), name));
    names.add(name);
  });
  return errs;
}
