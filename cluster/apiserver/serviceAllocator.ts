// Service cluster IPs and node ports, allocated by the API server while it writes a Service, as
// Kubernetes' service registry does: a requested value is honored or refused with 422, a missing one is
// picked at random, values survive updates that leave them out, and they are released when the Service
// goes or no longer needs them. The allocation maps are the API server's own registry state: rebuilt
// from the stored Services at start (Kubernetes keeps its bitmaps in etcd) and kept in step with the
// store's committed writes.
import { isIP, isIPv4 } from 'net';
import { FieldError, PathSegment } from '../../kube/fieldErrors';
import type { KubeObject } from '../../kube/objects';
import type { ServicePort, ServiceSpec } from 'kubernetes-types/core/v1';
import { clock } from '../clock';
import { Store, StoreError, StoreEvent } from '../store/types';
import { alreadyExists, internalError, invalid } from './apiErrors';
import { ipToNumber, numberToIP, parseCIDR, Range, Txn, type Holder } from './allocationRange';

export const DEFAULT_SERVICE_CIDR = '10.96.0.0/12';
export const DEFAULT_NODE_PORT_RANGE = { min: 30000, max: 32767 };

/** A Service as the allocator reads it: its spec, whatever else the body holds. */
export type Service = KubeObject & { spec?: ServiceSpec };

const SERVICES_PREFIX = '/registry/core/services/';
/** Kubernetes' repair loop runs every 3 minutes and frees a leaked value after 3 sightings in a row. */
const REPAIR_INTERVAL_MS = 3 * 60 * 1000;
const REPAIRS_BEFORE_RELEASE = 3;

function fieldInvalid(path: PathSegment[], value: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', path, value, detail };
}

const needsClusterIP = (spec: ServiceSpec) => (spec?.type ?? 'ClusterIP') !== 'ExternalName';
const isHeadless = (spec: ServiceSpec) => spec?.clusterIP === 'None' || spec?.clusterIPs?.[0] === 'None';
const needsNodePorts = (spec: ServiceSpec) =>
  spec?.type === 'NodePort' || (spec?.type === 'LoadBalancer' && spec?.allocateLoadBalancerNodePorts !== false);
const needsHealthCheckNodePort = (spec: ServiceSpec) =>
  spec?.type === 'LoadBalancer' && spec?.externalTrafficPolicy === 'Local';

/** What a stored Service holds: its cluster IP (as a number) and node ports. */
function heldBy(svc: Service): { ip?: number; ports: Set<number> } {
  const spec = svc?.spec ?? {};
  const ip = needsClusterIP(spec) && !isHeadless(spec) ? (spec.clusterIPs?.[0] ?? spec.clusterIP) : undefined;
  const ports = new Set<number>();
  for (const p of spec.ports ?? []) if (typeof p?.nodePort === 'number' && p.nodePort > 0) ports.add(p.nodePort);
  if (typeof spec.healthCheckNodePort === 'number' && spec.healthCheckNodePort > 0) ports.add(spec.healthCheckNodePort);
  return { ip: typeof ip === 'string' && isIPv4(ip) ? ipToNumber(ip) : undefined, ports };
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
const nodePortsOf = (spec: ServiceSpec) => (spec.ports ?? []).map((p: ServicePort) => p?.nodePort ?? 0);

/** Fields a type change made pointless, dropped only when the request left them as they were. */
function dropTypeDependentFields(spec: ServiceSpec, before: ServiceSpec): void {
  if (needsClusterIP(before) && !needsClusterIP(spec)) {
    if (same(spec.clusterIPs, before.clusterIPs) && same(spec.clusterIP, before.clusterIP)) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (same(spec.ipFamilies, before.ipFamilies)) delete spec.ipFamilies;
    if (same(spec.ipFamilyPolicy, before.ipFamilyPolicy)) delete spec.ipFamilyPolicy;
  }
  if (needsNodePorts(before) && !needsNodePorts(spec) && same(nodePortsOf(spec), nodePortsOf(before))) {
    for (const p of spec.ports ?? []) if (p) delete p.nodePort;
  }
  if (
    needsHealthCheckNodePort(before) &&
    !needsHealthCheckNodePort(spec) &&
    same(spec.healthCheckNodePort, before.healthCheckNodePort)
  ) {
    delete spec.healthCheckNodePort;
  }
  if (before.type === 'LoadBalancer' && spec.type !== 'LoadBalancer') {
    if (same(spec.allocateLoadBalancerNodePorts, before.allocateLoadBalancerNodePorts))
      delete spec.allocateLoadBalancerNodePorts;
    if (same(spec.loadBalancerClass, before.loadBalancerClass)) delete spec.loadBalancerClass;
  }
  if (
    needsClusterIP(before) &&
    !needsClusterIP(spec) &&
    same(spec.internalTrafficPolicy, before.internalTrafficPolicy)
  ) {
    delete spec.internalTrafficPolicy;
  }
  const external = (s: ServiceSpec) => s.type === 'NodePort' || s.type === 'LoadBalancer';
  if (
    external(before) &&
    !external(spec) &&
    !spec.externalIPs?.length &&
    same(spec.externalTrafficPolicy, before.externalTrafficPolicy)
  ) {
    delete spec.externalTrafficPolicy;
  }
}

export interface ServiceAllocatorOptions {
  serviceCIDR?: string;
  nodePortRange?: { min: number; max: number };
}

export class ServiceAllocator {
  readonly serviceCIDR: string;
  readonly nodePortRange: { min: number; max: number };
  private readonly base: number;
  private readonly ips: Range;
  private readonly ports: Range;
  private lastRepair: number;

  constructor(
    private readonly store: Store,
    opts: ServiceAllocatorOptions = {},
  ) {
    this.serviceCIDR = opts.serviceCIDR ?? DEFAULT_SERVICE_CIDR;
    this.nodePortRange = opts.nodePortRange ?? DEFAULT_NODE_PORT_RANGE;
    const { base, bits } = parseCIDR(this.serviceCIDR);
    this.base = base;
    const size = 2 ** (32 - bits);
    // the network and broadcast addresses are never handed out
    this.ips = new Range(1, size - 2, Math.min(Math.max(16, Math.floor(size / 16)), 256));
    const { min, max } = this.nodePortRange;
    const portCount = max - min + 1;
    this.ports = new Range(min, max, Math.min(Math.max(16, Math.floor(portCount / 32)), 128));
    this.lastRepair = clock().now();
    const list = store.list(SERVICES_PREFIX);
    for (const e of list.items) this.claim(e.key, e.value);
    this.follow(list.revision);
  }

  /** A new Service gets its cluster IP and node ports (requested ones checked, missing ones picked). */
  allocateForCreate(obj: Service, dryRun: boolean): void {
    const meta = obj.metadata;
    const key = `${SERVICES_PREFIX}${meta.namespace}/${meta.name}`;
    // the write is about to fail with AlreadyExists: allocating for it would only leak
    if (this.store.get(key)) throw alreadyExists('services', '', meta.name ?? '');
    this.repairIfDue();
    this.allocate(obj, undefined, { uid: meta.uid ?? '', key }, dryRun);
  }

  /** An updated Service keeps what it holds and gets what its new type or ports need. */
  allocateForUpdate(obj: Service, old: Service, dryRun: boolean): void {
    const meta = old.metadata;
    this.repairIfDue();
    this.allocate(obj, old, { uid: meta.uid ?? '', key: `${SERVICES_PREFIX}${meta.namespace}/${meta.name}` }, dryRun);
  }

  /**
   * What Kubernetes does to an update before validating it: values the request left out are taken from
   * the stored Service, and values a type change made unnecessary are dropped when the request did not
   * touch them (NodePort → ClusterIP drops the node ports, → ExternalName the cluster IP). Runs before
   * admission; allocateForUpdate applies the first half again either way.
   */
  carryOver(obj: Service, old: Service): void {
    if (!old?.spec) return;
    obj.spec ??= {};
    this.patchAllocatedValues(obj.spec, old.spec);
    dropTypeDependentFields(obj.spec, old.spec);
  }

  private allocate(svc: Service, old: Service | undefined, holder: Holder, dryRun: boolean): void {
    const txn = new Txn();
    try {
      const spec = (svc.spec ??= {});
      const name = svc.metadata?.name ?? '';
      this.patchAllocatedValues(spec, old?.spec);
      this.allocateClusterIP(spec, name, holder, txn);
      this.allocateNodePorts(spec, name, holder, txn);
    } catch (e) {
      txn.revert();
      throw e;
    }
    // values a dry run would get are shown but not kept; what an update no longer uses is released once
    // the write is committed (see follow)
    if (dryRun) txn.revert();
  }

  /** Values the stored object has and the request left out are kept, as Kubernetes does. */
  private patchAllocatedValues(spec: ServiceSpec, before: ServiceSpec | undefined): void {
    if (!before) return;
    if (needsClusterIP(before) && needsClusterIP(spec)) {
      if (!spec.clusterIP && before.clusterIP) spec.clusterIP = before.clusterIP;
      if (!spec.clusterIPs?.length && before.clusterIPs?.length) spec.clusterIPs = [...before.clusterIPs];
    }
    if (needsNodePorts(before) && needsNodePorts(spec)) {
      const portsOf = (s: ServiceSpec) =>
        new Set<number>(
          (s.ports ?? [])
            .map((p: ServicePort) => p?.nodePort)
            .filter((n): n is number => typeof n === 'number' && n > 0),
        );
      const inBoth = [...portsOf(before)].filter((n) => portsOf(spec).has(n));
      // node ports by port name: the user may have changed other properties of the port
      const byName = new Map<string, number>();
      for (const p of before.ports ?? []) if (p?.nodePort) byName.set(p.name ?? '', p.nodePort);
      for (const p of spec.ports ?? []) {
        if (p && !p.nodePort) {
          const was = byName.get(p.name ?? '');
          if (was && !inBoth.includes(was)) p.nodePort = was;
        }
      }
    }
    if (
      needsHealthCheckNodePort(before) &&
      needsHealthCheckNodePort(spec) &&
      !spec.healthCheckNodePort &&
      before.healthCheckNodePort
    ) {
      spec.healthCheckNodePort = before.healthCheckNodePort;
    }
  }

  private allocateClusterIP(spec: ServiceSpec, name: string, holder: Holder, txn: Txn): void {
    if (!needsClusterIP(spec)) {
      // an ExternalName Service is a DNS alias: no address, no families
      delete spec.ipFamilies;
      delete spec.ipFamilyPolicy;
      return;
    }
    const requested: string[] = (Array.isArray(spec.clusterIPs) ? spec.clusterIPs : []).filter(
      (ip: unknown) => typeof ip === 'string' && ip !== '',
    );
    if (!requested.length && spec.clusterIP) requested.push(spec.clusterIP);
    const errs: FieldError[] = [];
    if (spec.clusterIP && requested[0] !== spec.clusterIP) {
      errs.push(
        fieldInvalid(['spec', 'clusterIPs', 0], requested[0], 'must match `clusterIP` when both are specified'),
      );
    }
    (Array.isArray(spec.ipFamilies) ? spec.ipFamilies : []).forEach((f: unknown, i: number) => {
      if (f !== 'IPv4') errs.push(fieldInvalid(['spec', 'ipFamilies', i], f, 'not configured on this cluster'));
    });
    const headless = requested[0] === 'None';
    const selectorless = Object.keys(spec.selector ?? {}).length === 0;
    if (spec.ipFamilyPolicy === 'RequireDualStack' && !(headless && selectorless)) {
      errs.push(
        fieldInvalid(
          ['spec', 'ipFamilyPolicy'],
          spec.ipFamilyPolicy,
          'this cluster is not configured for dual-stack services',
        ),
      );
    }
    requested.forEach((ip, i) => {
      if (i > 0)
        errs.push(
          fieldInvalid(['spec', 'clusterIPs', i], ip, 'this cluster is not configured for dual-stack services'),
        );
      else if (ip !== 'None' && isIP(ip) === 6)
        errs.push(fieldInvalid(['spec', 'clusterIPs', i], ip, 'IPv6 is not configured on this cluster'));
    });
    if (errs.length) throw invalid('Service', '', name, errs);
    spec.ipFamilies = ['IPv4'];
    spec.ipFamilyPolicy ??= headless && selectorless ? 'RequireDualStack' : 'SingleStack';
    if (headless) {
      spec.clusterIP = 'None';
      spec.clusterIPs = ['None'];
      return;
    }
    let offset: number;
    if (requested.length) {
      const ip = requested[0];
      offset = ipToNumber(ip) - this.base;
      const fail = (why: string) =>
        invalid('Service', '', name, [
          fieldInvalid(['spec', 'clusterIPs'], requested, `failed to allocate IP ${ip}: ${why}`),
        ]);
      if (!this.ips.contains(offset))
        throw fail(`provided IP is not in the valid range. The range of valid IPs is ${this.serviceCIDR}`);
      // an update that keeps its own address holds it already, so this only refuses other Services' addresses
      if (!txn.take(this.ips, offset, holder)) throw fail('provided IP is already allocated');
    } else {
      const free = this.ips.free();
      if (free === undefined) throw internalError('failed to allocate a serviceIP: range is full');
      txn.take(this.ips, free, holder);
      offset = free;
    }
    const ip = numberToIP(this.base + offset);
    spec.clusterIP = ip;
    spec.clusterIPs = [ip];
  }

  private allocateNodePorts(spec: ServiceSpec, name: string, holder: Holder, txn: Txn): void {
    const { min, max } = this.nodePortRange;
    const takeRequested = (port: number, path: PathSegment[]) => {
      if (!this.ports.contains(port)) {
        throw invalid('Service', '', name, [
          fieldInvalid(
            path,
            port,
            `provided port is not in the valid range. The range of valid ports is ${min}-${max}`,
          ),
        ]);
      }
      if (!txn.take(this.ports, port, holder))
        throw invalid('Service', '', name, [fieldInvalid(path, port, 'provided port is already allocated')]);
    };
    const takeAny = (): number => {
      const free = this.ports.free();
      if (free === undefined) throw internalError('failed to allocate a nodePort: range is full');
      txn.take(this.ports, free, holder);
      return free;
    };
    const needed = needsNodePorts(spec);
    if (spec.type !== 'ClusterIP' && spec.type !== 'ExternalName') {
      // ports that share a port number (53/TCP and 53/UDP) share a node port
      const byPort = new Map<number, number>();
      (spec.ports ?? []).forEach((p: ServicePort, i: number) => {
        if (!p) return;
        if (typeof p.nodePort === 'number' && p.nodePort > 0) {
          takeRequested(p.nodePort, ['spec', 'ports', i, 'nodePort']);
          byPort.set(p.port, p.nodePort);
        } else if (needed) {
          p.nodePort = byPort.get(p.port) ?? takeAny();
          byPort.set(p.port, p.nodePort);
        }
      });
    }
    if (needsHealthCheckNodePort(spec)) {
      if (typeof spec.healthCheckNodePort === 'number' && spec.healthCheckNodePort > 0)
        takeRequested(spec.healthCheckNodePort, ['spec', 'healthCheckNodePort']);
      else spec.healthCheckNodePort = takeAny();
    } else {
      delete spec.healthCheckNodePort;
    }
  }

  /** Marks what a stored Service holds as its own. */
  private claim(key: string, svc: Service): void {
    const uid = svc?.metadata?.uid;
    if (!uid) return;
    const holder = { uid, key };
    const held = heldBy(svc);
    if (held.ip !== undefined) {
      const offset = held.ip - this.base;
      if (this.ips.contains(offset)) this.ips.take(offset, holder);
    }
    for (const p of held.ports) if (this.ports.contains(p)) this.ports.take(p, holder);
  }

  /** The Service is gone: its values are free. */
  release(svc: Service): void {
    const uid = svc?.metadata?.uid;
    if (!uid) return;
    const held = heldBy(svc);
    if (held.ip !== undefined) this.ips.release(held.ip - this.base, uid);
    for (const p of held.ports) this.ports.release(p, uid);
  }

  /** An update of the Service failed: what it took and the stored Service does not hold is free again. */
  releaseUnstored(svc: Service): void {
    const uid = svc?.metadata?.uid;
    if (!uid) return;
    const stored = this.store.get(`${SERVICES_PREFIX}${svc.metadata.namespace}/${svc.metadata.name}`)?.value;
    const kept = stored?.metadata?.uid === uid ? heldBy(stored) : { ip: undefined, ports: new Set<number>() };
    const held = heldBy(svc);
    if (held.ip !== undefined && held.ip !== kept.ip) this.ips.release(held.ip - this.base, uid);
    for (const p of held.ports) if (!kept.ports.has(p)) this.ports.release(p, uid);
  }

  /** Keeps the maps in step with committed writes: an update that dropped a value gives it back. */
  private follow(fromRevision: number): void {
    const onEvent = (e: StoreEvent) => {
      if (e.type === 'DELETED') {
        this.release(e.prev ?? e.value);
        return;
      }
      this.claim(e.key, e.value);
      if (e.type === 'MODIFIED' && e.prev && e.prev.metadata?.uid === e.value?.metadata?.uid) {
        const now = heldBy(e.value);
        const was = heldBy(e.prev);
        const uid = e.value.metadata.uid ?? '';
        if (was.ip !== undefined && was.ip !== now.ip) this.ips.release(was.ip - this.base, uid);
        for (const p of was.ports) if (!now.ports.has(p)) this.ports.release(p, uid);
      }
    };
    try {
      this.store.watch(SERVICES_PREFIX, fromRevision, onEvent);
    } catch (e) {
      if (!(e instanceof StoreError)) throw e;
      this.store.watch(SERVICES_PREFIX, this.store.revision, onEvent);
    }
  }

  /**
   * Values whose write failed after they were allocated (a conflicting update, a lost race) would stay
   * taken. As Kubernetes' repair loop does, a value no stored Service uses is freed once three repairs in
   * a row, three minutes apart, have found it unused, which no write in flight lasts.
   */
  private repairIfDue(): void {
    const now = clock().now();
    if (now - this.lastRepair < REPAIR_INTERVAL_MS) return;
    this.lastRepair = now;
    const sweep = (range: Range, uses: (svc: Service, v: number) => boolean) => {
      for (const [v, slot] of [...range.slots()]) {
        const svc = this.store.get(slot.holder.key)?.value;
        if (svc?.metadata?.uid === slot.holder.uid && uses(svc, v)) {
          slot.strikes = 0;
        } else if (++slot.strikes >= REPAIRS_BEFORE_RELEASE) {
          range.release(v, slot.holder.uid);
        }
      }
    };
    sweep(this.ips, (svc, v) => heldBy(svc).ip === this.base + v);
    sweep(this.ports, (svc, v) => heldBy(svc).ports.has(v));
    for (const e of this.store.list(SERVICES_PREFIX).items) this.claim(e.key, e.value);
  }
}
