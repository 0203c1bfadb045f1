// Which pods back a Service and on which ports, shared by the Endpoints and EndpointSlice controllers:
// the Service-by-namespace index, pod readiness and the rules Kubernetes uses to put a pod into endpoints.
import { matchesLabels, Selector, selectorFromMap } from '../../kube/labelSelector';
import { Informer } from '../../kubeclient/informer';
import { isPodReady } from './kit/podReadiness';
import type { Pod, Service } from './kit/objects';
import type { ObjectReference, ServicePort } from 'kubernetes-types/core/v1';

/** The selector of a Service whose endpoints the controllers manage; undefined for selectorless and ExternalName Services. */
export function serviceSelector(svc: Service | undefined): Selector | undefined {
  if (svc?.spec?.type === 'ExternalName') return undefined;
  const sel = svc?.spec?.selector;
  if (!sel || typeof sel !== 'object' || Object.keys(sel).length === 0) return undefined;
  return selectorFromMap(sel);
}

export function isHeadless(svc: Service | undefined): boolean {
  return svc?.spec?.clusterIP === 'None';
}

/** The pod's IPv4 address, the family this cluster serves. */
export function podIP(pod: Pod | undefined): string | undefined {
  const ips = (pod?.status?.podIPs ?? []).map((p) => p?.ip).filter((ip): ip is string => !!ip);
  if (pod?.status?.podIP) ips.unshift(pod.status.podIP);
  return ips.find((ip) => /^\d+\.\d+\.\d+\.\d+$/.test(ip));
}

/**
 * Whether a pod belongs in a Service's endpoints at all: it has an address, has not finished for good
 * (a pod that will not restart and has ended), and is not terminating unless the caller keeps those.
 */
export function podInEndpoints(pod: Pod, includeTerminating: boolean): boolean {
  if (!podIP(pod)) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  const phase = pod.status?.phase;
  switch (pod.spec?.restartPolicy ?? 'Always') {
    case 'Never':
      return phase !== 'Failed' && phase !== 'Succeeded';
    case 'OnFailure':
      return phase !== 'Succeeded';
    default:
      return true;
  }
}

/** The pod port a Service port's targetPort names: a number as is, a name looked up in the pod's container ports. */
export function resolveTargetPort(pod: Pod | undefined, svcPort: ServicePort | undefined): number | undefined {
  const target = svcPort?.targetPort ?? svcPort?.port;
  if (typeof target === 'number') return target;
  if (typeof target === 'string' && /^\d+$/.test(target)) return Number(target);
  const protocol = svcPort?.protocol ?? 'TCP';
  for (const c of pod?.spec?.containers ?? []) {
    for (const p of c?.ports ?? []) {
      if (p?.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** A pod's DNS hostname within a headless Service it is the subdomain of (StatefulSet pods). */
export function endpointHostname(pod: Pod | undefined, svc: Service): string | undefined {
  if (!isHeadless(svc)) return undefined;
  const h = pod?.spec?.hostname;
  if (h && pod?.spec?.subdomain === svc.metadata?.name && pod.metadata?.namespace === svc.metadata?.namespace) return h;
  return undefined;
}

export function podReference(pod: Pod): ObjectReference {
  return { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
}

/** The labels a Service's endpoint objects carry: the Service's own, and whether it is headless. */
export function endpointLabels(svc: Service, extra: Record<string, string> = {}): Record<string, string> {
  const labels: Record<string, string> = { ...(svc.metadata?.labels ?? {}) };
  delete labels['service.kubernetes.io/headless'];
  if (isHeadless(svc)) labels['service.kubernetes.io/headless'] = '';
  return { ...labels, ...extra };
}

/** Did a pod change in a way that can change the endpoints of the Services selecting it? */
export function podEndpointsChanged(pod: Pod, old: Pod | undefined): boolean {
  if (!old) return true;
  const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
  return !(
    same(pod.metadata?.labels, old.metadata?.labels) &&
    podIP(pod) === podIP(old) &&
    isPodReady(pod) === isPodReady(old) &&
    !!pod.metadata?.deletionTimestamp === !!old.metadata?.deletionTimestamp &&
    pod.spec?.nodeName === old.spec?.nodeName &&
    pod.status?.phase === old.status?.phase &&
    pod.spec?.hostname === old.spec?.hostname &&
    pod.spec?.subdomain === old.spec?.subdomain
  );
}

/**
 * Services by namespace with their parsed selectors, kept from the Services informer, so a pod event
 * finds the Services selecting it without scanning every Service of the cluster.
 */
export class ServiceIndex {
  private readonly byNamespace = new Map<string, Map<string, { svc: Service; selector?: Selector }>>();

  constructor(informer: Informer) {
    const put = (svc: Service) => {
      const ns = svc.metadata.namespace ?? '';
      let m = this.byNamespace.get(ns);
      if (!m) this.byNamespace.set(ns, (m = new Map()));
      m.set(svc.metadata.name, { svc, selector: serviceSelector(svc) });
    };
    informer.on({
      add: put,
      update: put,
      delete: (svc) => this.byNamespace.get(svc.metadata.namespace)?.delete(svc.metadata.name),
    });
    for (const svc of informer.list()) put(svc);
  }

  /** "namespace/name" keys of the Services whose selector matches the pod. */
  servicesFor(pod: Pod): string[] {
    const ns = pod?.metadata?.namespace ?? '';
    const m = this.byNamespace.get(ns);
    if (!m) return [];
    const out: string[] = [];
    for (const [name, { selector }] of m) {
      if (selector && matchesLabels(selector, pod.metadata?.labels)) out.push(`${ns}/${name}`);
    }
    return out;
  }
}

/** Pods by namespace, kept from the pods informer, so a Service's sync looks only at its own namespace. */
export class PodsByNamespace {
  private readonly byNamespace = new Map<string, Map<string, Pod>>();

  constructor(informer: Informer) {
    const put = (pod: Pod) => {
      const ns = pod.metadata.namespace ?? '';
      let m = this.byNamespace.get(ns);
      if (!m) this.byNamespace.set(ns, (m = new Map()));
      m.set(pod.metadata.name, pod);
    };
    informer.on({
      add: put,
      update: put,
      delete: (pod) => {
        const m = this.byNamespace.get(pod.metadata.namespace);
        m?.delete(pod.metadata.name);
        if (m && m.size === 0) this.byNamespace.delete(pod.metadata.namespace);
      },
    });
    for (const pod of informer.list()) put(pod);
  }

  /** the pods of a namespace the selector matches */
  select(namespace: string, selector: Selector): Pod[] {
    const out: Pod[] = [];
    for (const pod of this.byNamespace.get(namespace)?.values() ?? [])
      if (matchesLabels(selector, pod.metadata?.labels)) out.push(pod);
    return out;
  }
}

/** Queues the Services a pod event concerns: those selecting the pod before and after the change. */
export function podHandlers(index: ServiceIndex, enqueue: (key: string) => void) {
  const both = (pod: Pod, old?: Pod) => {
    const keys = new Set(index.servicesFor(pod));
    if (old) for (const k of index.servicesFor(old)) keys.add(k);
    for (const k of keys) enqueue(k);
  };
  return {
    add: (pod: Pod) => both(pod),
    update: (pod: Pod, old: Pod) => {
      if (podEndpointsChanged(pod, old)) both(pod, old);
    },
    delete: (pod: Pod) => both(pod),
  };
}
