// Services: ports, types, cluster IPs, and what may change once an IP is allocated.

import { isIP } from 'net';
import { FieldError } from '../fieldErrors';
import { isDNS1123Label, isDNS1123Subdomain, isQualifiedName } from '../names';
import { PORT_PROTOCOLS, validatePortNumOrName } from './containers';
import { validateLabels } from './meta';
import {
  arr,
  at,
  duplicate,
  forbidden,
  invalid,
  invalidEach,
  isObject,
  Json,
  notSupported,
  num,
  obj,
  required,
  str,
} from './util';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const AFFINITIES = ['ClientIP', 'None'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];

function validatePorts(spec: Json): FieldError[] {
  const errs: FieldError[] = [];
  const ports = arr(spec.ports);
  const names = new Set<string>();
  const seen = new Set<string>();
  const nodePorts = new Set<string>();
  ports.forEach((raw, i) => {
    const p = obj(raw);
    const pp = ['spec', 'ports', i];
    const name = str(p.name) ?? '';
    if (ports.length > 1 && !name) errs.push(required(at(pp, 'name')));
    else if (name) {
      errs.push(...invalidEach(at(pp, 'name'), name, isDNS1123Label(name)));
      if (names.has(name)) errs.push(duplicate(at(pp, 'name'), name));
      names.add(name);
    }
    const port = num(p.port);
    if (port === undefined) errs.push(required(at(pp, 'port')));
    else if (!Number.isInteger(port) || port < 1 || port > 65535)
      errs.push(invalid(at(pp, 'port'), port, 'must be between 1 and 65535, inclusive'));
    const protocol = p.protocol ?? 'TCP';
    if (!PORT_PROTOCOLS.includes(str(protocol) ?? '')) {
      errs.push(
        protocol === '' ? required(at(pp, 'protocol')) : notSupported(at(pp, 'protocol'), protocol, PORT_PROTOCOLS),
      );
    }
    errs.push(...validatePortNumOrName(p.targetPort, at(pp, 'targetPort')));
    const app = str(p.appProtocol);
    if (app) errs.push(...invalidEach(at(pp, 'appProtocol'), app, isQualifiedName(app)));
    const nodePort = num(p.nodePort);
    if (nodePort) {
      if ((spec.type ?? 'ClusterIP') === 'ClusterIP')
        errs.push(forbidden(at(pp, 'nodePort'), "may not be used when `type` is 'ClusterIP'"));
      const key = `${String(protocol)}/${nodePort}`;
      if (nodePorts.has(key)) errs.push(duplicate(at(pp, 'nodePort'), nodePort));
      nodePorts.add(key);
    }
    if (port !== undefined) {
      const key = `${String(protocol)}/${port}`;
      if (seen.has(key)) errs.push(duplicate(pp, { port, protocol }));
      seen.add(key);
    }
  });
  return errs;
}

function clusterIPsOf(spec: Json): string[] {
  const ips = arr(spec.clusterIPs).filter((ip): ip is string => typeof ip === 'string');
  if (ips.length) return ips;
  const ip = str(spec.clusterIP);
  return ip ? [ip] : [];
}

export function validateService(o: Json): FieldError[] {
  const spec = obj(o.spec);
  const errs: FieldError[] = [];
  const type = spec.type ?? 'ClusterIP';
  const headless = spec.clusterIP === 'None';
  if (arr(spec.ports).length === 0 && !headless && type !== 'ExternalName') errs.push(required(['spec', 'ports']));
  if (!SERVICE_TYPES.includes(str(type) ?? '')) {
    errs.push(type === '' ? required(['spec', 'type']) : notSupported(['spec', 'type'], type, SERVICE_TYPES));
  }
  if ((type === 'NodePort' || type === 'LoadBalancer') && headless) {
    errs.push(invalid(['spec', 'clusterIPs', 0], 'None', `may not be set to 'None' for ${String(type)} services`));
  }
  if (type === 'ExternalName') {
    if (clusterIPsOf(spec).length > 0)
      errs.push(forbidden(['spec', 'clusterIPs'], 'may not be set for ExternalName services'));
    const external = str(spec.externalName) ?? '';
    // A fully qualified name may end in a dot.
    if (!external) errs.push(required(['spec', 'externalName']));
    else errs.push(...invalidEach(['spec', 'externalName'], external, isDNS1123Subdomain(external.replace(/\.$/, ''))));
  } else {
    clusterIPsOf(spec).forEach((ip, i) => {
      if (ip !== 'None' && !isIP(ip))
        errs.push(
          invalid(['spec', 'clusterIPs', i], ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'),
        );
    });
  }
  errs.push(...validatePorts(spec));
  if (isObject(spec.selector)) errs.push(...validateLabels(spec.selector, ['spec', 'selector']));
  const affinity = spec.sessionAffinity;
  if (affinity !== undefined && !AFFINITIES.includes(str(affinity) ?? '')) {
    errs.push(
      affinity === ''
        ? required(['spec', 'sessionAffinity'])
        : notSupported(['spec', 'sessionAffinity'], affinity, AFFINITIES),
    );
  }
  const timeout = num(obj(obj(spec.sessionAffinityConfig).clientIP).timeoutSeconds);
  if (affinity === 'ClientIP' && timeout !== undefined && (timeout <= 0 || timeout > 86400)) {
    errs.push(
      invalid(
        ['spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds'],
        timeout,
        'must be greater than 0 and less than 86400',
      ),
    );
  }
  if (spec.ipFamilyPolicy !== undefined && !IP_FAMILY_POLICIES.includes(str(spec.ipFamilyPolicy) ?? '')) {
    errs.push(notSupported(['spec', 'ipFamilyPolicy'], spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }
  for (const f of ['externalTrafficPolicy', 'internalTrafficPolicy']) {
    if (spec[f] !== undefined && !TRAFFIC_POLICIES.includes(str(spec[f]) ?? ''))
      errs.push(notSupported(['spec', f], spec[f], TRAFFIC_POLICIES));
  }
  arr(spec.externalIPs).forEach((ip, i) => {
    if (typeof ip !== 'string' || !isIP(ip))
      errs.push(
        invalid(['spec', 'externalIPs', i], ip, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)'),
      );
  });
  if (arr(spec.loadBalancerSourceRanges).length > 0 && type !== 'LoadBalancer') {
    errs.push(forbidden(['spec', 'loadBalancerSourceRanges'], "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

/**
 * Allocated cluster IPs never change. The API server copies them from the stored object before this
 * check when a request leaves them out, as Kubernetes does.
 */
export function validateServiceUpdate(o: Json, old: Json): FieldError[] {
  const spec = obj(o.spec);
  const before = obj(old.spec);
  if (spec.type === 'ExternalName' || before.type === 'ExternalName') return [];
  const now = clusterIPsOf(spec);
  const was = clusterIPsOf(before);
  if (before.clusterIP === 'None' && spec.clusterIP === 'None') return [];
  const errs: FieldError[] = [];
  if (was.length > 0 && now.length === 0)
    return [invalid(['spec', 'clusterIPs', 0], now, 'primary clusterIP can not be unset')];
  const shared = Math.min(was.length, now.length);
  for (let i = 0; i < shared; i++) {
    // Only the primary is fixed when a family is added or removed.
    if ((was.length === now.length || i === 0) && was[i] !== now[i])
      errs.push(invalid(['spec', 'clusterIPs', i], now, 'may not change once set'));
  }
  return errs;
}
