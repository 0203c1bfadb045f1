// PersistentVolumeClaims (alone or as StatefulSet templates), PersistentVolumes and StorageClasses.

import { FieldError, mapKey } from '../fieldErrors';
import { validateLabelSelector } from './meta';
import { parseQuantity } from './quantity';
import {
  arr,
  at,
  clone,
  forbidden,
  immutable,
  invalid,
  Json,
  notSupported,
  obj,
  Path,
  required,
  semanticEqual,
  str,
} from './util';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const STORAGE = mapKey('storage');

function validateAccessModes(modes: unknown, path: Path): FieldError[] {
  const list = arr(modes);
  if (list.length === 0) return [required(path, 'at least 1 access mode is required')];
  const errs: FieldError[] = [];
  for (const m of list) if (!ACCESS_MODES.includes(str(m) ?? '')) errs.push(notSupported(path, m, ACCESS_MODES));
  if (list.includes('ReadWriteOncePod') && list.length > 1)
    errs.push(forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** The spec of a claim; path points at it ("spec", or a StatefulSet's volumeClaimTemplates[i].spec). */
export function validateClaimSpec(spec: unknown, path: Path): FieldError[] {
  const s = obj(spec);
  const errs = validateAccessModes(s.accessModes, at(path, 'accessModes'));
  errs.push(...validateLabelSelector(s.selector, at(path, 'selector')));
  // Kubernetes reports the missing request under resources[storage], not resources.requests.
  const requests = obj(obj(s.resources).requests);
  if (!('storage' in requests)) errs.push(required(at(path, 'resources', STORAGE)));
  else {
    const q = parseQuantity(requests.storage);
    if (q !== undefined && q <= 0)
      errs.push(invalid(at(path, 'resources', STORAGE), requests.storage, 'must be greater than zero'));
  }
  if (s.volumeMode !== undefined && !VOLUME_MODES.includes(str(s.volumeMode) ?? ''))
    errs.push(notSupported(at(path, 'volumeMode'), s.volumeMode, VOLUME_MODES));
  return errs;
}

export function validatePersistentVolumeClaim(o: Json): FieldError[] {
  return validateClaimSpec(o.spec, ['spec']);
}

/**
 * A claim's spec is fixed after creation except its storage request and volumeAttributesClassName;
 * the binder may set volumeName once, and a class may be set on a claim created without one.
 */
export function validatePersistentVolumeClaimUpdate(o: Json, old: Json): FieldError[] {
  const now = clone(obj(o.spec));
  const before = clone(obj(old.spec));
  for (const s of [now, before]) {
    delete s.volumeAttributesClassName;
    const resources = obj(s.resources);
    s.resources = { ...resources, requests: { ...obj(resources.requests), storage: undefined } };
  }
  if (!str(before.volumeName)) before.volumeName = now.volumeName;
  if (before.storageClassName === undefined || before.storageClassName === null)
    before.storageClassName = now.storageClassName;
  if (semanticEqual(now, before)) return [];
  return [
    forbidden(
      ['spec'],
      'spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims',
    ),
  ];
}

export function validatePersistentVolume(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const errs = validateAccessModes(spec.accessModes, ['spec', 'accessModes']);
  const capacity = obj(spec.capacity);
  if (Object.keys(capacity).length === 0) errs.push(required(['spec', 'capacity']));
  if (!('storage' in capacity) || Object.keys(capacity).length > 1)
    errs.push(notSupported(['spec', 'capacity'], capacity, ['storage']));
  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy !== undefined && !RECLAIM_POLICIES.includes(str(policy) ?? '')) {
    errs.push(notSupported(['spec', 'persistentVolumeReclaimPolicy'], policy, RECLAIM_POLICIES));
  }
  return errs;
}

export function validateStorageClassUpdate(o: Json, old: Json): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parameters', 'provisioner', 'reclaimPolicy']) {
    if (!semanticEqual(o[f], old[f])) errs.push(forbidden([f], `updates to ${f} are forbidden.`));
  }
  errs.push(...immutable(['volumeBindingMode'], o.volumeBindingMode, old.volumeBindingMode));
  return errs;
}
