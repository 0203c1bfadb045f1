// The "kubernetes" Service in default, which points in-cluster clients at the API server: cluster IP
// 10.96.0.1 (the first address of the service range), port 443 named https, and an Endpoints object and
// EndpointSlice of the same name listing the API server's own address, as the real API server keeps
// them. The address comes from the API server itself (serverAddressByClientCIDRs of /api), and the
// objects are put back whenever they are changed or deleted.
import { isIPv4 } from 'net';
import { KubeObject } from '../../kube/objects';
import { ResourceInfo } from '../../kube/registry';
import { Controller, ControllerContext } from './controllerContext';
import { ensureObject, ensureSystemService, resourceInfo } from './kit/ensureObject';
import { WorkQueue } from './workQueue';

const NAME = 'kubernetes';
const NAMESPACE = 'default';
export const KUBERNETES_SERVICE_IP = '10.96.0.1';

export class KubernetesServiceController implements Controller {
  readonly name = 'kubernetes-service-controller';
  private queue?: WorkQueue;
  private ctx!: ControllerContext;
  private address?: { ip: string; port: number };

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    const queue = (this.queue = new WorkQueue(() => this.ensure(), 1));
    const ours = (o: KubeObject | undefined) => {
      if (o?.metadata?.namespace === NAMESPACE && o.metadata.name === NAME) queue.add(NAME);
    };
    for (const [group, plural] of [
      ['', 'services'],
      ['', 'endpoints'],
      ['discovery.k8s.io', 'endpointslices'],
    ]) {
      ctx.informers.get(group, plural).on({ update: ours, delete: ours });
    }
    queue.add(NAME);
  }

  stop(): void {
    this.queue?.stop();
  }

  private info(group: string, plural: string): ResourceInfo {
    return resourceInfo(this.ctx, group, plural);
  }

  private async apiServerAddress(): Promise<{ ip: string; port: number }> {
    if (this.address) return this.address;
    const versions = await this.ctx.client.get('/api');
    const hostPort = String(versions?.serverAddressByClientCIDRs?.[0]?.serverAddress ?? '');
    const i = hostPort.lastIndexOf(':');
    const host = hostPort.slice(0, i);
    const port = Number(hostPort.slice(i + 1));
    if (!(port > 0)) throw new Error(`the API server reported no address (${hostPort})`);
    this.address = { ip: isIPv4(host) ? host : '127.0.0.1', port };
    return this.address;
  }

  private async ensure(): Promise<void> {
    const { ip, port } = await this.apiServerAddress();
    const ports = [{ name: 'https', port, protocol: 'TCP' }];
    await ensureSystemService(
      this.ctx,
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: NAME, namespace: NAMESPACE, labels: { component: 'apiserver', provider: 'kubernetes' } },
        spec: { type: 'ClusterIP', ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: port }] },
      },
      KUBERNETES_SERVICE_IP,
    );
    await ensureObject(
      this.ctx,
      this.info('', 'endpoints'),
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: NAME, namespace: NAMESPACE, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
        subsets: [{ addresses: [{ ip }], ports }],
      },
      (o) => ({ labels: o.metadata?.labels, subsets: o.subsets }),
    );
    await ensureObject(
      this.ctx,
      this.info('discovery.k8s.io', 'endpointslices'),
      {
        apiVersion: 'discovery.k8s.io/v1',
        kind: 'EndpointSlice',
        metadata: { name: NAME, namespace: NAMESPACE, labels: { 'kubernetes.io/service-name': NAME } },
        addressType: 'IPv4',
        endpoints: [{ addresses: [ip], conditions: { ready: true } }],
        ports,
      },
      (o) => ({ labels: o.metadata?.labels, addressType: o.addressType, endpoints: o.endpoints, ports: o.ports }),
    );
  }
}
