// ValidatingAdmissionPolicies: their CEL expressions must compile, their matchConditions be well formed.

import { compilePolicyExpression, policyExpressionErrors } from '../cel/policyExpressions';
import type { FieldError } from '../fieldErrors';
import { validateMatchConditions } from './matchConditions';
import { arr, Json, obj } from './util';

export function validateValidatingAdmissionPolicy(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const list = (v: unknown) => arr(v).map(obj);
  return [
    ...validateMatchConditions(spec.matchConditions, ['spec', 'matchConditions'], (e) =>
      compilePolicyExpression(e, 'bool'),
    ),
    ...policyExpressionErrors({ validations: list(spec.validations), variables: list(spec.variables) }, ['spec']),
  ];
}
