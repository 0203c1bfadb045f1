// What the controllers that serve Service ports on the developer's machine share (node ports; load balancers):
// a queue over the Services informer and the set of host listeners they keep; each says which ports to serve.
import type { KubeObject } from '../../../kube/objects';
import type { Informer } from '../../../kubeclient/informer';
import { ServicePortListeners } from '../../network/servicePortListeners';
import type { Controller, ControllerContext } from '../controllerContext';
import type { EventRecorder } from '../events';
import { WorkQueue } from '../workQueue';

export abstract class ServicePortsController implements Controller {
  abstract readonly name: string;
  protected ctx!: ControllerContext;
  protected queue?: WorkQueue;
  protected services!: Informer;
  protected listeners!: ServicePortListeners;
  protected events!: EventRecorder;

  /** component: who the events come from ("kube-proxy", "service-controller") */
  constructor(private readonly component: string) {}

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.services = ctx.informers.get('', 'services');
    this.listeners = new ServicePortListeners(ctx.network);
    this.events = ctx.recorder(this.component);
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

  /** Serves (or stops serving) the ports of the Service namespace/name. */
  protected abstract sync(key: string): Promise<void>;
}
