// NoExecute taints evict the pods on the node that do not tolerate them, as Kubernetes' taint-eviction-controller:
// at once without a matching toleration, otherwise after the shortest tolerationSeconds of the tolerations
// that match (counted from the taint's timeAdded); tolerations without tolerationSeconds keep the pod for good.
import type { Node as NodeObject, Pod as PodObject, Taint, Toleration } from 'kubernetes-types/core/v1';
import { KubeApiError } from '../../kubeclient/apiError';
import type { Informer } from '../../kubeclient/informer';
import type { EventRecorder } from './events';
import { toleratesTaint } from '../scheduler/taints';
import type { Controller, ControllerContext } from './controllerContext';
import type { Stored } from './kit/objects';
import { WorkQueue } from './workQueue';

type Pod = Stored<PodObject>;
type Node = Stored<NodeObject>;

/** When the pod must go, in ms since the epoch (-Infinity: now); undefined while it tolerates every taint. */
export function evictionTime(pod: PodObject, taints: readonly Taint[], now: number): number | undefined {
  let due: number | undefined;
  for (const taint of taints) {
    if (taint.effect !== 'NoExecute') continue;
    const matching = (pod.spec?.tolerations ?? []).filter((t: Toleration) => toleratesTaint(t, taint));
    if (matching.length === 0) return -Infinity;
    const bounded = matching.filter((t) => t.tolerationSeconds !== undefined);
    // any toleration without a bound keeps the pod for this taint
    if (bounded.length < matching.length) continue;
    const seconds = Math.max(0, Math.min(...bounded.map((t) => t.tolerationSeconds!)));
    const added = taint.timeAdded ? Date.parse(taint.timeAdded) : now;
    const at = (Number.isNaN(added) ? now : added) + seconds * 1000;
    due = due === undefined ? at : Math.min(due, at);
  }
  return due;
}

export class TaintEvictionController implements Controller {
  readonly name = 'taint-eviction-controller';
  private queue?: WorkQueue;
  private ctx!: ControllerContext;
  private pods!: Informer;
  private nodes!: Informer;
  private recorder!: EventRecorder;
  /** when a NoExecute taint without timeAdded was first seen, per node and taint */
  private readonly firstSeen = new Map<string, number>();

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.pods = ctx.informers.pods();
    this.nodes = ctx.informers.nodes();
    this.recorder = ctx.recorder(this.name);
    const queue = (this.queue = new WorkQueue((key) => this.sync(key), 2));
    const pod = (p: Pod) => p.spec?.nodeName && queue.add(`${p.metadata.namespace}/${p.metadata.name}`);
    const node = (n: Node) => {
      if (!(n.spec?.taints ?? []).some((t) => t.effect === 'NoExecute')) return;
      for (const p of this.pods.list() as Pod[]) if (p.spec?.nodeName === n.metadata.name) pod(p);
    };
    this.pods.on({ add: pod, update: pod });
    this.nodes.on({ add: node, update: node });
    await Promise.all([this.pods.waitForSync(), this.nodes.waitForSync()]);
    for (const n of this.nodes.list()) node(n);
  }

  stop(): void {
    this.queue?.stop();
  }

  private taintsOf(node: Node): Taint[] {
    const now = this.ctx.clock.now();
    return (node.spec?.taints ?? []).map((t) => {
      if (t.effect !== 'NoExecute' || t.timeAdded) return t;
      const key = `${node.metadata.name}/${t.key}=${t.value ?? ''}`;
      if (!this.firstSeen.has(key)) this.firstSeen.set(key, now);
      return { ...t, timeAdded: new Date(this.firstSeen.get(key)!).toISOString() };
    });
  }

  private async sync(key: string): Promise<void> {
    const [namespace, name] = key.split('/');
    const pod = this.pods.get(namespace, name) as Pod | undefined;
    if (!pod?.spec?.nodeName || pod.metadata.deletionTimestamp) return;
    if (pod.status?.phase === 'Succeeded' || pod.status?.phase === 'Failed') return;
    const node = this.nodes.get(undefined, pod.spec.nodeName) as Node | undefined;
    if (!node) return;
    const now = this.ctx.clock.now();
    const due = evictionTime(pod, this.taintsOf(node), now);
    if (due === undefined) return;
    if (due > now) return this.queue?.addAfter(key, due - now, this.ctx.clock);
    this.recorder.record(pod, 'Normal', 'TaintManagerEviction', `Marking for deletion Pod ${key}`);
    try {
      await this.ctx.client.delete(`/api/v1/namespaces/${namespace}/pods/${name}`, {
        preconditions: { uid: pod.metadata.uid },
      });
    } catch (e) {
      if (e instanceof KubeApiError && (e.status === 404 || e.status === 409)) return;
      throw e;
    }
  }
}
