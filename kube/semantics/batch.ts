// Jobs and CronJobs: restart policies, counts, the generated selector, and what a running Job keeps fixed.

import { FieldError, mapKey } from '../fieldErrors';
import { DNS1035_LABEL_MAX_LENGTH, isDNS1123Label } from '../names';
import { selectorIsParsable, selectorMatches, validateLabelSelector } from './meta';
import { validatePodTemplateSpec } from './podSpec';
import {
  arr,
  at,
  immutable,
  invalid,
  isObject,
  Json,
  nonNegative,
  notSupported,
  num,
  obj,
  Path,
  required,
  str,
  strMap,
} from './util';

/** Labels the API server puts on a Job's pods when it generates the selector. */
export const JOB_LABELS = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
};

const COMPLETION_MODES = ['NonIndexed', 'Indexed'];
const MAX_PARALLELISM_INDEXED = 100000;

/** The checks a JobSpec gets both in a Job and in a CronJob's jobTemplate. */
function validateJobSpecCommon(spec: Json, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of [
    'parallelism',
    'completions',
    'activeDeadlineSeconds',
    'backoffLimit',
    'ttlSecondsAfterFinished',
    'backoffLimitPerIndex',
    'maxFailedIndexes',
  ]) {
    errs.push(...nonNegative(at(path, f), spec[f]));
  }
  const mode = spec.completionMode;
  if (mode !== undefined && !COMPLETION_MODES.includes(str(mode) ?? ''))
    errs.push(notSupported(at(path, 'completionMode'), mode, COMPLETION_MODES));
  if (mode === 'Indexed') {
    if (spec.completions === undefined || spec.completions === null)
      errs.push(required(at(path, 'completions'), 'when completion mode is Indexed'));
    const parallelism = num(spec.parallelism);
    if (parallelism !== undefined && parallelism > MAX_PARALLELISM_INDEXED) {
      errs.push(
        invalid(
          at(path, 'parallelism'),
          parallelism,
          `must be less than or equal to ${MAX_PARALLELISM_INDEXED} when completion mode is Indexed`,
        ),
      );
    }
  } else {
    for (const f of ['backoffLimitPerIndex', 'maxFailedIndexes']) {
      if (spec[f] !== undefined && spec[f] !== null)
        errs.push(invalid(at(path, f), spec[f], 'requires indexed completion mode'));
    }
  }
  errs.push(...validatePodTemplateSpec(spec.template, at(path, 'template')));
  const restart = obj(obj(spec.template).spec).restartPolicy;
  const rp = at(path, 'template', 'spec', 'restartPolicy');
  // An unset restartPolicy is defaulted to Always, which a Job cannot use.
  if (restart === undefined || restart === 'Always' || restart === '') {
    errs.push(required(rp, 'valid values: "OnFailure", "Never"'));
  } else if (restart !== 'OnFailure' && restart !== 'Never') {
    errs.push(notSupported(rp, restart, ['OnFailure', 'Never']));
  } else if (isObject(spec.podFailurePolicy) && restart !== 'Never') {
    errs.push(invalid(rp, restart, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

/** spec.template.metadata.labels[key], built only for a label reported. */
function templateLabel(key: string): Path {
  return ['spec', 'template', 'metadata', 'labels', mapKey(key)];
}

/** Checks the selector the server generated on create; skipped before the uid is known. */
function validateGeneratedSelector(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const meta = obj(o.metadata);
  if (spec.manualSelector === true || !isObject(spec.selector)) return [];
  const uid = str(meta.uid);
  const name = str(meta.name) ?? '';
  if (uid === undefined) {
    // Without a uid (a manifest not yet created) only the keys can be checked.
    const generated = new Set(Object.values(JOB_LABELS));
    const onlyGenerated =
      Object.keys(strMap(spec.selector.matchLabels)).every((k) => generated.has(k)) &&
      arr(spec.selector.matchExpressions).length === 0;
    return onlyGenerated ? [] : [invalid(['spec', 'selector'], spec.selector, '`selector` not auto-generated')];
  }
  const errs: FieldError[] = [];
  const labels = strMap(obj(obj(spec.template).metadata).labels);
  const expected: Record<string, string> = {
    [JOB_LABELS.legacyControllerUid]: uid,
    [JOB_LABELS.legacyJobName]: name,
    [JOB_LABELS.controllerUid]: uid,
    [JOB_LABELS.jobName]: name,
  };
  for (const [key, value] of Object.entries(expected)) {
    if (!(key in labels)) errs.push(required(templateLabel(key), `must be '${value}'`));
    else if (labels[key] !== value) errs.push(invalid(templateLabel(key), labels[key], `must be '${value}'`));
  }
  if (!selectorMatches(spec.selector, expected))
    errs.push(invalid(['spec', 'selector'], spec.selector, '`selector` not auto-generated'));
  return errs;
}

export function validateJob(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const meta = obj(o.metadata);
  const errs = validateGeneratedSelector(o);
  errs.push(...validateJobSpecCommon(spec, ['spec']));
  // Without manualSelector the server generates the selector on create, so its absence is fine here.
  const selectorDue = spec.manualSelector === true || isObject(spec.selector);
  if (selectorDue) {
    if (!isObject(spec.selector)) errs.push(required(['spec', 'selector']));
    else errs.push(...validateLabelSelector(spec.selector, ['spec', 'selector']));
    if (
      selectorIsParsable(spec.selector) &&
      !selectorMatches(spec.selector, strMap(obj(obj(spec.template).metadata).labels))
    ) {
      errs.push(
        invalid(
          ['spec', 'template', 'metadata', 'labels'],
          obj(obj(spec.template).metadata).labels ?? {},
          '`selector` does not match template `labels`',
        ),
      );
    }
  }
  const completions = num(spec.completions);
  const name = str(meta.name);
  if (spec.completionMode === 'Indexed' && completions !== undefined && completions > 0 && name) {
    // Indexed pods are named <job>-<index>, and that must stay a DNS label.
    const longest = `${name}-${completions - 1}`;
    if (isDNS1123Label(longest).length)
      errs.push(invalid(['metadata', 'name'], name, `will not able to create pod with invalid DNS label: ${longest}`));
  }
  return errs;
}

/** A Job's selector, template and mode are fixed; completions may only move with parallelism for Indexed jobs. */
export function validateJobUpdate(o: Json, old: Json): FieldError[] {
  const spec = obj(o.spec);
  const before = obj(old.spec);
  const errs: FieldError[] = [];
  const elastic =
    spec.completionMode === 'Indexed' &&
    spec.completions === spec.parallelism &&
    before.completions === before.parallelism;
  if (!elastic) errs.push(...immutable(['spec', 'completions'], spec.completions, before.completions));
  errs.push(...immutable(['spec', 'selector'], spec.selector, before.selector));
  errs.push(...immutable(['spec', 'template'], spec.template, before.template));
  for (const f of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy']) {
    errs.push(...immutable(['spec', f], spec[f], before[f]));
  }
  return errs;
}

const CONCURRENCY_POLICIES = ['Allow', 'Forbid', 'Replace'];
const CRON_MACROS = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

function validateSchedule(schedule: unknown, path: Path): FieldError[] {
  const s = str(schedule) ?? '';
  if (!s) return [required(path)];
  if (/(^|\s)(CRON_)?TZ=/.test(s))
    return [invalid(path, s, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead')];
  if (s.startsWith('@')) {
    if (CRON_MACROS.includes(s) || /^@every\s+\S+$/.test(s)) return [];
    return [invalid(path, s, `unrecognized descriptor: ${s}`)];
  }
  const fields = s.trim().split(/\s+/);
  if (fields.length !== 5)
    return [invalid(path, s, `expected exactly 5 fields, found ${fields.length}: [${fields.join(' ')}]`)];
  return [];
}

export function validateCronJob(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  const name = str(obj(o.metadata).name) ?? '';
  // Job names get an 11 character suffix and must still fit a DNS-1035 label.
  if (name.length > DNS1035_LABEL_MAX_LENGTH - 11)
    errs.push(invalid(['metadata', 'name'], name, 'must be no more than 52 characters'));
  errs.push(...validateSchedule(spec.schedule, ['spec', 'schedule']));
  if (spec.concurrencyPolicy !== undefined && !CONCURRENCY_POLICIES.includes(str(spec.concurrencyPolicy) ?? '')) {
    errs.push(notSupported(['spec', 'concurrencyPolicy'], spec.concurrencyPolicy, CONCURRENCY_POLICIES));
  }
  for (const f of ['startingDeadlineSeconds', 'successfulJobsHistoryLimit', 'failedJobsHistoryLimit'])
    errs.push(...nonNegative(['spec', f], spec[f]));
  const jobSpec = obj(obj(spec.jobTemplate).spec);
  const jp: Path = ['spec', 'jobTemplate', 'spec'];
  errs.push(...validateJobSpecCommon(jobSpec, jp));
  if (isObject(jobSpec.selector))
    errs.push(invalid(at(jp, 'selector'), jobSpec.selector, '`selector` will be auto-generated'));
  if (jobSpec.manualSelector === true) errs.push(notSupported(at(jp, 'manualSelector'), true, ['nil', 'false']));
  return errs;
}
