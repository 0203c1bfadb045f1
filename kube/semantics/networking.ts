// Ingresses, IngressClasses, NetworkPolicies and EndpointSlices.

import { isIP } from 'net';
import { FieldError } from '../fieldErrors';
import {
  isDNS1035Label,
  isDNS1123Subdomain,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
} from '../names';
import { PORT_PROTOCOLS } from './containers';
import { validateLabelSelector } from './meta';
import {
  arr,
  at,
  immutable,
  invalid,
  invalidEach,
  isObject,
  Json,
  notSupported,
  num,
  obj,
  Path,
  required,
  str,
} from './util';

const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const BAD_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const BAD_PATH_SUFFIXES = ['/..', '/.'];

function validateBackend(backend: Json, path: Path): FieldError[] {
  const hasService = isObject(backend.service);
  const hasResource = isObject(backend.resource);
  if (hasService && hasResource) return [invalid(path, '', 'cannot set both resource and service backends')];
  if (hasResource) {
    const r = obj(backend.resource);
    const errs: FieldError[] = [];
    if (!str(r.kind)) errs.push(required(at(path, 'resource', 'kind'), 'kind is required'));
    if (!str(r.name)) errs.push(required(at(path, 'resource', 'name'), 'name is required'));
    return errs;
  }
  if (!hasService) return [invalid(path, '', 'resource or service backend is required')];
  const svc = obj(backend.service);
  const errs: FieldError[] = [];
  const name = str(svc.name) ?? '';
  if (!name) errs.push(required(at(path, 'service', 'name')));
  else errs.push(...invalidEach(at(path, 'service', 'name'), name, isDNS1035Label(name)));
  const port = obj(svc.port);
  const portName = str(port.name) ?? '';
  const portNumber = num(port.number) ?? 0;
  if (portName && portNumber) errs.push(invalid(path, '', 'cannot set both port name & port number'));
  else if (portName)
    errs.push(...invalidEach(at(path, 'service', 'port', 'name'), portName, isValidPortName(portName)));
  else if (portNumber)
    errs.push(...invalidEach(at(path, 'service', 'port', 'number'), portNumber, isValidPortNum(portNumber)));
  else errs.push(required(path, 'port name or number is required'));
  return errs;
}

function validatePath(p: Json, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const pathType = p.pathType;
  const value = str(p.path) ?? '';
  if (pathType === undefined || pathType === null)
    return [required(at(path, 'pathType'), 'pathType must be specified')];
  if (pathType === 'Exact' || pathType === 'Prefix') {
    if (!value.startsWith('/')) errs.push(invalid(at(path, 'path'), value, 'must be an absolute path'));
    for (const seq of BAD_PATH_SEQUENCES)
      if (value.includes(seq)) errs.push(invalid(at(path, 'path'), value, `must not contain '${seq}'`));
    for (const suffix of BAD_PATH_SUFFIXES)
      if (value.endsWith(suffix)) errs.push(invalid(at(path, 'path'), value, `cannot end with '${suffix}'`));
  } else if (pathType === 'ImplementationSpecific') {
    if (value && !value.startsWith('/')) errs.push(invalid(at(path, 'path'), value, 'must be an absolute path'));
  } else {
    errs.push(notSupported(at(path, 'pathType'), pathType, PATH_TYPES));
  }
  errs.push(...validateBackend(obj(p.backend), at(path, 'backend')));
  return errs;
}

function validateHost(host: string, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  if (isIP(host)) errs.push(invalid(path, host, 'must be a DNS name, not an IP address'));
  const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
  errs.push(...invalidEach(path, host, msgs));
  return errs;
}

export function validateIngress(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  const rules = arr(spec.rules);
  if (rules.length === 0 && !isObject(spec.defaultBackend)) {
    errs.push(invalid(['spec'], spec.rules ?? null, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (isObject(spec.defaultBackend)) errs.push(...validateBackend(spec.defaultBackend, ['spec', 'defaultBackend']));
  rules.forEach((raw, i) => {
    const rule = obj(raw);
    const rp = ['spec', 'rules', i];
    const host = str(rule.host);
    if (host) errs.push(...validateHost(host, at(rp, 'host')));
    if (!isObject(rule.http)) return;
    const paths = arr(rule.http.paths);
    if (paths.length === 0) errs.push(required(at(rp, 'http', 'paths')));
    paths.forEach((p, j) => errs.push(...validatePath(obj(p), at(rp, 'http', 'paths', j))));
  });
  arr(spec.tls).forEach((raw, i) => {
    const tls = obj(raw);
    arr(tls.hosts).forEach((h, j) => {
      if (typeof h !== 'string') return;
      const msgs = h.includes('*') ? isWildcardDNS1123Subdomain(h) : isDNS1123Subdomain(h);
      errs.push(...invalidEach(['spec', 'tls', i, 'hosts', j], h, msgs));
    });
    const secret = str(tls.secretName);
    if (secret) errs.push(...invalidEach(['spec', 'tls', i, 'secretName'], secret, isDNS1123Subdomain(secret)));
  });
  const className = str(spec.ingressClassName);
  if (className) errs.push(...invalidEach(['spec', 'ingressClassName'], className, isDNS1123Subdomain(className)));
  return errs;
}

export function validateIngressClass(o: Json): FieldError[] {
  const controller = str(obj(o.spec).controller) ?? '';
  if (!controller) return [required(['spec', 'controller'])];
  // A domain-prefixed path such as "example.com/ingress-controller".
  const [domain, ...rest] = controller.split('/');
  if (rest.length === 0 || !domain || !rest.join('/')) {
    return [invalid(['spec', 'controller'], controller, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  }
  return invalidEach(['spec', 'controller'], domain, isDNS1123Subdomain(domain));
}

export function validateIngressClassUpdate(o: Json, old: Json): FieldError[] {
  return immutable(['spec', 'controller'], obj(o.spec).controller, obj(old.spec).controller);
}

const POLICY_TYPES = ['Egress', 'Ingress'];

function validatePolicyPorts(ports: unknown, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  arr(ports).forEach((raw, i) => {
    const p = obj(raw);
    const pp = at(path, i);
    if (p.protocol !== undefined && !PORT_PROTOCOLS.includes(str(p.protocol) ?? ''))
      errs.push(notSupported(at(pp, 'protocol'), p.protocol, PORT_PROTOCOLS));
    if (typeof p.port === 'number') errs.push(...invalidEach(at(pp, 'port'), p.port, isValidPortNum(p.port)));
    else if (typeof p.port === 'string') errs.push(...invalidEach(at(pp, 'port'), p.port, isValidPortName(p.port)));
    const end = num(p.endPort);
    if (end !== undefined) {
      if (typeof p.port !== 'number')
        errs.push(required(at(pp, 'port'), 'must be specified when endPort is specified'));
      else if (end < p.port) errs.push(invalid(at(pp, 'endPort'), end, 'must be greater than or equal to `port`'));
    }
  });
  return errs;
}

function validatePeers(peers: unknown, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  arr(peers).forEach((raw, i) => {
    const peer = obj(raw);
    const pp = at(path, i);
    if (isObject(peer.podSelector)) errs.push(...validateLabelSelector(peer.podSelector, at(pp, 'podSelector')));
    if (isObject(peer.namespaceSelector))
      errs.push(...validateLabelSelector(peer.namespaceSelector, at(pp, 'namespaceSelector')));
    if (isObject(peer.ipBlock) && (peer.podSelector !== undefined || peer.namespaceSelector !== undefined)) {
      errs.push(invalid(pp, peer, 'may not specify both ipBlock and another peer'));
    }
  });
  return errs;
}

export function validateNetworkPolicy(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const errs = validateLabelSelector(spec.podSelector, ['spec', 'podSelector']);
  for (const dir of ['ingress', 'egress'] as const) {
    const peersField = dir === 'ingress' ? 'from' : 'to';
    arr(spec[dir]).forEach((raw, i) => {
      const rule = obj(raw);
      errs.push(...validatePolicyPorts(rule.ports, ['spec', dir, i, 'ports']));
      errs.push(...validatePeers(rule[peersField], ['spec', dir, i, peersField]));
    });
  }
  const types = arr(spec.policyTypes);
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(str(t) ?? '')) errs.push(notSupported(['spec', 'policyTypes', i], t, POLICY_TYPES));
  });
  if (types.length > POLICY_TYPES.length)
    errs.push(invalid(['spec', 'policyTypes'], types, 'may not specify more than two policyTypes'));
  return errs;
}

export function validateEndpointSliceUpdate(o: Json, old: Json): FieldError[] {
  return immutable(['addressType'], o.addressType, old.addressType);
}
