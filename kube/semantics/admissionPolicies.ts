// ValidatingAdmissionPolicies: their CEL expressions must compile.

import { policyExpressionErrors } from '../cel/policyExpressions';
import type { FieldError } from '../fieldErrors';
import { arr, Json, obj } from './util';

export function validateValidatingAdmissionPolicy(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const list = (v: unknown) => arr(v).map(obj);
  return policyExpressionErrors(
    {
      validations: list(spec.validations),
      matchConditions: list(spec.matchConditions),
      variables: list(spec.variables),
    },
    ['spec'],
  );
}
