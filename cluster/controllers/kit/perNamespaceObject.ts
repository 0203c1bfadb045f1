// A controller that keeps one object of a given name in every active namespace (the ServiceAccount
// controller's "default", the root CA publisher's kube-root-ca.crt): made when a namespace appears, made again
// when deleted, put back when changed where it matters.
import type { KubeObject } from '../../../kube/objects';
import type { ResourceInfo } from '../../../kube/registry';
import { resourcePath } from '../../../kubeclient/apiClient';
import { KubeApiError } from '../../../kubeclient/apiError';
import type { Informer } from '../../../kubeclient/informer';
import type { Controller, ControllerContext } from '../controllerContext';
import { WorkQueue } from '../workQueue';

export interface PerNamespaceObjectSpec {
  group: string;
  plural: string;
  /** the object's name in every namespace */
  objectName: string;
  /** the object a namespace should have */
  desired(ctx: ControllerContext, namespace: string): KubeObject;
  /** the live object with what desired() sets put back, or undefined when it is right as it is */
  repaired?(ctx: ControllerContext, live: KubeObject): KubeObject | undefined;
}

export class PerNamespaceObject implements Controller {
  private queue?: WorkQueue;
  private ctx!: ControllerContext;
  private namespaces!: Informer;
  private objects!: Informer;

  constructor(
    readonly name: string,
    private readonly spec: PerNamespaceObjectSpec,
  ) {}

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    const { spec } = this;
    const queue = (this.queue = new WorkQueue((ns) => this.sync(ns), 2));
    this.namespaces = ctx.informers.get('', 'namespaces');
    this.objects = ctx.informers.get(spec.group, spec.plural);
    const ns = (o: KubeObject) => queue.add(o.metadata.name!);
    const ours = (o: KubeObject) => o.metadata?.name === spec.objectName && queue.add(o.metadata.namespace!);
    this.namespaces.on({ add: ns, update: ns });
    this.objects.on({ update: ours, delete: ours });
    await Promise.all([this.namespaces.waitForSync(), this.objects.waitForSync()]);
    for (const n of this.namespaces.list()) ns(n);
  }

  stop(): void {
    this.queue?.stop();
  }

  private info(): ResourceInfo {
    return this.ctx.resources().find((r) => r.group === this.spec.group && r.plural === this.spec.plural)!;
  }

  private async sync(namespace: string): Promise<void> {
    const ns = this.namespaces.get(undefined, namespace);
    // a namespace being deleted gets nothing new (the API server would refuse it anyway)
    if (!ns || ns.metadata.deletionTimestamp || ns.status?.phase === 'Terminating') return;
    const { spec, ctx } = this;
    const live = this.objects.get(namespace, spec.objectName);
    try {
      if (!live) {
        await ctx.client.create(resourcePath(this.info(), namespace), spec.desired(ctx, namespace));
        return;
      }
      const repaired = spec.repaired?.(ctx, live);
      if (repaired) await ctx.client.update(resourcePath(this.info(), namespace, spec.objectName), repaired);
    } catch (e) {
      // 409: the cache was behind (an event brings the object here again); 403/404: the namespace is going
      if (e instanceof KubeApiError && [403, 404, 409].includes(e.status)) return;
      throw e;
    }
  }
}
