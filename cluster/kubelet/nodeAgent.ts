// A node's presence in the cluster: registers the Node (or takes over the one registered before),
// renews its Lease in kube-node-lease every 10 s (the heartbeat the node lifecycle reads), and reports
// the node's status with fresh heartbeat times every minute.
import type { Node, NodeCondition } from 'kubernetes-types/core/v1';
import { ApiClient } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { Clock, microTimestamp, Timer } from '../clock';
import { NodeEvents } from './eventLimiter';
import { NodeIdentity, nodeLabels, nodeObject, nodeStatus } from './nodeObject';

export const LEASE_DURATION_SECONDS = 40;
const LEASE_RENEW_MS = 10_000;
const STATUS_REPORT_MS = 60_000;

const nodePath = (name: string, sub?: string) => `/api/v1/nodes/${encodeURIComponent(name)}${sub ? `/${sub}` : ''}`;
const leasePath = (name?: string) =>
  `/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases${name ? `/${encodeURIComponent(name)}` : ''}`;

export class NodeAgent {
  private node?: Node;
  private timers: Timer[] = [];
  private stopped = false;

  constructor(
    private readonly client: ApiClient,
    private readonly clock: Clock,
    private readonly id: NodeIdentity,
    private readonly runtimeVersion: string,
    private readonly events: NodeEvents,
  ) {}

  /** registers the node and its lease; resolves once the node reports Ready */
  async start(): Promise<void> {
    const ref = { apiVersion: 'v1', kind: 'Node', metadata: { name: this.id.name, uid: this.id.name } };
    this.events.record(ref, 'Normal', 'Starting', 'Starting kubelet.');
    const wasReady = await this.register();
    for (const r of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) {
      this.events.record(ref, 'Normal', r, `Node ${this.id.name} status is now: ${r}`);
    }
    this.events.record(ref, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods');
    if (!wasReady) this.events.record(ref, 'Normal', 'NodeReady', `Node ${this.id.name} status is now: NodeReady`);
    await this.renewLease();
    this.timers.push(this.clock.every(LEASE_RENEW_MS, () => void this.renewLease().catch(() => undefined)));
    this.timers.push(this.clock.every(STATUS_REPORT_MS, () => void this.reportStatus().catch(() => undefined)));
  }

  stop(): void {
    this.stopped = true;
    for (const t of this.timers) t.cancel();
    this.timers = [];
  }

  /** returns whether the node was Ready before (a restart of the kubelet) */
  private async register(): Promise<boolean> {
    const desired = nodeObject(this.id, this.runtimeVersion);
    try {
      this.node = await this.client.create(nodePath(''), desired).catch(async (e) => {
        if (!(e instanceof KubeApiError && e.status === 409)) throw e;
        return undefined;
      });
    } catch (e) {
      throw new Error(`registering node ${this.id.name}: ${(e as Error).message}`);
    }
    if (this.node) {
      // the API server keeps status out of creates; the kubelet reports it right after registering
      this.node = await this.client.patch(
        nodePath(this.id.name, 'status'),
        { status: nodeStatus(this.id, this.runtimeVersion) },
        'merge',
      );
      return false;
    }
    // registered before: keep its uid and history, bring labels and status up to date
    const existing = await this.client.get(nodePath(this.id.name));
    const wasReady = (existing.status?.conditions ?? []).some(
      (c: NodeCondition) => c.type === 'Ready' && c.status === 'True',
    );
    await this.client.patch(
      nodePath(this.id.name),
      {
        metadata: { labels: nodeLabels(this.id), annotations: desired.metadata.annotations },
        spec: existing.spec?.podCIDR ? {} : desired.spec,
      },
      'merge',
    );
    this.node = await this.client.patch(
      nodePath(this.id.name, 'status'),
      { status: nodeStatus(this.id, this.runtimeVersion, existing.status) },
      'merge',
    );
    return wasReady;
  }

  private async reportStatus(): Promise<void> {
    if (this.stopped) return;
    const current = await this.client.get(nodePath(this.id.name));
    const wasReady = (current.status?.conditions ?? []).some(
      (c: NodeCondition) => c.type === 'Ready' && c.status === 'True',
    );
    this.node = await this.client.patch(
      nodePath(this.id.name, 'status'),
      { status: nodeStatus(this.id, this.runtimeVersion, current.status) },
      'merge',
    );
    if (!wasReady) {
      this.events.record(
        { apiVersion: 'v1', kind: 'Node', metadata: { name: this.id.name, uid: this.id.name } },
        'Normal',
        'NodeReady',
        `Node ${this.id.name} status is now: NodeReady`,
      );
    }
  }

  private async renewLease(): Promise<void> {
    if (this.stopped) return;
    const renewTime = microTimestamp();
    try {
      await this.client.patch(leasePath(this.id.name), { spec: { holderIdentity: this.id.name, renewTime } }, 'merge');
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e;
      await this.client.create(leasePath(), {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: {
          name: this.id.name,
          namespace: 'kube-node-lease',
          ownerReferences: this.node?.metadata?.uid
            ? [{ apiVersion: 'v1', kind: 'Node', name: this.id.name, uid: this.node.metadata.uid }]
            : undefined,
        },
        spec: { holderIdentity: this.id.name, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime },
      });
    }
  }
}
