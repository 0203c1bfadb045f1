// The "kubernetes" Service in default, which points in-cluster clients at the API server: cluster IP
// 10.96.0.1 (the first address of the service range), port 443 named https, and an Endpoints object and
// EndpointSlice of the same name listing the API server's own address, as the real API server keeps
// them. The address comes from the API server itself (serverAddressByClientCIDRs of /api), and the
// objects are put back whenever they are changed or deleted.
import type { Service } from 'kubernetes-types/core/v1';
import { isIPv4 } from 'net';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { deepEqual, KubeObject } from '../../kube/objects';
import { ResourceInfo } from '../../kube/registry';
import { Controller, ControllerContext } from './controllerContext';
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
    return this.ctx.resources().find((r) => r.group === group && r.plural === plural)!;
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
    await this.ensureService(port);
    await this.ensureObject(
      this.info('', 'endpoints'),
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: NAME, namespace: NAMESPACE, labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } },
        subsets: [{ addresses: [{ ip }], ports }],
      },
      (o) => ({ labels: o.metadata?.labels, subsets: o.subsets }),
    );
    await this.ensureObject(
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

  private async ensureService(targetPort: number): Promise<void> {
    const info = this.info('', 'services');
    const want = [{ name: 'https', port: 443, protocol: 'TCP', targetPort }];
    let svc: Service | undefined;
    try {
      svc = await this.ctx.client.get(resourcePath(info, NAMESPACE, NAME));
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e;
    }
    if (svc) {
      if (deepEqual(svc.spec?.ports, want) && svc.spec?.type === 'ClusterIP') return;
      await this.ctx.client.update(resourcePath(info, NAMESPACE, NAME), {
        ...svc,
        spec: { ...svc.spec, type: 'ClusterIP', ports: want },
      });
      return;
    }
    const body = (clusterIP?: string) => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: NAME, namespace: NAMESPACE, labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: { type: 'ClusterIP', ...(clusterIP ? { clusterIP } : {}), ports: want, sessionAffinity: 'None' },
    });
    try {
      await this.ctx.client.create(resourcePath(info, NAMESPACE), body(KUBERNETES_SERVICE_IP));
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 409) return;
      // someone holds the first address: any address is better than no Service
      if (e instanceof KubeApiError && e.status === 422)
        await this.ctx.client.create(resourcePath(info, NAMESPACE), body());
      else throw e;
    }
  }

  /** Creates the object, or rewrites it when the fields `view` picks differ from what it should be. */
  private async ensureObject<T extends KubeObject>(
    info: ResourceInfo,
    want: T,
    view: (o: T) => unknown,
  ): Promise<void> {
    let cur: T | undefined;
    try {
      cur = await this.ctx.client.get(resourcePath(info, NAMESPACE, NAME));
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e;
    }
    if (!cur) {
      try {
        await this.ctx.client.create(resourcePath(info, NAMESPACE), want);
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 409)) throw e;
      }
      return;
    }
    if (deepEqual(view(cur), view(want))) return;
    await this.ctx.client.update(resourcePath(info, NAMESPACE, NAME), {
      ...want,
      metadata: { ...cur.metadata, labels: want.metadata.labels },
    });
  }
}
