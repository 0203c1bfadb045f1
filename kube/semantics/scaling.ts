// HorizontalPodAutoscalers and PodDisruptionBudgets.

import { FieldError } from '../fieldErrors';
import { isValidPathSegmentName, isValidPercent } from '../names';
import { validateLabelSelector } from './meta';
import { invalid, invalidEach, isObject, Json, nonNegative, num, obj, required, str } from './util';

export function validateHorizontalPodAutoscaler(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  const min = num(spec.minReplicas);
  const max = num(spec.maxReplicas);
  if (min !== undefined && min < 1)
    errs.push(invalid(['spec', 'minReplicas'], min, 'must be greater than or equal to 1'));
  if (max !== undefined && max < 1) errs.push(invalid(['spec', 'maxReplicas'], max, 'must be greater than 0'));
  if (max !== undefined && max < (min ?? 1))
    errs.push(invalid(['spec', 'maxReplicas'], max, 'must be greater than or equal to `minReplicas`'));
  const ref = obj(spec.scaleTargetRef);
  for (const f of ['kind', 'name']) {
    const v = str(ref[f]) ?? '';
    if (!v) errs.push(required(['spec', 'scaleTargetRef', f]));
    else errs.push(...invalidEach(['spec', 'scaleTargetRef', f], v, isValidPathSegmentName(v)));
  }
  return errs;
}

function intOrPercent(v: unknown, path: (string | number)[]): FieldError[] {
  if (typeof v === 'string') return invalidEach(path, v, isValidPercent(v));
  return nonNegative(path, v);
}

export function validatePodDisruptionBudget(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  const hasMin = spec.minAvailable !== undefined && spec.minAvailable !== null;
  const hasMax = spec.maxUnavailable !== undefined && spec.maxUnavailable !== null;
  if (hasMin && hasMax)
    errs.push(
      invalid(['spec', 'minAvailable'], spec.minAvailable, 'minAvailable and maxUnavailable cannot be both set'),
    );
  if (hasMin) errs.push(...intOrPercent(spec.minAvailable, ['spec', 'minAvailable']));
  if (hasMax) errs.push(...intOrPercent(spec.maxUnavailable, ['spec', 'maxUnavailable']));
  if (isObject(spec.selector)) errs.push(...validateLabelSelector(spec.selector, ['spec', 'selector']));
  const policy = spec.unhealthyPodEvictionPolicy;
  if (policy !== undefined && policy !== 'IfHealthyBudget' && policy !== 'AlwaysAllow') {
    errs.push({
      type: 'FieldValueNotSupported',
      path: ['spec', 'unhealthyPodEvictionPolicy'],
      value: policy,
      supported: ['AlwaysAllow', 'IfHealthyBudget'],
    });
  }
  return errs;
}
