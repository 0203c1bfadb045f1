// The Node object a kubelet registers: kind-like names and addresses, the standard labels, capacity and
// allocatable, node info, and the four conditions the kubelet reports.
import type { NodeStatus } from 'kubernetes-types/core/v1';
import type { Node } from '../controllers/kit/objects';
import { createHash, randomUUID } from 'crypto';
import * as os from 'os';
import { timestamp } from '../clock';
import type { HostResources } from '../runtime/types';

export const KUBELET_VERSION = 'v1.34.0';
export const KUBELET_PORT = 10250;

/** What every simulated node offers. Fixed rather than read from the host, so that scheduling is the
 * same on every machine; sized like a typical development node. */
export const NODE_CAPACITY = {
  cpu: '4',
  memory: '16Gi',
  'ephemeral-storage': '100Gi',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
  pods: '110',
};

const ZONES = ['slipway-a', 'slipway-b', 'slipway-c'];

export interface NodeIdentity {
  name: string;
  index: number;
  internalIP: string;
  podCIDR: string;
  zone: string;
  maxPods: number;
  /** the machine the runtime runs pods on, when it says: its CPUs and memory are the node's capacity */
  host?: HostResources;
}

/** slipway-worker, slipway-worker2, ... as kind names its workers */
export function nodeName(index: number): string {
  return index === 0 ? 'slipway-worker' : `slipway-worker${index + 1}`;
}

/** the index of one of our node names, or undefined */
export function nodeIndex(name: string): number | undefined {
  const m = /^slipway-worker(\d*)$/.exec(name);
  if (!m) return undefined;
  if (m[1] === '') return 0;
  const n = Number(m[1]);
  return n >= 2 ? n - 1 : undefined;
}

/**
 * Node i gets 172.18.0.(i+2) (kind's docker network; .1 is the gateway) and the (i+1)-th block after
 * 10.244.0.0 for its pods: a /24 (10.244.(i+1).0/24) while maxPods fits, larger blocks when it asks for more.
 */
export function nodeIdentity(index: number, maxPods = 110): NodeIdentity {
  let prefix = 24;
  while (prefix > 12 && 2 ** (32 - prefix) - 3 < maxPods) prefix--;
  const size = 2 ** (32 - prefix);
  const start = 10 * 2 ** 24 + 244 * 2 ** 16 + (index + 1) * size;
  if (index + 2 > 254 || start + size > 11 * 2 ** 24)
    throw new Error(`no room for node ${index + 1}: at most 253 nodes, and their pod ranges must fit in 10.0.0.0/8`);
  const ip = [start >>> 24, (start >>> 16) & 255, (start >>> 8) & 255, 0].join('.');
  return {
    name: nodeName(index),
    index,
    internalIP: `172.18.0.${index + 2}`,
    podCIDR: `${ip}/${prefix}`,
    zone: ZONES[index % ZONES.length],
    maxPods,
  };
}

function goArch(): string {
  return (
    (
      { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' } as Record<
        string,
        string
      >
    )[process.arch] ?? process.arch
  );
}

export function nodeLabels(id: NodeIdentity): Record<string, string> {
  const arch = goArch();
  return {
    'beta.kubernetes.io/arch': arch,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': arch,
    'kubernetes.io/hostname': id.name,
    'kubernetes.io/os': 'linux',
    'topology.kubernetes.io/region': 'slipway',
    'topology.kubernetes.io/zone': id.zone,
  };
}

export function nodeCapacity(id: NodeIdentity): Record<string, string> {
  const host = id.host && { cpu: String(id.host.cpus), memory: `${Math.floor(id.host.memoryBytes / 1024)}Ki` };
  return { ...NODE_CAPACITY, ...host, pods: String(id.maxPods) };
}

type Condition = { type: string; status: string; reason: string; message: string };

export function nodeConditions(): Condition[] {
  return [
    {
      type: 'MemoryPressure',
      status: 'False',
      reason: 'KubeletHasSufficientMemory',
      message: 'kubelet has sufficient memory available',
    },
    {
      type: 'DiskPressure',
      status: 'False',
      reason: 'KubeletHasNoDiskPressure',
      message: 'kubelet has no disk pressure',
    },
    {
      type: 'PIDPressure',
      status: 'False',
      reason: 'KubeletHasSufficientPID',
      message: 'kubelet has sufficient PID available',
    },
    { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
  ];
}

/** The node's status now; a condition keeps its lastTransitionTime while its status stays. */
export function nodeStatus(id: NodeIdentity, runtime: string, previous?: NodeStatus): NodeStatus {
  const now = timestamp();
  const capacity = nodeCapacity(id);
  const prev = new Map((previous?.conditions ?? []).map((c) => [c.type, c]));
  return {
    capacity,
    allocatable: { ...capacity },
    conditions: nodeConditions().map((c) => {
      const p = prev.get(c.type);
      return {
        ...c,
        lastHeartbeatTime: now,
        lastTransitionTime: p && p.status === c.status ? p.lastTransitionTime : now,
      };
    }),
    addresses: [
      { type: 'InternalIP', address: id.internalIP },
      { type: 'Hostname', address: id.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: KUBELET_PORT } },
    nodeInfo: {
      machineID: machineId(id.name),
      systemUUID: machineId(`${id.name}/uuid`).replace(/^(.{8})(.{4})(.{4})(.{4})(.{12})$/, '$1-$2-$3-$4-$5'),
      bootID: BOOT_ID,
      kernelVersion: os.release(),
      osImage: id.host?.os ?? 'Slipway simulated node',
      containerRuntimeVersion: runtime,
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: goArch(),
    },
  };
}

export function nodeObject(id: NodeIdentity, runtime: string): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: id.name,
      labels: nodeLabels(id),
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
      },
    },
    spec: { podCIDR: id.podCIDR, podCIDRs: [id.podCIDR], providerID: `slipway://${id.name}` },
    status: nodeStatus(id, runtime),
  };
}

function machineId(seed: string): string {
  // stable per node name, 32 hex digits like /etc/machine-id
  return createHash('sha256').update(seed).digest('hex').slice(0, 32);
}

/** a new boot id each time the process starts, as a rebooted machine gets */
const BOOT_ID = randomUUID();
