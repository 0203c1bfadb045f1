// The load balancer of a developer's machine, as k3s's ServiceLB and kind's cloud-provider-kind are for theirs: a
// Service of type LoadBalancer (of no other loadBalancerClass) answers on 127.0.0.1:<port> for each of its TCP
// ports, forwarding to its ready endpoints, and gets status.loadBalancer.ingress [{ip: 127.0.0.1}] once every port
// is held. A port another program (or Service) holds leaves the Service pending, with a SyncLoadBalancerFailed
// event naming the port, and is tried again every few seconds. With simulated pods the address is assigned all
// the same (apps become Healthy), and connections are refused since no pod answers.
import type { LoadBalancerIngress } from 'kubernetes-types/core/v1';
import { resourcePath } from '../../kubeclient/apiClient';
import { isNotFound } from '../../kubeclient/apiError';
import { deepEqual } from '../../kube/objects';
import { HOST_ADDRESS } from '../network/hostNetwork';
import { tcpPorts } from '../network/servicePortListeners';
import type { Service } from './kit/objects';
import { ServicePortsController } from './kit/servicePortsController';

/** How soon a port that was taken is tried again (cluster time). */
const RETRY_MS = 5000;
const ASSIGNED: LoadBalancerIngress[] = [{ ip: HOST_ADDRESS, ipMode: 'VIP' }];

/** A LoadBalancer Service this controller serves: none of another load balancer's class. */
function isOurs(svc: Service | undefined): boolean {
  return svc?.spec?.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;
}

export class ServiceLoadBalancerController extends ServicePortsController {
  readonly name = 'service-lb-controller';
  constructor() {
    super('service-controller');
  }

  protected async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const svc: Service | undefined = this.services.get(namespace, name);
    const ports = isOurs(svc) ? tcpPorts(svc?.spec?.ports) : [];
    const failed = await this.listeners.reconcile(
      namespace,
      name,
      ports.map((p) => ({ hostPort: p.port, servicePort: p.port })),
    );
    if (!svc) return;
    if (!isOurs(svc)) {
      // a Service that stopped being a LoadBalancer of ours loses the address it had from us
      const had = svc.status?.loadBalancer?.ingress ?? [];
      if (svc.spec?.type !== 'LoadBalancer' && had.some((i) => i.ip === HOST_ADDRESS)) await this.writeStatus(svc, []);
      return;
    }
    if (failed.length) {
      const which = failed.map((f) => f.message).join('; ');
      this.events.record(
        svc,
        'Warning',
        'SyncLoadBalancerFailed',
        `Error syncing load balancer: ${which}; the Service stays pending until the port is free ` +
          '(stop what holds it, or change the Service port)',
      );
      this.queue?.addAfter(key, RETRY_MS, this.ctx.clock);
    }
    const want = failed.length ? [] : ASSIGNED;
    if (deepEqual(svc.status?.loadBalancer?.ingress ?? [], want)) return;
    await this.writeStatus(svc, want);
    if (want.length)
      this.events.record(
        svc,
        'Normal',
        'EnsuredLoadBalancer',
        `Ensured load balancer: ${ports.map((p) => `${HOST_ADDRESS}:${p.port}`).join(', ')}`,
      );
  }

  private async writeStatus(svc: Service, ingress: LoadBalancerIngress[]): Promise<void> {
    const info = this.services.info;
    const path = resourcePath(info, svc.metadata.namespace, svc.metadata.name, 'status');
    try {
      await this.ctx.client.patch(
        path,
        { status: { loadBalancer: { ingress: ingress.length ? ingress : null } } },
        'merge',
      );
    } catch (e) {
      if (!isNotFound(e)) throw e;
    }
  }
}
