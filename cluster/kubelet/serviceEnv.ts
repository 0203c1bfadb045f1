// The environment variables a container gets for Services, as the kubelet's service env (Docker links style):
// `<NAME>_SERVICE_HOST`, `<NAME>_SERVICE_PORT`, `<NAME>_SERVICE_PORT_<PORTNAME>` and `<NAME>_PORT...` for every
// Service with a cluster IP in the pod's namespace (unless enableServiceLinks is false), and always for the
// `kubernetes` Service of `default`. Only Services that exist when the container starts are there.
import type { Service, ServicePort } from 'kubernetes-types/core/v1';
import type { Pod } from './kubelet';

const MASTER_SERVICES = new Set(['kubernetes']);

function envName(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

function hasClusterIP(s: Service): boolean {
  const ip = s.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

function linkVariables(prefix: string, host: string, ports: ServicePort[]): [string, string][] {
  const vars: [string, string][] = [];
  const urlHost = host.includes(':') ? `[${host}]` : host;
  ports.forEach((p, i) => {
    const proto = (p.protocol ?? 'TCP').toLowerCase();
    const url = `${proto}://${urlHost}:${p.port}`;
    const base = `${prefix}_PORT_${p.port}_${proto.toUpperCase()}`;
    if (i === 0) vars.push([`${prefix}_PORT`, url]);
    vars.push([base, url], [`${base}_PROTO`, proto], [`${base}_PORT`, String(p.port)], [`${base}_ADDR`, host]);
  });
  return vars;
}

/** The variables of the Services a pod's containers see, Services ordered by name as the kubelet orders them. */
export function serviceEnvironment(pod: Pod, services: readonly Service[]): [string, string][] {
  const ns = pod.metadata.namespace;
  const links = pod.spec?.enableServiceLinks ?? true;
  const chosen = new Map<string, Service>();
  for (const s of services) {
    if (!hasClusterIP(s)) continue;
    const name = s.metadata?.name ?? '';
    if (s.metadata?.namespace === 'default' && MASTER_SERVICES.has(name)) {
      if (!chosen.has(name)) chosen.set(name, s);
    } else if (s.metadata?.namespace === ns && links) chosen.set(name, s);
  }
  const vars: [string, string][] = [];
  for (const name of [...chosen.keys()].sort()) {
    const s = chosen.get(name)!;
    const host = s.spec!.clusterIP!;
    const ports = s.spec?.ports ?? [];
    const prefix = envName(name);
    vars.push([`${prefix}_SERVICE_HOST`, host]);
    if (ports.length) vars.push([`${prefix}_SERVICE_PORT`, String(ports[0].port)]);
    for (const p of ports) if (p.name) vars.push([`${prefix}_SERVICE_PORT_${envName(p.name)}`, String(p.port)]);
    vars.push(...linkVariables(prefix, host, ports));
  }
  return vars;
}
