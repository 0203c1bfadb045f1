// The scheduler's accounting of each node: allocatable, what the pods on it request, their host ports.
// Fed by the pod and node informers and by the scheduler's own decisions ("assumed" pods, counted from
// the moment a node is chosen until the informer shows the binding), so a decision never rescans pods.
import type { Node as NodeObject } from 'kubernetes-types/core/v1';
import type { Node } from '../controllers/kit/objects';
import { Selector } from '../../kube/labelSelector';
import { Allocatable, Resources, add, emptyResources, nodeAllocatable } from './resources';
import { HostPort, PodInfo } from './podInfo';
import { Taint, effectiveTaints } from './taints';

export class NodeInfo {
  node: NodeObject | undefined;
  allocatable: Allocatable = { ...emptyResources(), pods: 0 };
  taints: Taint[] = [];
  readonly requested: Resources = emptyResources();
  readonly nonZeroRequested: Resources = emptyResources();
  readonly pods = new Map<string, PodInfo>();
  /** "protocol/port" → host IPs in use, with how many pods use each */
  readonly usedPorts = new Map<string, Map<string, number>>();
  /** "key=value" → the pods with that label, so selectors need not look at every pod */
  private readonly byLabel = new Map<string, Set<PodInfo>>();

  constructor(readonly name: string) {}

  get labels(): Record<string, string> {
    return this.node?.metadata?.labels ?? {};
  }

  setNode(node: NodeObject): void {
    this.node = node;
    this.allocatable = nodeAllocatable(node);
    this.taints = effectiveTaints(node);
  }

  addPod(p: PodInfo): void {
    if (this.pods.has(p.uid)) this.removePod(p.uid);
    this.pods.set(p.uid, p);
    add(this.requested, p.requests);
    add(this.nonZeroRequested, p.nonZeroRequests);
    for (const [k, v] of Object.entries(p.labels)) {
      const key = `${k}=${v}`;
      let set = this.byLabel.get(key);
      if (!set) this.byLabel.set(key, (set = new Set()));
      set.add(p);
    }
    for (const hp of p.hostPorts) {
      const k = `${hp.protocol}/${hp.port}`;
      let ips = this.usedPorts.get(k);
      if (!ips) this.usedPorts.set(k, (ips = new Map()));
      ips.set(hp.ip, (ips.get(hp.ip) ?? 0) + 1);
    }
  }

  removePod(uid: string): void {
    const p = this.pods.get(uid);
    if (!p) return;
    this.pods.delete(uid);
    add(this.requested, p.requests, -1);
    add(this.nonZeroRequested, p.nonZeroRequests, -1);
    for (const [k, v] of Object.entries(p.labels)) {
      const key = `${k}=${v}`;
      const set = this.byLabel.get(key);
      set?.delete(p);
      if (set?.size === 0) this.byLabel.delete(key);
    }
    for (const hp of p.hostPorts) {
      const k = `${hp.protocol}/${hp.port}`;
      const ips = this.usedPorts.get(k);
      if (!ips) continue;
      const n = (ips.get(hp.ip) ?? 0) - 1;
      if (n > 0) ips.set(hp.ip, n);
      else ips.delete(hp.ip);
      if (ips.size === 0) this.usedPorts.delete(k);
    }
  }

  /** A superset of the pods the selector matches (the callers still match each one). */
  podsMatching(sel: Selector): Iterable<PodInfo> {
    if (sel.nothing) return [];
    let best: Set<PodInfo> | undefined;
    for (const r of sel.requirements) {
      if (r.values.length !== 1 || !(r.operator === 'In' || r.operator === 'Equals' || r.operator === 'DoubleEquals'))
        continue;
      const set = this.byLabel.get(`${r.key}=${r.values[0]}`);
      if (!set) return [];
      if (!best || set.size < best.size) best = set;
    }
    return best ?? this.pods.values();
  }

  /** HostPortInfo.CheckConflict: same protocol and port, and the same IP or either side 0.0.0.0. */
  portConflicts(hp: HostPort): boolean {
    const ips = this.usedPorts.get(`${hp.protocol}/${hp.port}`);
    if (!ips) return false;
    if (hp.ip === '0.0.0.0') return ips.size > 0;
    return ips.has(hp.ip) || ips.has('0.0.0.0');
  }
}

interface PodState {
  info: PodInfo;
  node: string;
  assumed: boolean;
}

export class SchedulerCache {
  private readonly nodeInfos = new Map<string, NodeInfo>();
  private readonly podStates = new Map<string, PodState>();
  /** pods whose required anti-affinity every decision has to respect */
  readonly withRequiredAntiAffinity = new Set<string>();
  /** pods with any affinity terms, for preferred (anti-)affinity scoring */
  readonly withAffinity = new Set<string>();
  private sortedNodes?: NodeInfo[];

  private nodeInfo(name: string): NodeInfo {
    let n = this.nodeInfos.get(name);
    if (!n) {
      n = new NodeInfo(name);
      this.nodeInfos.set(name, n);
    }
    return n;
  }

  setNode(node: Node): void {
    const name = node.metadata.name;
    const had = this.nodeInfos.get(name)?.node;
    this.nodeInfo(name).setNode(node);
    if (!had) this.sortedNodes = undefined;
  }

  removeNode(name: string): void {
    const n = this.nodeInfos.get(name);
    if (!n) return;
    // pods still bound to a deleted node keep their place until they go, as Kubernetes' cache does
    n.node = undefined;
    if (n.pods.size === 0) this.nodeInfos.delete(name);
    this.sortedNodes = undefined;
  }

  /** Nodes that exist, by name. */
  nodes(): NodeInfo[] {
    if (!this.sortedNodes) {
      this.sortedNodes = [...this.nodeInfos.values()]
        .filter((n) => n.node)
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    return this.sortedNodes;
  }

  getNode(name: string): NodeInfo | undefined {
    const n = this.nodeInfos.get(name);
    return n?.node ? n : undefined;
  }

  /** A bound pod seen by the informer (new, updated, or the confirmation of an assumed one). */
  addOrUpdatePod(info: PodInfo, node: string): void {
    const prev = this.podStates.get(info.uid);
    if (prev) this.detach(prev);
    this.attach({ info, node, assumed: false });
  }

  removePod(uid: string): void {
    const prev = this.podStates.get(uid);
    if (prev) this.detach(prev);
  }

  /** Counts a pod on the node the scheduler chose, before the binding is written. */
  assume(info: PodInfo, node: string): void {
    const prev = this.podStates.get(info.uid);
    if (prev) this.detach(prev);
    this.attach({ info, node, assumed: true });
  }

  /** Undoes assume() after a failed binding. */
  forget(uid: string): void {
    const prev = this.podStates.get(uid);
    if (prev?.assumed) this.detach(prev);
  }

  isAssumed(uid: string): boolean {
    return this.podStates.get(uid)?.assumed ?? false;
  }

  has(uid: string): boolean {
    return this.podStates.has(uid);
  }

  nodeOf(uid: string): string | undefined {
    return this.podStates.get(uid)?.node;
  }

  podInfo(uid: string): PodInfo | undefined {
    return this.podStates.get(uid)?.info;
  }

  private attach(s: PodState): void {
    this.podStates.set(s.info.uid, s);
    this.nodeInfo(s.node).addPod(s.info);
    if (s.info.requiredAntiAffinity.length) this.withRequiredAntiAffinity.add(s.info.uid);
    if (
      s.info.requiredAntiAffinity.length ||
      s.info.requiredAffinity.length ||
      s.info.preferredAffinity.length ||
      s.info.preferredAntiAffinity.length
    ) {
      this.withAffinity.add(s.info.uid);
    }
  }

  private detach(s: PodState): void {
    this.podStates.delete(s.info.uid);
    this.withRequiredAntiAffinity.delete(s.info.uid);
    this.withAffinity.delete(s.info.uid);
    const n = this.nodeInfos.get(s.node);
    if (!n) return;
    n.removePod(s.info.uid);
    if (!n.node && n.pods.size === 0) this.nodeInfos.delete(s.node);
  }

  /** All pods counted on existing nodes (for affinity, which looks across topology domains). */
  *allPods(): Iterable<[PodInfo, NodeInfo]> {
    for (const n of this.nodes()) for (const p of n.pods.values()) yield [p, n];
  }
}
