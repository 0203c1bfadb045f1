// The node.kubernetes.io/unschedulable:NoSchedule taint follows spec.unschedulable (`kubectl cordon` and
// `uncordon`), as Kubernetes' node lifecycle controller keeps it (doNoScheduleTaintingPass), so clients that read
// taints see a cordoned node as the scheduler does.
import type { Node as NodeObject, Taint } from 'kubernetes-types/core/v1';
import { KubeApiError } from '../../kubeclient/apiError';
import type { Informer } from '../../kubeclient/informer';
import { TAINT_UNSCHEDULABLE } from '../scheduler/taints';
import type { Controller, ControllerContext } from './controllerContext';
import type { Stored } from './kit/objects';
import { WorkQueue } from './workQueue';

type Node = Stored<NodeObject>;

const isUnschedulableTaint = (t: Taint) => t.key === TAINT_UNSCHEDULABLE && t.effect === 'NoSchedule';

/** The node's taints with the unschedulable taint present exactly when the node is cordoned; undefined if so. */
export function taintsFor(node: NodeObject, now: Date): Taint[] | undefined {
  const taints = node.spec?.taints ?? [];
  const has = taints.some(isUnschedulableTaint);
  const want = node.spec?.unschedulable === true;
  if (has === want) return undefined;
  return want
    ? [
        ...taints,
        { key: TAINT_UNSCHEDULABLE, effect: 'NoSchedule', timeAdded: now.toISOString().replace(/\.\d+Z$/, 'Z') },
      ]
    : taints.filter((t) => !isUnschedulableTaint(t));
}

export class NodeUnschedulableTaintController implements Controller {
  readonly name = 'node-lifecycle-controller';
  private queue?: WorkQueue;
  private ctx!: ControllerContext;
  private nodes!: Informer;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.nodes = ctx.informers.nodes();
    const queue = (this.queue = new WorkQueue((name) => this.sync(name), 1));
    const changed = (n: Node) => taintsFor(n, new Date(0)) && queue.add(n.metadata.name);
    this.nodes.on({ add: changed, update: changed });
    await this.nodes.waitForSync();
    for (const n of this.nodes.list()) changed(n);
  }

  stop(): void {
    this.queue?.stop();
  }

  private async sync(name: string): Promise<void> {
    const node = this.nodes.get(undefined, name) as Node | undefined;
    const taints = node && taintsFor(node, new Date(this.ctx.clock.now()));
    if (!node || !taints) return;
    try {
      // the resourceVersion makes a concurrent change (an uncordon right after a cordon) a conflict, retried
      await this.ctx.client.patch(
        `/api/v1/nodes/${name}`,
        { metadata: { resourceVersion: node.metadata.resourceVersion }, spec: { taints } },
        'merge',
      );
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return;
      throw e;
    }
  }
}
