// Pod specs, whether in a Pod or in a workload's template, and the rules for updating a Pod.

import { FieldError } from '../fieldErrors';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../names';
import { validateContainers } from './containers';
import { validateEphemeralContainers } from './ephemeralContainers';
import { validateAnnotations, validateLabels } from './meta';
import { validateSysctls } from './sysctls';
import {
  arr,
  at,
  clone,
  duplicate,
  forbidden,
  invalid,
  invalidEach,
  isObject,
  Json,
  notSupported,
  num,
  obj,
  Path,
  required,
  semanticEqual,
  str,
} from './util';

export const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const TOLERATION_OPERATORS = ['Equal', 'Exists'];
const TAINT_EFFECTS = ['NoExecute', 'NoSchedule', 'PreferNoSchedule'];
const MAX_INT32 = 2147483647;

/** The mutually exclusive volume source fields of a Volume. */
export const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

function validateDefaultMode(mode: unknown, path: Path): FieldError[] {
  const m = num(mode);
  return m !== undefined && (m < 0 || m > 0o777)
    ? [invalid(path, m, 'must be a number between 0 and 0777 (octal), both inclusive')]
    : [];
}

function validateVolumeSource(v: Json, path: Path): FieldError[] {
  const present = VOLUME_SOURCES.filter((s) => v[s] !== undefined && v[s] !== null);
  // No source at all is fine: defaulting turns it into an emptyDir.
  const errs: FieldError[] = present
    .slice(1)
    .map((s) => forbidden(at(path, s), 'may not specify more than 1 volume type'));
  const src = obj(v[present[0]]);
  const sp = at(path, present[0] ?? '');
  switch (present[0]) {
    case 'secret':
      if (!str(src.secretName)) errs.push(required(at(sp, 'secretName')));
      errs.push(...validateDefaultMode(src.defaultMode, at(sp, 'defaultMode')));
      break;
    case 'configMap':
      if (!str(src.name)) errs.push(required(at(sp, 'name')));
      errs.push(...validateDefaultMode(src.defaultMode, at(sp, 'defaultMode')));
      break;
    case 'downwardAPI':
    case 'projected':
      errs.push(...validateDefaultMode(src.defaultMode, at(sp, 'defaultMode')));
      break;
    case 'persistentVolumeClaim':
      if (!str(src.claimName)) errs.push(required(at(sp, 'claimName')));
      break;
    case 'hostPath':
      if (!str(src.path)) errs.push(required(at(sp, 'path')));
      break;
  }
  return errs;
}

function validateVolumes(volumes: unknown, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(volumes).forEach((raw, i) => {
    const v = obj(raw);
    const p = at(path, i);
    const name = str(v.name) ?? '';
    if (!name) errs.push(required(at(p, 'name')));
    else {
      const msgs = isDNS1123Label(name);
      if (msgs.length) errs.push(...invalidEach(at(p, 'name'), name, msgs));
      else if (names.has(name)) errs.push(duplicate(at(p, 'name'), name));
      names.add(name);
    }
    errs.push(...validateVolumeSource(v, p));
  });
  return errs;
}

function validateTolerations(tolerations: unknown, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  arr(tolerations).forEach((raw, i) => {
    const t = obj(raw);
    const p = at(path, i);
    const key = str(t.key) ?? '';
    const operator = str(t.operator) ?? '';
    if (key) errs.push(...invalidEach(at(p, 'key'), key, isQualifiedName(key)));
    if (!key && operator !== 'Exists') {
      errs.push(
        invalid(
          at(p, 'operator'),
          operator,
          'operator must be Exists when `key` is empty, which means "match all values and all keys"',
        ),
      );
    }
    if (operator && !TOLERATION_OPERATORS.includes(operator))
      errs.push(notSupported(at(p, 'operator'), operator, TOLERATION_OPERATORS));
    if (operator === 'Exists' && str(t.value))
      errs.push(invalid(at(p, 'operator'), t.value, "value must be empty when `operator` is 'Exists'"));
    const effect = str(t.effect) ?? '';
    if (effect && !TAINT_EFFECTS.includes(effect)) errs.push(notSupported(at(p, 'effect'), effect, TAINT_EFFECTS));
    if (t.tolerationSeconds !== undefined && t.tolerationSeconds !== null && effect !== 'NoExecute') {
      errs.push(invalid(at(p, 'effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
  });
  return errs;
}

export interface PodSpecOptions {
  /** true for a Pod object: stricter image checks and no ephemeral containers on create */
  isPod: boolean;
  /** true when validating a create request */
  create?: boolean;
}

/** Fields that defaulting fills in are only checked when present, so raw manifests validate too. */
export function validatePodSpec(spec: unknown, path: Path, opts: PodSpecOptions): FieldError[] {
  const s = obj(spec);
  const errs: FieldError[] = [];
  // absent lists have nothing to report: their paths are not built
  if (s.volumes !== undefined) errs.push(...validateVolumes(s.volumes, at(path, 'volumes')));
  if (arr(s.containers).length === 0) errs.push(required(at(path, 'containers')));
  const ctx = { isPod: opts.isPod, seenNames: new Set<string>() };
  if (s.initContainers !== undefined)
    errs.push(...validateContainers(s.initContainers, at(path, 'initContainers'), 'initContainers', ctx));
  errs.push(...validateContainers(s.containers, at(path, 'containers'), 'containers', ctx));
  const ephemeral = arr(s.ephemeralContainers).length > 0;
  if (opts.isPod && opts.create && ephemeral) {
    errs.push(forbidden(at(path, 'ephemeralContainers'), 'cannot be set on create'));
  } else if (ephemeral) {
    errs.push(
      ...validateContainers(s.ephemeralContainers, at(path, 'ephemeralContainers'), 'ephemeralContainers', ctx),
      ...validateEphemeralContainers(s, at(path, 'ephemeralContainers')),
    );
  }
  if (s.restartPolicy !== undefined && !RESTART_POLICIES.includes(str(s.restartPolicy) ?? '')) {
    errs.push(
      s.restartPolicy === ''
        ? required(at(path, 'restartPolicy'))
        : notSupported(at(path, 'restartPolicy'), s.restartPolicy, RESTART_POLICIES),
    );
  }
  if (s.dnsPolicy !== undefined && !DNS_POLICIES.includes(str(s.dnsPolicy) ?? '')) {
    errs.push(notSupported(at(path, 'dnsPolicy'), s.dnsPolicy, DNS_POLICIES));
  }
  if (s.dnsPolicy === 'None' && !isObject(s.dnsConfig))
    errs.push(required(at(path, 'dnsConfig'), 'must provide `dnsConfig` when `dnsPolicy` is None'));
  if (s.nodeSelector !== undefined) errs.push(...validateLabels(s.nodeSelector, at(path, 'nodeSelector')));
  for (const f of ['serviceAccountName', 'nodeName']) {
    const v = str(s[f]);
    if (v) errs.push(...invalidEach(at(path, f), v, isDNS1123Subdomain(v)));
  }
  for (const f of ['hostname', 'subdomain']) {
    const v = str(s[f]);
    if (v) errs.push(...invalidEach(at(path, f), v, isDNS1123Label(v)));
  }
  const deadline = num(s.activeDeadlineSeconds);
  if (deadline !== undefined && (deadline < 1 || deadline > MAX_INT32)) {
    errs.push(invalid(at(path, 'activeDeadlineSeconds'), deadline, `must be between 1 and ${MAX_INT32}, inclusive`));
  }
  if (s.tolerations !== undefined) errs.push(...validateTolerations(s.tolerations, at(path, 'tolerations')));
  const sysctls = obj(s.securityContext).sysctls;
  if (sysctls !== undefined) errs.push(...validateSysctls(sysctls, at(path, 'securityContext', 'sysctls')));
  return errs;
}

/** A workload's pod template: its labels, annotations and pod spec. */
export function validatePodTemplateSpec(template: unknown, path: Path): FieldError[] {
  const t = obj(template);
  const meta = obj(t.metadata);
  const errs: FieldError[] = [];
  // absent maps have nothing to report: their paths are not built
  if (meta.labels !== undefined) errs.push(...validateLabels(meta.labels, at(path, 'metadata', 'labels')));
  if (meta.annotations !== undefined)
    errs.push(...validateAnnotations(meta.annotations, at(path, 'metadata', 'annotations')));
  errs.push(...validatePodSpec(t.spec, at(path, 'spec'), { isPod: false }));
  return errs;
}

const POD_UPDATE_MESSAGE =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,' +
  '`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),' +
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

function sameImagesAs(list: unknown, old: unknown): unknown {
  const before = arr(old);
  return arr(list).map((c, i) => (isObject(c) && isObject(before[i]) ? { ...c, image: before[i].image } : c));
}

/** A Pod's spec is fixed once created, except images, a shrinking deadline and added tolerations. */
export function validatePodSpecUpdate(spec: unknown, oldSpec: unknown): FieldError[] {
  const s = obj(spec);
  const o = obj(oldSpec);
  const errs: FieldError[] = [];
  const deadline = num(s.activeDeadlineSeconds);
  const oldDeadline = num(o.activeDeadlineSeconds);
  if (deadline !== undefined && oldDeadline !== undefined && deadline > oldDeadline) {
    errs.push(invalid(['spec', 'activeDeadlineSeconds'], deadline, 'must be less than or equal to previous value'));
  } else if (deadline === undefined && oldDeadline !== undefined) {
    errs.push(invalid(['spec', 'activeDeadlineSeconds'], null, 'must not update from a positive integer to nil value'));
  }
  const munged = clone(s);
  munged.containers = sameImagesAs(s.containers, o.containers);
  munged.initContainers = sameImagesAs(s.initContainers, o.initContainers);
  munged.activeDeadlineSeconds = o.activeDeadlineSeconds;
  // Ephemeral containers change only through their own subresource.
  munged.ephemeralContainers = o.ephemeralContainers;
  const oldTolerations = arr(o.tolerations);
  if (oldTolerations.every((t) => arr(s.tolerations).some((n) => semanticEqual(n, t))))
    munged.tolerations = o.tolerations;
  const grace = num(o.terminationGracePeriodSeconds);
  if (grace !== undefined && grace < 0 && s.terminationGracePeriodSeconds === 1)
    munged.terminationGracePeriodSeconds = grace;
  if (!semanticEqual(munged, o)) errs.push(forbidden(['spec'], POD_UPDATE_MESSAGE));
  return errs;
}
