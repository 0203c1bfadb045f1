// Containers inside a pod spec: names, images, ports, env, mounts, resources and probes.

import { FieldError, mapKey } from '../fieldErrors';
import { isConfigMapKey, isDNS1123Label, isEnvVarName, isValidPortName, isValidPortNum } from '../names';
import { parseQuantity } from './quantity';
import {
  arr,
  at,
  duplicate,
  forbidden,
  invalid,
  invalidEach,
  isObject,
  Json,
  nonNegative,
  nonNegativeAt,
  notSupported,
  num,
  obj,
  Path,
  required,
  str,
} from './util';

export const PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const TERMINATION_MESSAGE_POLICIES = ['FallbackToLogsOnError', 'File'];
const STANDARD_CONTAINER_RESOURCES = ['cpu', 'memory', 'ephemeral-storage'];

export interface ContainerContext {
  /** true for a Pod, false for a pod template */
  isPod: boolean;
  /** names already used by other containers of the same pod (shared across the lists) */
  seenNames: Set<string>;
}

export type ContainerKind = 'containers' | 'initContainers' | 'ephemeralContainers';

/** Either a port number or an IANA service name, as targetPort and probe ports are. */
export function validatePortNumOrName(port: unknown, path: Path): FieldError[] {
  if (typeof port === 'number') return invalidEach(path, port, isValidPortNum(port));
  if (typeof port === 'string') return invalidEach(path, port, isValidPortName(port));
  return [];
}

function validatePorts(ports: unknown, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(ports).forEach((p, i) => {
    const port = obj(p);
    const pp = at(path, i);
    const name = str(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) errs.push(...invalidEach(at(pp, 'name'), name, msgs));
      else if (names.has(name)) errs.push(duplicate(at(pp, 'name'), name));
      else names.add(name);
    }
    const containerPort = num(port.containerPort);
    if (!containerPort) errs.push(required(at(pp, 'containerPort')));
    else errs.push(...invalidEach(at(pp, 'containerPort'), containerPort, isValidPortNum(containerPort)));
    const hostPort = num(port.hostPort);
    if (hostPort) errs.push(...invalidEach(at(pp, 'hostPort'), hostPort, isValidPortNum(hostPort)));
    if (port.protocol !== undefined && !PORT_PROTOCOLS.includes(str(port.protocol) ?? '')) {
      errs.push(
        port.protocol === ''
          ? required(at(pp, 'protocol'))
          : notSupported(at(pp, 'protocol'), port.protocol, PORT_PROTOCOLS),
      );
    }
  });
  return errs;
}

function validateKeyRef(ref: Json, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const key = str(ref.key) ?? '';
  if (!key) errs.push(required(at(path, 'key')));
  else errs.push(...invalidEach(at(path, 'key'), key, isConfigMapKey(key)));
  return errs;
}

function validateEnv(env: unknown, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  arr(env).forEach((e, i) => {
    const ev = obj(e);
    const p = at(path, i);
    const name = str(ev.name) ?? '';
    if (!name) errs.push(required(at(p, 'name')));
    else errs.push(...invalidEach(at(p, 'name'), name, isEnvVarName(name)));
    if (!isObject(ev.valueFrom)) return;
    const from = ev.valueFrom;
    const vp = at(p, 'valueFrom');
    const sources = ['fieldRef', 'resourceFieldRef', 'configMapKeyRef', 'secretKeyRef', 'fileKeyRef'].filter((s) =>
      isObject(from[s]),
    );
    if (sources.length === 0) {
      errs.push(
        invalid(vp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'),
      );
    } else if (str(ev.value)) {
      errs.push(invalid(vp, '', 'may not be specified when `value` is not empty'));
    } else if (sources.length > 1) {
      errs.push(invalid(vp, '', 'may not have more than one field specified at a time'));
    }
    for (const s of ['configMapKeyRef', 'secretKeyRef'])
      if (isObject(from[s])) errs.push(...validateKeyRef(from[s] as Json, at(vp, s)));
    if (isObject(from.fieldRef) && !str(from.fieldRef.fieldPath)) errs.push(required(at(vp, 'fieldRef', 'fieldPath')));
    if (isObject(from.resourceFieldRef) && !str(from.resourceFieldRef.resource))
      errs.push(required(at(vp, 'resourceFieldRef', 'resource')));
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(mounts).forEach((m, i) => {
    const mount = obj(m);
    const p = at(path, i);
    if (!str(mount.name)) errs.push(required(at(p, 'name')));
    const mountPath = str(mount.mountPath) ?? '';
    if (!mountPath) errs.push(required(at(p, 'mountPath')));
    else if (seen.has(mountPath)) errs.push(invalid(at(p, 'mountPath'), mountPath, 'must be unique'));
    seen.add(mountPath);
  });
  return errs;
}

// Native resources (no domain, or a kubernetes.io domain) may be overcommitted, except huge pages.
function overcommitAllowed(resource: string): boolean {
  const native = !resource.includes('/') || resource.includes('kubernetes.io/');
  return native && !resource.startsWith('hugepages-');
}

/** Checks a limits or requests map; `parsed` gets each value as a number, so comparing them parses nothing again. */
function validateResourceNames(list: Json, path: Path, parsed: Map<string, number | undefined>): FieldError[] {
  const errs: FieldError[] = [];
  for (const name of Object.keys(list)) {
    const value = list[name];
    if (!name.includes('/') && !STANDARD_CONTAINER_RESOURCES.includes(name) && !name.startsWith('hugepages-')) {
      errs.push(invalid(at(path, mapKey(name)), name, 'must be a standard resource for containers'));
    }
    const q = parseQuantity(value);
    parsed.set(name, q);
    // Kubernetes shows the quantity as text, also when it was written as a number
    if (q !== undefined && q < 0)
      errs.push(invalid(at(path, mapKey(name)), String(value), 'must be greater than or equal to 0'));
  }
  return errs;
}

function validateResources(resources: unknown, path: Path): FieldError[] {
  const r = obj(resources);
  const limits = obj(r.limits);
  const requests = obj(r.requests);
  const limitValues = new Map<string, number | undefined>();
  const requestValues = new Map<string, number | undefined>();
  const errs = [
    ...validateResourceNames(limits, at(path, 'limits'), limitValues),
    ...validateResourceNames(requests, at(path, 'requests'), requestValues),
  ];
  for (const [name, req] of requestValues) {
    const value = requests[name];
    if (!(name in limits)) {
      if (!overcommitAllowed(name))
        errs.push(required(at(path, 'limits'), 'Limit must be set for non overcommitable resources'));
      continue;
    }
    const lim = limitValues.get(name);
    if (req === undefined || lim === undefined) continue;
    if (req !== lim && !overcommitAllowed(name)) {
      errs.push(invalid(at(path, 'requests'), value, `must be equal to ${name} limit of ${String(limits[name])}`));
    } else if (req > lim) {
      errs.push(
        invalid(at(path, 'requests'), value, `must be less than or equal to ${name} limit of ${String(limits[name])}`),
      );
    }
  }
  return errs;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'];
const PROBE_COUNTS = ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'];
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'];

function validateHandler(handler: Json, path: Path, kinds: string[]): FieldError[] {
  const present = kinds.filter((k) => isObject(handler[k]));
  if (present.length === 0) return [required(path, 'must specify a handler type')];
  const errs: FieldError[] = present
    .slice(1)
    .map((k) => forbidden(at(path, k), 'may not specify more than 1 handler type'));
  const h = obj(handler[present[0]]);
  const hp = at(path, present[0]);
  switch (present[0]) {
    case 'exec':
      if (arr(h.command).length === 0) errs.push(required(at(hp, 'command')));
      break;
    case 'httpGet':
      errs.push(...validatePortNumOrName(h.port, at(hp, 'port')));
      if (h.scheme !== undefined && !['HTTP', 'HTTPS'].includes(str(h.scheme) ?? ''))
        errs.push(notSupported(at(hp, 'scheme'), h.scheme, ['HTTP', 'HTTPS']));
      break;
    case 'tcpSocket':
      errs.push(...validatePortNumOrName(h.port, at(hp, 'port')));
      break;
    case 'grpc': {
      const port = num(h.port) ?? 0;
      errs.push(...invalidEach(at(hp, 'port'), port, isValidPortNum(port)));
      break;
    }
    case 'sleep':
      errs.push(...nonNegative(at(hp, 'seconds'), h.seconds));
      break;
  }
  return errs;
}

function validateProbe(probe: unknown, path: Path, mustSucceedOnce: boolean): FieldError[] {
  if (!isObject(probe)) return [];
  const errs = validateHandler(probe, path, PROBE_HANDLERS);
  for (const f of PROBE_COUNTS) errs.push(...nonNegativeAt(path, f, probe[f]));
  const grace = num(probe.terminationGracePeriodSeconds);
  if (grace !== undefined && grace <= 0)
    errs.push(invalid(at(path, 'terminationGracePeriodSeconds'), grace, 'must be greater than 0'));
  const success = num(probe.successThreshold);
  if (mustSucceedOnce && success !== undefined && success !== 1)
    errs.push(invalid(at(path, 'successThreshold'), success, 'must be 1'));
  return errs;
}

function validateLifecycle(lifecycle: unknown, path: Path): FieldError[] {
  const l = obj(lifecycle);
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop'])
    if (isObject(l[hook])) errs.push(...validateHandler(l[hook] as Json, at(path, hook), LIFECYCLE_HANDLERS));
  return errs;
}

function validateContainer(c: Json, path: Path, kind: ContainerKind, ctx: ContainerContext): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(c.name) ?? '';
  if (!name) errs.push(required(at(path, 'name')));
  else {
    errs.push(...invalidEach(at(path, 'name'), name, isDNS1123Label(name)));
    if (ctx.seenNames.has(name)) errs.push(duplicate(at(path, 'name'), name));
    ctx.seenNames.add(name);
  }
  const image = str(c.image) ?? '';
  if (!image) errs.push(required(at(path, 'image')));
  // Templates keep tolerating padded images (some tools use " " as a placeholder); Pods do not.
  else if (ctx.isPod && image !== image.trim())
    errs.push(invalid(at(path, 'image'), image, 'must not have leading or trailing whitespace'));
  if (c.imagePullPolicy !== undefined && !PULL_POLICIES.includes(str(c.imagePullPolicy) ?? '')) {
    errs.push(notSupported(at(path, 'imagePullPolicy'), c.imagePullPolicy, PULL_POLICIES));
  }
  if (
    c.terminationMessagePolicy !== undefined &&
    !TERMINATION_MESSAGE_POLICIES.includes(str(c.terminationMessagePolicy) ?? '')
  ) {
    errs.push(
      notSupported(at(path, 'terminationMessagePolicy'), c.terminationMessagePolicy, TERMINATION_MESSAGE_POLICIES),
    );
  }
  const sidecar = kind === 'initContainers' && c.restartPolicy === 'Always';
  if (c.restartPolicy !== undefined) {
    if (kind === 'initContainers' && !sidecar)
      errs.push(notSupported(at(path, 'restartPolicy'), c.restartPolicy, ['Always']));
    if (kind === 'containers')
      errs.push(forbidden(at(path, 'restartPolicy'), 'may not be set for non-init containers'));
  }
  // absent lists and objects have nothing to report: their paths are not built
  if (c.ports !== undefined) errs.push(...validatePorts(c.ports, at(path, 'ports')));
  if (c.env !== undefined) errs.push(...validateEnv(c.env, at(path, 'env')));
  if (c.volumeMounts !== undefined) errs.push(...validateVolumeMounts(c.volumeMounts, at(path, 'volumeMounts')));
  if (c.resources !== undefined) errs.push(...validateResources(c.resources, at(path, 'resources')));
  const probesAllowed = kind === 'containers' || sidecar;
  for (const probe of ['livenessProbe', 'readinessProbe', 'startupProbe']) {
    if (c[probe] === undefined) continue;
    if (!probesAllowed) {
      // ephemeral containers' forbidden fields are refused by ephemeralContainers.ts
      if (kind === 'initContainers')
        errs.push(forbidden(at(path, probe), 'may not be set for init containers without restartPolicy=Always'));
      continue;
    }
    errs.push(...validateProbe(c[probe], at(path, probe), probe !== 'readinessProbe'));
  }
  if (c.lifecycle !== undefined) errs.push(...validateLifecycle(c.lifecycle, at(path, 'lifecycle')));
  return errs;
}

/** One list of containers; names are unique across all lists of the pod, which ctx carries. */
export function validateContainers(
  list: unknown,
  path: Path,
  kind: ContainerKind,
  ctx: ContainerContext,
): FieldError[] {
  const errs: FieldError[] = [];
  arr(list).forEach((c, i) => errs.push(...validateContainer(obj(c), at(path, i), kind, ctx)));
  return errs;
}
