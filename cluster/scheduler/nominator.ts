// The pods preemption nominated to a node (status.nominatedNodeName), as kube-scheduler's nominator keeps them:
// while their victims terminate, the filters count them on that node for pods of lower or equal priority.
// The scheduler's own nomination counts from the moment it is made, before the informer shows it.
import { PodInfo } from './podInfo';

const NONE: readonly PodInfo[] = [];

export class Nominator {
  private readonly nodeByPod = new Map<string, string>();
  private readonly byNode = new Map<string, Map<string, PodInfo>>();

  /** The pods nominated to the node. */
  nominatedOn(node: string): readonly PodInfo[] {
    const pods = this.byNode.get(node);
    return pods ? [...pods.values()] : NONE;
  }

  nodeOf(uid: string): string | undefined {
    return this.nodeByPod.get(uid);
  }

  set(pod: PodInfo, node: string): void {
    this.delete(pod.uid);
    this.nodeByPod.set(pod.uid, node);
    let pods = this.byNode.get(node);
    if (!pods) this.byNode.set(node, (pods = new Map()));
    pods.set(pod.uid, pod);
  }

  delete(uid: string): void {
    const node = this.nodeByPod.get(uid);
    if (node === undefined) return;
    this.nodeByPod.delete(uid);
    const pods = this.byNode.get(node);
    pods?.delete(uid);
    if (pods?.size === 0) this.byNode.delete(node);
  }
}
