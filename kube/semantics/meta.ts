// metadata, labels, annotations and label selectors: the checks every kind shares.

import { FieldError } from '../fieldErrors';
import { isDNS1123Label, isQualifiedName, isValidLabelValue, NameValidator } from '../names';
import {
  arr,
  at,
  forbidden,
  immutable,
  invalid,
  invalidEach,
  invalidEachAt,
  isObject,
  nonNegative,
  obj,
  Path,
  required,
  str,
  strMap,
  tooLong,
} from './util';

export const TOTAL_ANNOTATION_SIZE_LIMIT = 256 * 1024;

export function validateLabels(labels: unknown, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const map = strMap(labels);
  for (const k of Object.keys(map)) {
    for (const m of isQualifiedName(k)) errs.push(invalid(path, k, m));
    for (const m of isValidLabelValue(map[k])) errs.push(invalid(path, map[k], m));
  }
  return errs;
}

export function validateAnnotations(annotations: unknown, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  let size = 0;
  const map = strMap(annotations);
  for (const k of Object.keys(map)) {
    // Annotation keys are qualified names in any letter case.
    for (const m of isQualifiedName(k.toLowerCase())) errs.push(invalid(path, k, m));
    size += Buffer.byteLength(k) + Buffer.byteLength(map[k]);
  }
  if (size > TOTAL_ANNOTATION_SIZE_LIMIT) errs.push(tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT));
  return errs;
}

function validateFinalizers(finalizers: unknown, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  arr(finalizers).forEach((f, i) => {
    if (typeof f === 'string') errs.push(...invalidEach(at(path, i), f, isQualifiedName(f)));
  });
  return errs;
}

/**
 * ObjectMeta as the API server checks it on create. A missing namespace is not reported: the server
 * fills it from the request before validating.
 */
export function validateObjectMeta(meta: unknown, nameFn: NameValidator, path: Path = ['metadata']): FieldError[] {
  const m = obj(meta);
  const errs: FieldError[] = [];
  const name = str(m.name) ?? '';
  const generateName = str(m.generateName) ?? '';
  // child paths are built only for what is set: this runs for every object checked
  if (generateName) errs.push(...invalidEachAt(path, 'generateName', generateName, nameFn(generateName, true)));
  if (!name) {
    if (!generateName) errs.push(required(at(path, 'name'), 'name or generateName is required'));
  } else {
    errs.push(...invalidEachAt(path, 'name', name, nameFn(name, false)));
  }
  const ns = str(m.namespace);
  if (ns) errs.push(...invalidEachAt(path, 'namespace', ns, isDNS1123Label(ns)));
  if (m.generation !== undefined) errs.push(...nonNegative(at(path, 'generation'), m.generation));
  if (m.labels !== undefined) errs.push(...validateLabels(m.labels, at(path, 'labels')));
  if (m.annotations !== undefined) errs.push(...validateAnnotations(m.annotations, at(path, 'annotations')));
  if (m.finalizers !== undefined) errs.push(...validateFinalizers(m.finalizers, at(path, 'finalizers')));
  return errs;
}

/** Identity never changes on update; labels and annotations are re-checked. */
export function validateObjectMetaUpdate(meta: unknown, oldMeta: unknown, path: Path = ['metadata']): FieldError[] {
  const m = obj(meta);
  const o = obj(oldMeta);
  const errs: FieldError[] = [];
  for (const field of ['name', 'namespace', 'uid', 'creationTimestamp']) {
    // The server copies these from the stored object when the request leaves them out.
    if (m[field] !== undefined && o[field] !== undefined) errs.push(...immutable(at(path, field), m[field], o[field]));
  }
  errs.push(...validateLabels(m.labels, at(path, 'labels')));
  errs.push(...validateAnnotations(m.annotations, at(path, 'annotations')));
  errs.push(...validateFinalizers(m.finalizers, at(path, 'finalizers')));
  return errs;
}

const SELECTOR_OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

export function validateLabelSelector(selector: unknown, path: Path): FieldError[] {
  if (!isObject(selector)) return [];
  const errs: FieldError[] = [];
  arr(selector.matchExpressions).forEach((e, i) => {
    const req = obj(e);
    const p = at(path, 'matchExpressions', i);
    const values = arr(req.values);
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0)
          errs.push(required(at(p, 'values'), "must be specified when `operator` is 'In' or 'NotIn'"));
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length > 0)
          errs.push(forbidden(at(p, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
        break;
      default:
        errs.push(invalid(at(p, 'operator'), req.operator, 'not a valid selector operator'));
    }
    const key = str(req.key) ?? '';
    errs.push(...invalidEach(at(p, 'key'), key, isQualifiedName(key)));
    values.forEach((v, j) => {
      if (typeof v === 'string') errs.push(...invalidEach(at(p, 'values', j), v, isValidLabelValue(v)));
    });
  });
  errs.push(...validateLabels(selector.matchLabels, at(path, 'matchLabels')));
  return errs;
}

/** false for a selector Kubernetes cannot turn into a label query (an unknown operator). */
export function selectorIsParsable(selector: unknown): boolean {
  return arr(obj(selector).matchExpressions).every((e) => SELECTOR_OPERATORS.includes(str(obj(e).operator) ?? ''));
}

export function selectorIsEmpty(selector: unknown): boolean {
  const s = obj(selector);
  return Object.keys(obj(s.matchLabels)).length + arr(s.matchExpressions).length === 0;
}

/** Label selector semantics; a missing selector matches nothing, an empty one everything. */
export function selectorMatches(selector: unknown, labels: Record<string, string>): boolean {
  if (!isObject(selector)) return false;
  for (const [k, v] of Object.entries(strMap(selector.matchLabels))) if (labels[k] !== v) return false;
  for (const e of arr(selector.matchExpressions)) {
    const req = obj(e);
    const key = str(req.key) ?? '';
    const values = arr(req.values).filter((v): v is string => typeof v === 'string');
    const has = Object.prototype.hasOwnProperty.call(labels, key);
    switch (req.operator) {
      case 'In':
        if (!has || !values.includes(labels[key])) return false;
        break;
      case 'NotIn':
        if (has && values.includes(labels[key])) return false;
        break;
      case 'Exists':
        if (!has) return false;
        break;
      case 'DoesNotExist':
        if (has) return false;
        break;
      default:
        return false;
    }
  }
  return true;
}
