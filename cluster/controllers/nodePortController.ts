// Node ports on the developer's machine, kube-proxy's part for a NodePort (or LoadBalancer) Service: each TCP port's
// nodePort answers on 127.0.0.1:<nodePort>, forwarding to the Service's ready endpoints. A node port another
// program holds is reported by a NodePortUnavailable event on the Service and tried again every few seconds; the
// Service itself is unchanged (its nodePort is the API server's allocation, whatever the host has).
import { tcpPorts } from '../network/servicePortListeners';
import type { Service } from './kit/objects';
import { ServicePortsController } from './kit/servicePortsController';

/** How soon a node port that was taken is tried again (cluster time). */
const RETRY_MS = 5000;

export class NodePortController extends ServicePortsController {
  readonly name = 'node-port-controller';
  constructor() {
    super('kube-proxy');
  }

  protected async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const svc: Service | undefined = this.services.get(namespace, name);
    const external = svc?.spec?.type === 'NodePort' || svc?.spec?.type === 'LoadBalancer';
    const wanted = external
      ? tcpPorts(svc.spec?.ports)
          .filter((p) => p.nodePort)
          .map((p) => ({ hostPort: p.nodePort!, servicePort: p.port }))
      : [];
    const failed = await this.listeners.reconcile(namespace, name, wanted);
    if (!svc || !failed.length) return;
    this.events.record(
      svc,
      'Warning',
      'NodePortUnavailable',
      `Node port not served on this machine: ${failed.map((f) => f.message).join('; ')}; ` +
        'it is tried again until the port is free',
    );
    this.queue?.addAfter(key, RETRY_MS, this.ctx.clock);
  }
}
