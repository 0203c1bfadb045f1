// Ephemeral containers (kubectl debug): what kube-apiserver's validateEphemeralContainers and
// ValidatePodEphemeralContainersUpdate check beyond the checks every container gets. They are added to a running
// pod for debugging, so the fields that would make them part of the workload (ports, probes, resources,
// lifecycle hooks, restart policies) are refused, and once added they can be neither changed nor removed.
import { FieldError } from '../fieldErrors';
import { arr, at, forbidden, isObject, notFound, obj, Path, semanticEqual, str } from './util';

/** The fields an ephemeral container may set (kube-apiserver's allowedEphemeralContainerFields); others are refused. */
const ALLOWED_FIELDS = new Set([
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'envFrom',
  'env',
  'volumeMounts',
  'volumeDevices',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
  'targetContainerName',
]);

const NOT_ALLOWED = 'cannot be set for an Ephemeral Container';

/** The pod's ephemeral containers: allowed fields only, no subPath mounts, a target among the pod's containers. */
export function validateEphemeralContainers(spec: unknown, path: Path): FieldError[] {
  const s = obj(spec);
  // most pods have none: no target set to build
  if (arr(s.ephemeralContainers).length === 0) return [];
  const errs: FieldError[] = [];
  const targets = new Set(
    [...arr(s.containers), ...arr(s.initContainers)].map((c) => str(obj(c).name)).filter((n) => n !== undefined),
  );
  arr(s.ephemeralContainers).forEach((item, i) => {
    const c = obj(item);
    const p = at(path, i);
    // an empty value is Go's zero value, which kube-apiserver counts as not set
    for (const key of Object.keys(c))
      if (!ALLOWED_FIELDS.has(key) && !semanticEqual(c[key], undefined)) errs.push(forbidden(at(p, key), NOT_ALLOWED));
    arr(c.volumeMounts).forEach((m, j) => {
      for (const f of ['subPath', 'subPathExpr'])
        if (isObject(m) && str(m[f])) errs.push(forbidden(at(p, 'volumeMounts', j, f), NOT_ALLOWED));
    });
    const target = str(c.targetContainerName);
    if (target && !targets.has(target)) errs.push(notFound(at(p, 'targetContainerName'), target));
  });
  return errs;
}

/** Through pods/ephemeralcontainers, containers are only added: the ones there stay as they are. */
export function validateEphemeralContainersUpdate(spec: unknown, oldSpec: unknown): FieldError[] {
  const path = ['spec', 'ephemeralContainers'];
  // duplicate names are the spec checks' to report
  const now = new Map(arr(obj(spec).ephemeralContainers).map((c) => [str(obj(c).name) ?? '', c]));
  const errs: FieldError[] = [];
  for (const old of arr(obj(oldSpec).ephemeralContainers)) {
    const name = str(obj(old).name) ?? '';
    if (!now.has(name))
      errs.push(forbidden(path, `existing ephemeral containers ${JSON.stringify(name)} may not be removed`));
    else if (!semanticEqual(now.get(name), old))
      errs.push(forbidden(path, `existing ephemeral containers ${JSON.stringify(name)} may not be changed`));
  }
  return errs;
}
