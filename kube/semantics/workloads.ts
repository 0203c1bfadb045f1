// apps/v1 controllers (and the core ReplicationController): selectors, templates, strategies, and
// what may change on update.

import { FieldError } from '../fieldErrors';
import { isValidPercent } from '../names';
import {
  selectorIsEmpty,
  selectorIsParsable,
  selectorMatches,
  validateAnnotations,
  validateLabelSelector,
  validateLabels,
} from './meta';
import { validatePodTemplateSpec } from './podSpec';
import {
  at,
  clone,
  forbidden,
  immutable,
  invalid,
  invalidEach,
  isObject,
  nonNegative,
  notSupported,
  num,
  obj,
  Path,
  required,
  semanticEqual,
  str,
  strMap,
} from './util';

const MISMATCH = '`selector` does not match template `labels`';

/** Selector presence, validity, non-emptiness and agreement with the template labels. */
function validateSelectorAndTemplate(spec: Record<string, unknown>, emptyWord: string): FieldError[] {
  const errs: FieldError[] = [];
  const selector = spec.selector;
  const template = obj(spec.template);
  if (!isObject(selector)) {
    errs.push(required(['spec', 'selector']));
  } else {
    errs.push(...validateLabelSelector(selector, ['spec', 'selector']));
    if (selectorIsEmpty(selector))
      errs.push(invalid(['spec', 'selector'], selector, `empty selector is invalid for ${emptyWord}`));
  }
  if (!selectorIsParsable(selector)) {
    errs.push(invalid(['spec', 'selector'], selector, 'invalid label selector'));
  } else if (!isObject(selector) || !selectorIsEmpty(selector)) {
    // A missing selector matches nothing, so Kubernetes reports the mismatch as well.
    const labels = strMap(obj(template.metadata).labels);
    if (!selectorMatches(selector, labels))
      errs.push(invalid(['spec', 'template', 'metadata', 'labels'], obj(template.metadata).labels ?? {}, MISMATCH));
  }
  return errs;
}

/** Controllers that keep pods running forever need restartPolicy Always and no deadline. */
function validateLongRunningTemplate(spec: Record<string, unknown>, owner: string): FieldError[] {
  const podSpec = obj(obj(spec.template).spec);
  const errs = validatePodTemplateSpec(spec.template, ['spec', 'template']);
  if (podSpec.restartPolicy !== undefined && podSpec.restartPolicy !== 'Always') {
    errs.push(notSupported(['spec', 'template', 'spec', 'restartPolicy'], podSpec.restartPolicy, ['Always']));
  }
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(
      forbidden(
        ['spec', 'template', 'spec', 'activeDeadlineSeconds'],
        `activeDeadlineSeconds in ${owner} is not Supported`,
      ),
    );
  }
  return errs;
}

function intOrPercent(v: unknown, path: Path): FieldError[] {
  if (typeof v === 'string') return invalidEach(path, v, isValidPercent(v));
  return nonNegative(path, v);
}

function intOrPercentValue(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && isValidPercent(v).length === 0) return Number(v.slice(0, -1));
  return 0;
}

function notOver100Percent(v: unknown, path: Path): FieldError[] {
  return typeof v === 'string' && isValidPercent(v).length === 0 && intOrPercentValue(v) > 100
    ? [invalid(path, v, 'must not be greater than 100%')]
    : [];
}

function validateDeploymentStrategy(strategy: unknown, path: Path): FieldError[] {
  if (!isObject(strategy) || strategy.type === undefined) return [];
  const errs: FieldError[] = [];
  const ru = strategy.rollingUpdate;
  if (strategy.type === 'Recreate') {
    if (ru !== undefined && ru !== null)
      errs.push(forbidden(at(path, 'rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'"));
  } else if (strategy.type === 'RollingUpdate') {
    if (isObject(ru)) {
      const rp = at(path, 'rollingUpdate');
      errs.push(...intOrPercent(ru.maxUnavailable, at(rp, 'maxUnavailable')));
      errs.push(...intOrPercent(ru.maxSurge, at(rp, 'maxSurge')));
      // Unset values are defaulted to 25%, so only explicit zeros can collide.
      if (
        ru.maxUnavailable !== undefined &&
        ru.maxSurge !== undefined &&
        intOrPercentValue(ru.maxUnavailable) === 0 &&
        intOrPercentValue(ru.maxSurge) === 0
      ) {
        errs.push(invalid(at(rp, 'maxUnavailable'), ru.maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
      }
      errs.push(...notOver100Percent(ru.maxUnavailable, at(rp, 'maxUnavailable')));
    }
  } else {
    errs.push(notSupported(path, strategy, ['Recreate', 'RollingUpdate']));
  }
  return errs;
}

export function validateDeployment(o: Record<string, unknown>): FieldError[] {
  const spec = obj(o.spec);
  const errs = [...nonNegative(['spec', 'replicas'], spec.replicas)];
  errs.push(...validateSelectorAndTemplate(spec, 'deployment'));
  errs.push(...validateLongRunningTemplate(spec, 'ReplicaSet'));
  errs.push(...validateDeploymentStrategy(spec.strategy, ['spec', 'strategy']));
  errs.push(...nonNegative(['spec', 'minReadySeconds'], spec.minReadySeconds));
  errs.push(...nonNegative(['spec', 'revisionHistoryLimit'], spec.revisionHistoryLimit));
  const deadline = num(spec.progressDeadlineSeconds);
  if (deadline !== undefined) {
    errs.push(...nonNegative(['spec', 'progressDeadlineSeconds'], deadline));
    if (deadline <= (num(spec.minReadySeconds) ?? 0))
      errs.push(invalid(['spec', 'progressDeadlineSeconds'], deadline, 'must be greater than minReadySeconds'));
  }
  return errs;
}

export function validateReplicaSet(o: Record<string, unknown>): FieldError[] {
  const spec = obj(o.spec);
  return [
    ...nonNegative(['spec', 'replicas'], spec.replicas),
    ...nonNegative(['spec', 'minReadySeconds'], spec.minReadySeconds),
    // Kubernetes says "deployment" here too.
    ...validateSelectorAndTemplate(spec, 'deployment'),
    ...validateLongRunningTemplate(spec, 'ReplicaSet'),
  ];
}

function validateDaemonSetStrategy(strategy: unknown, path: Path): FieldError[] {
  if (!isObject(strategy) || strategy.type === undefined || strategy.type === 'OnDelete') return [];
  if (strategy.type !== 'RollingUpdate') return [notSupported(path, strategy, ['RollingUpdate', 'OnDelete'])];
  const ru = strategy.rollingUpdate;
  if (!isObject(ru)) return [];
  const rp = at(path, 'rollingUpdate');
  const errs = [
    ...intOrPercent(ru.maxUnavailable, at(rp, 'maxUnavailable')),
    ...intOrPercent(ru.maxSurge, at(rp, 'maxSurge')),
  ];
  errs.push(
    ...notOver100Percent(ru.maxUnavailable, at(rp, 'maxUnavailable')),
    ...notOver100Percent(ru.maxSurge, at(rp, 'maxSurge')),
  );
  if (ru.maxUnavailable !== undefined && ru.maxSurge !== undefined) {
    const hasUnavailable = intOrPercentValue(ru.maxUnavailable) !== 0;
    const hasSurge = intOrPercentValue(ru.maxSurge) !== 0;
    if (hasUnavailable && hasSurge)
      errs.push(invalid(at(rp, 'maxSurge'), ru.maxSurge, 'may not be set when maxUnavailable is non-zero'));
    if (!hasUnavailable && !hasSurge) errs.push(required(at(rp, 'maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
  }
  return errs;
}

export function validateDaemonSet(o: Record<string, unknown>): FieldError[] {
  const spec = obj(o.spec);
  return [
    ...validateSelectorAndTemplate(spec, 'daemonset'),
    ...validateLongRunningTemplate(spec, 'DaemonSet'),
    ...nonNegative(['spec', 'minReadySeconds'], spec.minReadySeconds),
    ...validateDaemonSetStrategy(spec.updateStrategy, ['spec', 'updateStrategy']),
    ...nonNegative(['spec', 'revisionHistoryLimit'], spec.revisionHistoryLimit),
  ];
}

const RETENTION = ['Retain', 'Delete'];

export function validateStatefulSet(o: Record<string, unknown>): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  const pmp = spec.podManagementPolicy;
  if (pmp !== undefined && pmp !== 'OrderedReady' && pmp !== 'Parallel') {
    errs.push(invalid(['spec', 'podManagementPolicy'], pmp, "must be 'OrderedReady' or 'Parallel'"));
  }
  const strategy = obj(spec.updateStrategy);
  if (strategy.type === 'OnDelete' && strategy.rollingUpdate !== undefined && strategy.rollingUpdate !== null) {
    errs.push(
      invalid(
        ['spec', 'updateStrategy', 'rollingUpdate'],
        strategy.rollingUpdate,
        "only allowed for updateStrategy 'RollingUpdate'",
      ),
    );
  } else if (strategy.type === 'RollingUpdate') {
    const ru = obj(strategy.rollingUpdate);
    errs.push(...nonNegative(['spec', 'updateStrategy', 'rollingUpdate', 'partition'], ru.partition));
  } else if (strategy.type !== undefined) {
    errs.push(invalid(['spec', 'updateStrategy'], spec.updateStrategy, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  const retention = obj(spec.persistentVolumeClaimRetentionPolicy);
  for (const f of ['whenDeleted', 'whenScaled']) {
    if (retention[f] !== undefined && !RETENTION.includes(str(retention[f]) ?? '')) {
      errs.push(notSupported(['spec', 'persistentVolumeClaimRetentionPolicy', f], retention[f], RETENTION));
    }
  }
  errs.push(...nonNegative(['spec', 'replicas'], spec.replicas));
  errs.push(...nonNegative(['spec', 'minReadySeconds'], spec.minReadySeconds));
  errs.push(...nonNegative(['spec', 'ordinals', 'start'], obj(spec.ordinals).start));
  errs.push(...validateSelectorAndTemplate(spec, 'statefulset'));
  // Kubernetes does not run the pod-spec checks on StatefulSet templates (the controller's pod
  // creation reports those): labels and annotations only.
  const meta = obj(obj(spec.template).metadata);
  errs.push(...validateLabels(meta.labels, ['spec', 'template', 'metadata', 'labels']));
  errs.push(...validateAnnotations(meta.annotations, ['spec', 'template', 'metadata', 'annotations']));
  const podSpec = obj(obj(spec.template).spec);
  if (podSpec.restartPolicy !== undefined && podSpec.restartPolicy !== 'Always') {
    errs.push(notSupported(['spec', 'template', 'spec', 'restartPolicy'], podSpec.restartPolicy, ['Always']));
  }
  if (podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null) {
    errs.push(
      forbidden(
        ['spec', 'template', 'spec', 'activeDeadlineSeconds'],
        'activeDeadlineSeconds in StatefulSet is not Supported',
      ),
    );
  }
  return errs;
}

export function validateReplicationController(o: Record<string, unknown>): FieldError[] {
  const spec = obj(o.spec);
  const errs = [
    ...nonNegative(['spec', 'replicas'], spec.replicas),
    ...nonNegative(['spec', 'minReadySeconds'], spec.minReadySeconds),
  ];
  const labels = strMap(obj(obj(spec.template).metadata).labels);
  // An empty selector is filled from the template labels by defaulting, so only both empty is an error.
  const selector = Object.keys(strMap(spec.selector)).length > 0 ? strMap(spec.selector) : labels;
  if (Object.keys(selector).length === 0) errs.push(required(['spec', 'selector']));
  errs.push(...validateLabels(spec.selector, ['spec', 'selector']));
  if (isObject(spec.template)) {
    if (!Object.entries(selector).every(([k, v]) => labels[k] === v)) {
      errs.push(
        invalid(
          ['spec', 'template', 'metadata', 'labels'],
          obj(spec.template.metadata).labels ?? {},
          '`selector` does not match template `labels`',
        ),
      );
    }
    errs.push(...validateLongRunningTemplate(spec, 'ReplicationController'));
  } else {
    errs.push(required(['spec', 'template']));
  }
  return errs;
}

/** Deployment, ReplicaSet and DaemonSet select their pods for life. */
export function validateSelectorUpdate(o: Record<string, unknown>, old: Record<string, unknown>): FieldError[] {
  return immutable(['spec', 'selector'], obj(o.spec).selector, obj(old.spec).selector);
}

const STATEFULSET_MUTABLE = [
  'replicas',
  'ordinals',
  'template',
  'updateStrategy',
  'persistentVolumeClaimRetentionPolicy',
  'minReadySeconds',
];

export function validateStatefulSetUpdate(o: Record<string, unknown>, old: Record<string, unknown>): FieldError[] {
  const now = clone(obj(o.spec));
  const before = obj(old.spec);
  for (const f of STATEFULSET_MUTABLE) now[f] = before[f];
  if (semanticEqual(now, before)) return [];
  return [
    forbidden(
      ['spec'],
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', " +
        "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}
