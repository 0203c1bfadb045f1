// The Endpoints controller: for every Service with a selector, an Endpoints object of the same name whose
// subsets list the selected pods' addresses, ready ones under addresses and the rest under
// notReadyAddresses (all under addresses when the Service publishes not-ready addresses), with the ports
// each Service port's targetPort resolves to in that pod.
import type { EndpointAddress, EndpointPort, EndpointSubset, Endpoints } from 'kubernetes-types/core/v1';
import type { Pod, Service, Stored } from './kit/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { Informer } from '../../kubeclient/informer';
import { KubeObject, deepEqual } from '../../kube/objects';
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

/** Kubernetes truncates Endpoints beyond this many addresses (EndpointSlices carry the rest). */
const MAX_ADDRESSES = 1000;
const OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';

interface Subset {
  addresses: EndpointAddress[];
  notReadyAddresses: EndpointAddress[];
  ports: EndpointPort[];
}

const byIP = (a: EndpointAddress, b: EndpointAddress) =>
  compareIPs(a.ip, b.ip) || String(a.targetRef?.uid ?? '').localeCompare(String(b.targetRef?.uid ?? ''));

function compareIPs(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < 4; i++) if (pa[i] !== pb[i]) return pa[i] - pb[i];
  return 0;
}

/** The subsets of a Service's Endpoints: addresses grouped by the ports they serve, in a stable order. */
export function endpointSubsets(svc: Service, pods: Pod[]): { subsets: Subset[]; truncated: boolean } {
  const publishNotReady = svc.spec?.publishNotReadyAddresses === true;
  const groups = new Map<string, Subset>();
  const add = (ports: EndpointPort[], address: EndpointAddress, ready: boolean) => {
    const key = JSON.stringify(ports);
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { addresses: [], notReadyAddresses: [], ports }));
    (ready ? g.addresses : g.notReadyAddresses).push(address);
  };
  const svcPorts = svc.spec?.ports ?? [];
  for (const pod of pods) {
    if (!podInEndpoints(pod, false)) continue;
    // podInEndpoints: the pod has an address
    const address: EndpointAddress = { ip: podIP(pod)! };
    const hostname = endpointHostname(pod, svc);
    if (hostname) address.hostname = hostname;
    if (pod.spec?.nodeName) address.nodeName = pod.spec.nodeName;
    address.targetRef = podReference(pod);
    const ready = publishNotReady || isPodReady(pod);
    if (svcPorts.length === 0) {
      // a headless Service without ports still lists its pods (for DNS)
      if (svc.spec?.clusterIP === 'None') add([], address, ready);
      continue;
    }
    // each Service port that resolves in this pod gives the address one more port
    const ports: EndpointPort[] = [];
    for (const sp of svcPorts) {
      const port = resolveTargetPort(pod, sp);
      if (port === undefined) continue;
      const ep: EndpointPort = { port, protocol: sp.protocol ?? 'TCP' };
      if (sp.name) ep.name = sp.name;
      if (sp.appProtocol) ep.appProtocol = sp.appProtocol;
      ports.push(ep);
    }
    if (!ports.length) continue;
    ports.sort(
      (a, b) =>
        String(a.name ?? '').localeCompare(String(b.name ?? '')) ||
        a.port - b.port ||
        (a.protocol ?? '').localeCompare(b.protocol ?? ''),
    );
    add(ports, address, ready);
  }
  let subsets = [...groups.values()];
  for (const s of subsets) {
    s.addresses.sort(byIP);
    s.notReadyAddresses.sort(byIP);
  }
  subsets.sort((a, b) => JSON.stringify(a.ports).localeCompare(JSON.stringify(b.ports)));
  let truncated = false;
  const total = subsets.reduce((n, s) => n + s.addresses.length + s.notReadyAddresses.length, 0);
  if (total > MAX_ADDRESSES) {
    // keep ready addresses first, as far as the limit goes
    truncated = true;
    let room = MAX_ADDRESSES;
    for (const s of subsets) {
      s.addresses = s.addresses.slice(0, Math.max(0, room));
      room -= s.addresses.length;
    }
    for (const s of subsets) {
      s.notReadyAddresses = s.notReadyAddresses.slice(0, Math.max(0, room));
      room -= s.notReadyAddresses.length;
    }
    subsets = subsets.filter((s) => s.addresses.length || s.notReadyAddresses.length);
  }
  return { subsets, truncated };
}

/** Endpoints as the API returns them: empty lists left out. */
function wireSubsets(subsets: Subset[]): EndpointSubset[] {
  return subsets.map((s) => {
    const out: EndpointSubset = {};
    if (s.addresses.length) out.addresses = s.addresses;
    if (s.notReadyAddresses.length) out.notReadyAddresses = s.notReadyAddresses;
    if (s.ports.length) out.ports = s.ports;
    return out;
  });
}

export class EndpointsController implements Controller {
  readonly name = 'endpoints-controller';
  private queue?: WorkQueue;
  private ctx!: ControllerContext;
  private services!: Informer;
  private pods!: Informer;
  private podIndex!: PodsByNamespace;
  private endpoints!: LatestObjects;
  private ready!: Promise<void>;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.services = ctx.informers.get('', 'services');
    this.pods = ctx.informers.pods();
    this.podIndex = new PodsByNamespace(this.pods);
    const endpointsInformer = ctx.informers.get('', 'endpoints');
    const queue = (this.queue = new WorkQueue((key) => this.sync(key), 4));
    const enqueue = (o: KubeObject) => queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
    const index = new ServiceIndex(this.services);
    this.services.on({ add: enqueue, update: enqueue, delete: enqueue });
    this.pods.on(podHandlers(index, (k) => queue.add(k)));
    this.endpoints = new LatestObjects(endpointsInformer);
    // the Endpoints of a Service with a selector, deleted or edited by someone else, are put back;
    // Endpoints without such a Service are someone else's
    const managed = (ep: KubeObject) => {
      if (serviceSelector(this.services.get(ep.metadata.namespace, ep.metadata.name!))) enqueue(ep);
    };
    endpointsInformer.on({ update: managed, delete: managed });
    this.ready = Promise.all([
      this.services.waitForSync(),
      this.pods.waitForSync(),
      endpointsInformer.waitForSync(),
    ]).then(() => undefined);
    await this.ready;
    for (const svc of this.services.list()) enqueue(svc);
  }

  stop(): void {
    this.queue?.stop();
  }

  private async sync(key: string): Promise<void> {
    await this.ready;
    const [namespace, name] = key.split('/');
    const svc = this.services.get(namespace, name);
    const current = this.endpoints.get(namespace, name);
    const info = this.ctx.resources().find((r) => r.group === '' && r.plural === 'endpoints')!;
    if (!svc) {
      // the Service is gone: so are its endpoints (Endpoints have no owner reference to collect them by)
      if (current && !current.metadata?.deletionTimestamp) {
        try {
          await this.ctx.client.delete(resourcePath(info, namespace, name), {
            preconditions: { uid: current.metadata.uid },
          });
        } catch (e) {
          if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) throw e;
        }
        this.endpoints.removed(current);
      }
      return;
    }
    const selector = serviceSelector(svc);
    // without a selector the Endpoints are the user's to write
    if (!selector) return;
    const pods = this.podIndex.select(namespace, selector);
    const { subsets, truncated } = endpointSubsets(svc, pods);
    const labels = endpointLabels(svc);
    const annotations: Record<string, string> = { ...(current?.metadata?.annotations ?? {}) };
    delete annotations[OVER_CAPACITY];
    if (truncated) annotations[OVER_CAPACITY] = 'truncated';
    const wanted = wireSubsets(subsets);
    if (
      current &&
      deepEqual(current.subsets ?? [], wanted) &&
      deepEqual(current.metadata?.labels ?? {}, labels) &&
      deepEqual(current.metadata?.annotations ?? {}, annotations)
    ) {
      return;
    }
    const body: Stored<Endpoints> = {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name,
        namespace,
        ...(Object.keys(labels).length ? { labels } : {}),
        ...(Object.keys(annotations).length ? { annotations } : {}),
      },
      ...(wanted.length ? { subsets: wanted } : {}),
    };
    if (current) {
      body.metadata.resourceVersion = current.metadata.resourceVersion;
      this.endpoints.observed(await this.ctx.client.update(resourcePath(info, namespace, name), body));
    } else {
      this.endpoints.observed(await this.ctx.client.create(resourcePath(info, namespace), body));
    }
  }
}
