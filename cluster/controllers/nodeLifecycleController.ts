// The node lifecycle controller: a node whose kubelet stops renewing its Lease in kube-node-lease (and posting
// status) for the grace period gets Ready=Unknown ("Kubelet stopped posting node status."), and every node gets
// the NoExecute taint of its Ready condition: `node.kubernetes.io/unreachable` while Unknown,
// `node.kubernetes.io/not-ready` while False, neither once Ready again. Pods leave a tainted node after their
// tolerations' tolerationSeconds (300 s by default: admission/defaultTolerationSeconds.ts).
import type { Lease } from 'kubernetes-types/coordination/v1';
import type { NodeCondition, Taint } from 'kubernetes-types/core/v1';
import { deepEqual, type KubeObject } from '../../kube/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import type { Informer } from '../../kubeclient/informer';
import { timestamp } from '../clock';
import { NOT_READY_TAINT, UNREACHABLE_TAINT } from '../apiserver/admission/defaultTolerationSeconds';
import { Controller, ControllerContext } from './controllerContext';
import type { Node } from './kit/objects';
import { WorkQueue } from './workQueue';

// kube-controller-manager's --node-monitor-grace-period and --node-monitor-period
const GRACE_MS = 40_000;
const MONITOR_MS = 5_000;
const LEASE_NAMESPACE = 'kube-node-lease';

// an absent or unreadable time is no sign of life
const millis = (t: string | undefined) => (t ? Date.parse(t) || 0 : 0);

export class NodeLifecycleController implements Controller {
  readonly name = 'node-lifecycle-controller';
  private ctx!: ControllerContext;
  private nodes!: Informer;
  private leases!: Informer;
  private queue?: WorkQueue;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.nodes = ctx.informers.get('', 'nodes');
    this.leases = ctx.informers.get('coordination.k8s.io', 'leases');
    const queue = (this.queue = new WorkQueue((name) => this.sync(name), 2));
    const node = (n: KubeObject) => queue.add(n.metadata.name ?? '');
    this.nodes.on({ add: node, update: node });
    const lease = (l: KubeObject) => l.metadata.namespace === LEASE_NAMESPACE && node(l);
    this.leases.on({ add: lease, update: lease });
    await Promise.all([this.nodes.waitForSync(), this.leases.waitForSync()]);
    for (const n of this.nodes.list()) node(n);
  }

  stop(): void {
    this.queue?.stop();
  }

  private async sync(name: string): Promise<void> {
    const node: Node | undefined = this.nodes.get(undefined, name);
    if (!node) return;
    this.queue?.addAfter(name, MONITOR_MS, this.ctx.clock);
    const now = this.ctx.clock.now();
    const lease: Lease | undefined = this.leases.get(LEASE_NAMESPACE, name);
    const conditions = node.status?.conditions ?? [];
    const ready = conditions.find((c) => c.type === 'Ready');
    // the last sign of life: a renewed Lease or a posted status; a node that never posted one counts from its creation
    const heard = Math.max(
      millis(lease?.spec?.renewTime),
      millis(ready?.lastHeartbeatTime),
      millis(node.metadata.creationTimestamp),
    );
    if (now - heard > GRACE_MS && ready?.status !== 'Unknown') {
      await this.markUnknown(node, conditions, now);
      return; // the status write brings the node back here for its taints
    }
    if (!ready) return; // a new node not yet reporting
    await this.setTaints(node, ready.status, now);
  }

  private async markUnknown(node: Node, conditions: NodeCondition[], now: number): Promise<void> {
    const types = ['Ready', 'MemoryPressure', 'DiskPressure', 'PIDPressure'];
    const unknown = (type: string, old?: NodeCondition): NodeCondition => ({
      type,
      status: 'Unknown',
      reason: old ? 'NodeStatusUnknown' : 'NodeStatusNeverUpdated',
      message: old ? 'Kubelet stopped posting node status.' : 'Kubelet never posted node status.',
      ...(old?.lastHeartbeatTime ? { lastHeartbeatTime: old.lastHeartbeatTime } : {}),
      lastTransitionTime: timestamp(now),
    });
    const next = [
      ...conditions.map((c) => (types.includes(c.type) ? unknown(c.type, c) : c)),
      ...types.filter((t) => !conditions.some((c) => c.type === t)).map((t) => unknown(t)),
    ];
    await this.write(resourcePath(this.nodes.info, undefined, node.metadata.name, 'status'), {
      ...node,
      status: { ...node.status, conditions: next },
    });
  }

  private async setTaints(node: Node, ready: string, now: number): Promise<void> {
    const taints = node.spec?.taints ?? [];
    const want = ready === 'Unknown' ? UNREACHABLE_TAINT : ready === 'False' ? NOT_READY_TAINT : undefined;
    const others = taints.filter(
      (t) =>
        !(t.effect === 'NoExecute' && (t.key === UNREACHABLE_TAINT || t.key === NOT_READY_TAINT) && t.key !== want),
    );
    const next: Taint[] =
      want && !others.some((t) => t.key === want && t.effect === 'NoExecute')
        ? [...others, { key: want, effect: 'NoExecute', timeAdded: timestamp(now) }]
        : others;
    if (deepEqual(next, taints)) return;
    await this.write(resourcePath(this.nodes.info, undefined, node.metadata.name), {
      ...node,
      spec: { ...node.spec, taints: next.length ? next : undefined },
    });
  }

  private async write(path: string, node: Node): Promise<void> {
    try {
      await this.ctx.client.update(path, { apiVersion: 'v1', kind: 'Node', ...node });
    } catch (e) {
      // changed or gone since: the informer brings the newer node back here
      if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) throw e;
    }
  }
}
