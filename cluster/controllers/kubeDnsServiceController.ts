// The `kube-dns` Service in kube-system, as kubeadm's DNS add-on has it: cluster IP 10.96.0.10 (the tenth address of
// the service range), ports `dns` 53/UDP and `dns-tcp` 53/TCP, labels k8s-app=kube-dns. The server behind it runs
// in the cluster's process (cluster/dns/), not in pods, so the Service has no selector: an EndpointSlice and an
// Endpoints of the same name list the address the pods reach that server at, or nothing when they cannot reach
// it. The objects are put back whenever they are changed or deleted.
import type { EndpointPort } from 'kubernetes-types/discovery/v1';
import type { KubeObject } from '../../kube/objects';
import { Controller, ControllerContext } from './controllerContext';
import { ensureObject, ensureSystemService, resourceInfo } from './kit/ensureObject';
import { WorkQueue } from './workQueue';

export const KUBE_DNS_NAME = 'kube-dns';
export const KUBE_DNS_NAMESPACE = 'kube-system';
export const KUBE_DNS_SERVICE_IP = '10.96.0.10';
const LABELS = { 'k8s-app': 'kube-dns', 'kubernetes.io/cluster-service': 'true', 'kubernetes.io/name': 'CoreDNS' };

export class KubeDnsServiceController implements Controller {
  readonly name = 'kube-dns-service-controller';
  private queue?: WorkQueue;
  private ctx!: ControllerContext;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    const queue = (this.queue = new WorkQueue(() => this.ensure(), 1));
    const ours = (o: KubeObject | undefined) => {
      if (o?.metadata?.namespace === KUBE_DNS_NAMESPACE && o.metadata.name === KUBE_DNS_NAME) queue.add(KUBE_DNS_NAME);
    };
    for (const [group, plural] of [
      ['', 'services'],
      ['', 'endpoints'],
      ['discovery.k8s.io', 'endpointslices'],
    ]) {
      ctx.informers.get(group, plural).on({ update: ours, delete: ours });
    }
    queue.add(KUBE_DNS_NAME);
  }

  stop(): void {
    this.queue?.stop();
  }

  private async ensure(): Promise<void> {
    const ctx = this.ctx;
    const metadata = { name: KUBE_DNS_NAME, namespace: KUBE_DNS_NAMESPACE };
    const ports: EndpointPort[] = [
      { name: 'dns', port: 53, protocol: 'UDP' },
      { name: 'dns-tcp', port: 53, protocol: 'TCP' },
    ];
    await ensureSystemService(
      ctx,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { ...metadata, labels: LABELS },
        spec: { type: 'ClusterIP', ports: ports.map((p) => ({ ...p, port: 53, targetPort: 53 })) },
      },
      KUBE_DNS_SERVICE_IP,
    );
    const ip = ctx.podNetwork.dnsAddress;
    await ensureObject(
      ctx,
      resourceInfo(ctx, '', 'endpoints'),
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { ...metadata, labels: { ...LABELS, 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
        subsets: ip ? [{ addresses: [{ ip }], ports }] : [],
      },
      (o) => ({ labels: o.metadata?.labels, subsets: o.subsets ?? [] }),
    );
    await ensureObject(
      ctx,
      resourceInfo(ctx, 'discovery.k8s.io', 'endpointslices'),
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { ...metadata, labels: { ...LABELS, 'kubernetes.io/service-name': KUBE_DNS_NAME } },
        addressType: 'IPv4',
        endpoints: ip ? [{ addresses: [ip], conditions: { ready: true } }] : [],
        ports,
      },
      (o) => ({ labels: o.metadata?.labels, endpoints: o.endpoints ?? [], ports: o.ports }),
    );
  }
}
