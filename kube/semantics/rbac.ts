// Roles and bindings: rule shapes, subjects, and the roleRef a binding keeps for life.

import { FieldError } from '../fieldErrors';
import { isDNS1123Subdomain, isValidPathSegmentName } from '../names';
import { arr, at, invalid, invalidEach, Json, notSupported, obj, Path, required, semanticEqual, str } from './util';

const SUBJECT_KINDS = ['Group', 'ServiceAccount', 'User'];
const RBAC_GROUP = 'rbac.authorization.k8s.io';

function validateRules(rules: unknown, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  arr(rules).forEach((raw, i) => {
    const rule = obj(raw);
    const p = at(path, i);
    if (arr(rule.verbs).length === 0) errs.push(required(at(p, 'verbs'), 'verbs must contain at least one value'));
    const urls = arr(rule.nonResourceURLs).length > 0;
    if (urls && (arr(rule.apiGroups).length > 0 || arr(rule.resources).length > 0)) {
      errs.push(
        invalid(
          at(p, 'nonResourceURLs'),
          rule.nonResourceURLs,
          'rules cannot apply to both regular resources and non-resource URLs',
        ),
      );
    } else if (!urls) {
      if (arr(rule.apiGroups).length === 0)
        errs.push(required(at(p, 'apiGroups'), 'resource rules must supply at least one api group'));
      if (arr(rule.resources).length === 0)
        errs.push(required(at(p, 'resources'), 'resource rules must supply at least one resource'));
    }
  });
  return errs;
}

/** Role and ClusterRole; an aggregated ClusterRole's rules are filled in by the controller. */
export function validateRole(o: Json): FieldError[] {
  return validateRules(o.rules, ['rules']);
}

function validateSubjects(subjects: unknown, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  arr(subjects).forEach((raw, i) => {
    const s = obj(raw);
    const p: Path = ['subjects', i];
    const name = str(s.name) ?? '';
    if (!name) errs.push(required(at(p, 'name')));
    const kind = str(s.kind) ?? '';
    if (kind === 'ServiceAccount') {
      if (name) errs.push(...invalidEach(at(p, 'name'), name, isDNS1123Subdomain(name)));
      if (s.apiGroup) errs.push(notSupported(at(p, 'apiGroup'), s.apiGroup, ['']));
      if (!namespaced && !str(s.namespace)) errs.push(required(at(p, 'namespace')));
    } else if (kind === 'User' || kind === 'Group') {
      if (s.apiGroup !== undefined && s.apiGroup !== RBAC_GROUP)
        errs.push(notSupported(at(p, 'apiGroup'), s.apiGroup, [RBAC_GROUP]));
    } else {
      errs.push(notSupported(at(p, 'kind'), kind, SUBJECT_KINDS));
    }
  });
  return errs;
}

export function validateBinding(o: Json, namespaced: boolean): FieldError[] {
  const ref = obj(o.roleRef);
  const errs: FieldError[] = [];
  if (ref.apiGroup !== undefined && ref.apiGroup !== RBAC_GROUP)
    errs.push(notSupported(['roleRef', 'apiGroup'], ref.apiGroup, [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref.kind) ?? '')) errs.push(notSupported(['roleRef', 'kind'], ref.kind ?? '', kinds));
  const name = str(ref.name) ?? '';
  if (!name) errs.push(required(['roleRef', 'name']));
  else errs.push(...invalidEach(['roleRef', 'name'], name, isValidPathSegmentName(name)));
  errs.push(...validateSubjects(o.subjects, namespaced));
  return errs;
}

export function validateBindingUpdate(o: Json, old: Json): FieldError[] {
  return semanticEqual(o.roleRef, old.roleRef) ? [] : [invalid(['roleRef'], o.roleRef, 'cannot change roleRef')];
}
