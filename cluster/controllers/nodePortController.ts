// Node ports on the developer's machine, kube-proxy's part for a NodePort (or LoadBalancer) Service: each TCP port's
// nodePort answers on 127.0.0.1:<nodePort>, forwarding to the Service's ready endpoints. A node port another
// program holds is reported by a NodePortUnavailable event on the Service and tried again every few seconds; the
// Service itself is unchanged (its nodePort is the API server's allocation, whatever the host has).
import type { Informer } from '../../kubeclient/informer';
import type { KubeObject } from '../../kube/objects';
import { ServicePortListeners, tcpPorts } from '../network/servicePortListeners';
import { Controller, ControllerContext } from './controllerContext';
import type { EventRecorder } from './events';
import type { Service } from './kit/objects';
import { WorkQueue } from './workQueue';

/** How soon a node port that was taken is tried again (cluster time). */
const RETRY_MS = 5000;

export class NodePortController implements Controller {
  readonly name = 'node-port-controller';
  private ctx!: ControllerContext;
  private queue?: WorkQueue;
  private services!: Informer;
  private listeners!: ServicePortListeners;
  private events!: EventRecorder;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.services = ctx.informers.get('', 'services');
    this.listeners = new ServicePortListeners(ctx.network);
    this.events = ctx.recorder('kube-proxy');
    const queue = (this.queue = new WorkQueue((key) => this.sync(key), 2));
    const enqueue = (o: KubeObject) => queue.add(`${o.metadata.namespace}/${o.metadata.name}`);
    this.services.on({ add: enqueue, update: enqueue, delete: enqueue });
    await this.services.waitForSync();
    for (const svc of this.services.list()) enqueue(svc);
  }

  stop(): void {
    this.queue?.stop();
    void this.listeners?.closeAll();
  }

  private async sync(key: string): Promise<void> {
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
