// The EndpointSlice controller: for every Service with a selector, discovery.k8s.io/v1 EndpointSlices
// named <service>-<suffix>, owned by the Service, labelled with kubernetes.io/service-name and
// endpointslice.kubernetes.io/managed-by, holding at most 100 endpoints each. Every selected pod with an
// address is an endpoint with conditions ready, serving and terminating, its node, zone and a reference
// to it. Pods whose targetPorts resolve to different numbers go to different slices, since a slice has one
// set of ports. Endpoints stay in the slice they are in, so a change rewrites as few slices as it can.
import type { Endpoint, EndpointPort, EndpointSlice as EndpointSliceObject } from 'kubernetes-types/discovery/v1';
import type { Pod, Service, Stored } from './kit/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { Informer } from '../../kubeclient/informer';
import { KubeObject, deepEqual } from '../../kube/objects';
import { ResourceInfo } from '../../kube/registry';
import { Controller, ControllerContext } from './controllerContext';
import { LatestObjects } from './kit/latestObjects';
import {
  endpointHostname,
  endpointLabels,
  podHandlers,
  podInEndpoints,
  podIP,
  podReference,
  PodsByNamespace,
  resolveTargetPort,
  serviceSelector,
  ServiceIndex,
} from './serviceBackends';
import { isPodReady } from './kit/podReadiness';
import { WorkQueue } from './workQueue';

export const SERVICE_NAME_LABEL = 'kubernetes.io/service-name';
export const MANAGED_BY_LABEL = 'endpointslice.kubernetes.io/managed-by';
export const MANAGED_BY = 'endpointslice-controller.k8s.io';
export const MAX_ENDPOINTS_PER_SLICE = 100;
const ZONE_LABEL = 'topology.kubernetes.io/zone';

type Slice = Stored<EndpointSliceObject>;

interface Desired {
  /** JSON of the slice's ports, which groups endpoints */
  portsKey: string;
  ports: EndpointPort[];
  endpoint: Endpoint;
}

/** A slice being reconciled: its endpoints by pod uid, and whether it needs writing. */
interface Working {
  slice?: Slice;
  portsKey: string;
  ports: EndpointPort[];
  endpoints: Endpoint[];
  dirty: boolean;
}

const endpointKey = (ep: Endpoint): string | undefined => ep.targetRef?.uid ?? ep.addresses?.[0];

export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice-controller';
  private queue?: WorkQueue;
  private ctx!: ControllerContext;
  private services!: Informer;
  private pods!: Informer;
  private podIndex!: PodsByNamespace;
  private nodes!: Informer;
  private slices!: LatestObjects<Slice>;
  private info!: ResourceInfo;
  private ready!: Promise<void>;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.info = ctx.resources().find((r) => r.group === 'discovery.k8s.io' && r.plural === 'endpointslices')!;
    this.services = ctx.informers.get('', 'services');
    this.pods = ctx.informers.pods();
    this.podIndex = new PodsByNamespace(this.pods);
    this.nodes = ctx.informers.nodes();
    const sliceInformer = ctx.informers.get('discovery.k8s.io', 'endpointslices');
    const queue = (this.queue = new WorkQueue((key) => this.sync(key), 4));
    const enqueue = (o: KubeObject) => queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
    const index = new ServiceIndex(this.services);
    this.services.on({ add: enqueue, update: enqueue, delete: enqueue });
    this.pods.on(podHandlers(index, (k) => queue.add(k)));
    // a zone label that changes moves the endpoints on that node to another zone
    this.nodes.on({
      update: (node, old) => {
        if (node.metadata?.labels?.[ZONE_LABEL] !== old.metadata?.labels?.[ZONE_LABEL])
          for (const s of this.services.list()) enqueue(s);
      },
    });
    this.slices = new LatestObjects(sliceInformer);
    // slices changed or removed by someone else are put right
    const sliceChanged = (s: Slice) => {
      const svc = s.metadata?.labels?.[SERVICE_NAME_LABEL];
      if (svc && s.metadata?.labels?.[MANAGED_BY_LABEL] === MANAGED_BY) queue.add(`${s.metadata.namespace}/${svc}`);
    };
    sliceInformer.on({ update: sliceChanged, delete: sliceChanged });
    this.ready = Promise.all([this.services, this.pods, this.nodes, sliceInformer].map((i) => i.waitForSync())).then(
      () => undefined,
    );
    await this.ready;
    for (const svc of this.services.list()) enqueue(svc);
  }

  stop(): void {
    this.queue?.stop();
  }

  private managedSlices(namespace: string, service: string): Slice[] {
    const out: Slice[] = [];
    for (const s of this.slices.values()) {
      const labels = s.metadata?.labels ?? {};
      if (
        s.metadata?.namespace === namespace &&
        labels[SERVICE_NAME_LABEL] === service &&
        labels[MANAGED_BY_LABEL] === MANAGED_BY
      )
        out.push(s);
    }
    return out.sort((a, b) => String(a.metadata.name).localeCompare(String(b.metadata.name)));
  }

  private async sync(key: string): Promise<void> {
    await this.ready;
    const [namespace, name] = key.split('/');
    const svc = this.services.get(namespace, name);
    const existing = this.managedSlices(namespace, name);
    // a deleted Service's slices go with it through their owner reference (garbage collector)
    if (!svc) return;
    const selector = serviceSelector(svc);
    if (!selector) {
      // a Service that lost its selector keeps no slices of ours
      for (const s of existing) await this.remove(s);
      return;
    }
    const pods = this.podIndex.select(namespace, selector);
    const desired = this.desiredEndpoints(svc, pods);
    const plan = reconcile(existing, desired);
    const labels = endpointLabels(svc, { [SERVICE_NAME_LABEL]: name, [MANAGED_BY_LABEL]: MANAGED_BY });
    const owner = {
      apiVersion: 'v1',
      kind: 'Service',
      name,
      uid: svc.metadata.uid,
      controller: true,
      blockOwnerDeletion: true,
    };
    for (const w of plan.keep) {
      const s = w.slice;
      const stale =
        !s ||
        !deepEqual(s.metadata?.labels ?? {}, labels) ||
        !deepEqual(s.metadata?.ownerReferences ?? [], [owner]) ||
        s.addressType !== 'IPv4';
      if (!w.dirty && !stale) continue;
      const body: EndpointSliceObject = {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: s
          ? { ...s.metadata, labels, ownerReferences: [owner] }
          : { generateName: `${name.slice(0, 57)}-`, namespace, labels, ownerReferences: [owner] },
        addressType: 'IPv4',
        endpoints: w.endpoints,
        ports: w.ports,
      };
      if (s)
        this.slices.observed(await this.ctx.client.update(resourcePath(this.info, namespace, s.metadata.name), body));
      else this.slices.observed(await this.ctx.client.create(resourcePath(this.info, namespace), body));
    }
    for (const s of plan.remove) await this.remove(s);
  }

  private async remove(slice: Slice): Promise<void> {
    try {
      await this.ctx.client.delete(resourcePath(this.info, slice.metadata.namespace, slice.metadata.name), {
        preconditions: { uid: slice.metadata.uid },
      });
    } catch (e) {
      if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) throw e;
    }
    this.slices.removed(slice);
  }

  private desiredEndpoints(svc: Service, pods: Pod[]): Desired[] {
    const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
    const svcPorts = svc.spec?.ports ?? [];
    const out: Desired[] = [];
    for (const pod of pods) {
      // terminating pods stay, marked terminating, so clients can drain them
      if (!podInEndpoints(pod, true)) continue;
      const ports: EndpointPort[] = [];
      for (const sp of svcPorts) {
        const port = resolveTargetPort(pod, sp);
        if (port === undefined) continue;
        const p: EndpointPort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
        if (sp.appProtocol) p.appProtocol = sp.appProtocol;
        ports.push(p);
      }
      // a pod none of whose ports resolve serves nothing (unless the Service has no ports at all)
      if (svcPorts.length && !ports.length) continue;
      const serving = isPodReady(pod);
      const terminating = !!pod.metadata?.deletionTimestamp;
      const endpoint: Endpoint = {
        // podInEndpoints: the pod has an address
        addresses: [podIP(pod)!],
        conditions: { ready: publishNotReady || (serving && !terminating), serving, terminating },
      };
      const hostname = endpointHostname(pod, svc);
      if (hostname) endpoint.hostname = hostname;
      endpoint.targetRef = podReference(pod);
      if (pod.spec?.nodeName) {
        endpoint.nodeName = pod.spec.nodeName;
        const zone = this.nodes.get(undefined, pod.spec.nodeName)?.metadata?.labels?.[ZONE_LABEL];
        if (zone) endpoint.zone = zone;
      }
      out.push({ portsKey: JSON.stringify(ports), ports, endpoint });
    }
    return out;
  }
}

/**
 * Decides which slices to write and which to delete. Endpoints already in a slice with the right ports
 * stay there (rewritten only when they changed); new ones fill slices that have room, then new slices;
 * slices left empty go. With no endpoints at all one empty slice stays, as Kubernetes keeps a placeholder.
 */
export function reconcile(existing: Slice[], desired: Desired[]): { keep: Working[]; remove: Slice[] } {
  const wanted = new Map<string | undefined, Desired>();
  for (const d of desired) wanted.set(endpointKey(d.endpoint), d);
  const placed = new Set<string | undefined>();
  const working: Working[] = [];
  const remove: Slice[] = [];
  for (const slice of existing) {
    const portsKey = JSON.stringify(slice.ports ?? []);
    const w: Working = { slice, portsKey, ports: slice.ports ?? [], endpoints: [], dirty: false };
    for (const ep of slice.endpoints ?? []) {
      const k = endpointKey(ep);
      const d = wanted.get(k);
      if (!d || d.portsKey !== portsKey || placed.has(k) || w.endpoints.length >= MAX_ENDPOINTS_PER_SLICE) {
        w.dirty = true;
        continue;
      }
      placed.add(k);
      if (!deepEqual(ep, d.endpoint)) w.dirty = true;
      w.endpoints.push(d.endpoint);
    }
    working.push(w);
  }
  for (const d of desired) {
    const k = endpointKey(d.endpoint);
    if (placed.has(k)) continue;
    placed.add(k);
    // prefer a slice that is being written anyway, then any with room, then a new one
    const fits = (w: Working) => w.portsKey === d.portsKey && w.endpoints.length < MAX_ENDPOINTS_PER_SLICE;
    let w =
      working.find((x) => fits(x) && x.dirty) ??
      working.find((x) => fits(x) && x.endpoints.length > 0) ??
      working.find(fits);
    // a slice left empty (a placeholder, or one whose ports changed) is reused before a new one is made
    const emptied = w ? undefined : working.find((x) => x.slice && x.endpoints.length === 0);
    if (emptied) {
      w = emptied;
      w.portsKey = d.portsKey;
      w.ports = d.ports;
    }
    if (!w) working.push((w = { portsKey: d.portsKey, ports: d.ports, endpoints: [], dirty: true }));
    w.endpoints.push(d.endpoint);
    w.dirty = true;
  }
  const keep: Working[] = [];
  for (const w of working) {
    if (w.endpoints.length > 0) keep.push(w);
    else if (w.slice) remove.push(w.slice);
  }
  if (keep.length === 0) {
    // the placeholder: an existing empty slice if there is one, else one of the old ones emptied, else a new one
    const reuse = remove.find((s) => !s.endpoints?.length && !s.ports?.length) ?? remove[0];
    const idx = reuse ? remove.indexOf(reuse) : -1;
    if (idx >= 0) remove.splice(idx, 1);
    const clean = reuse && !reuse.endpoints?.length && !reuse.ports?.length;
    keep.push({ slice: reuse, portsKey: '[]', ports: [], endpoints: [], dirty: !clean });
  }
  return { keep, remove };
}
