// What the NetworkPolicies let into and out of one pod, as Kubernetes defines it: a pod selected by a policy of a
// direction (policyTypes) is isolated in it, and then only what some rule of those policies allows passes. Peers are
// resolved to addresses (the pods a podSelector / namespaceSelector picks, ipBlocks with their exceptions) and named
// ports to numbers (an ingress port by the destination pod's containers, an egress port by each peer pod's), so a
// packet filter can apply the result as it is.
import type { Namespace, Pod } from 'kubernetes-types/core/v1';
import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from 'kubernetes-types/networking/v1';
import { fromLabelSelector, matchesLabels } from './labelSelector';

/** Ports of one protocol: every port when port is undefined, else port..endPort (port alone when no endPort). */
export interface PortRange {
  protocol: string;
  port?: number;
  endPort?: number;
}

/** Addresses: a CIDR (a pod's IP as IP/32) minus the CIDRs in except. */
export interface AddressBlock {
  cidr: string;
  except: string[];
}

/** Traffic one rule allows: from/to peers (undefined: any address) on ports (undefined: every port). */
export interface Allow {
  peers?: AddressBlock[];
  ports?: PortRange[];
}

/** A pod's allowed traffic per direction; a direction is undefined when no policy isolates the pod in it. */
export interface PodRules {
  ingress?: Allow[];
  egress?: Allow[];
}

/** What a policy's selectors are matched against: the pods with an IP and the namespaces' labels. */
export interface PolicyWorld {
  pods: readonly Pod[];
  namespaces: ReadonlyMap<string, Readonly<Record<string, string>> | undefined>;
}

/** The directions a policy isolates its pods in: policyTypes, or by default Ingress, plus Egress if it has rules. */
export function policyDirections(policy: NetworkPolicy): { ingress: boolean; egress: boolean } {
  const types = policy.spec?.policyTypes;
  if (types?.length) return { ingress: types.includes('Ingress'), egress: types.includes('Egress') };
  return { ingress: true, egress: !!policy.spec?.egress };
}

/** Whether policy selects pod (same namespace, podSelector matching its labels). */
export function policySelects(policy: NetworkPolicy, pod: Pod): boolean {
  if (policy.metadata?.namespace !== pod.metadata?.namespace) return false;
  return matchesLabels(fromLabelSelector(policy.spec?.podSelector), pod.metadata?.labels);
}

/** The traffic the policies allow the pod, per direction it is isolated in. */
export function podRules(pod: Pod, policies: readonly NetworkPolicy[], world: PolicyWorld): PodRules {
  const rules: PodRules = {};
  for (const policy of policies) {
    if (!policySelects(policy, pod)) continue;
    const dirs = policyDirections(policy);
    const ns = policy.metadata?.namespace ?? 'default';
    if (dirs.ingress) {
      rules.ingress ??= [];
      for (const rule of policy.spec?.ingress ?? []) {
        const ports = resolvePorts(rule.ports, pod);
        if (ports?.length === 0) continue;
        rules.ingress.push({ peers: rule.from?.length ? peerBlocks(rule.from, ns, world) : undefined, ports });
      }
    }
    if (dirs.egress) {
      rules.egress ??= [];
      for (const rule of policy.spec?.egress ?? []) rules.egress.push(...egressAllows(rule.to, rule.ports, ns, world));
    }
  }
  return rules;
}

/** An egress rule's allows: named ports differ per destination pod, so such a rule gives one allow per pod. */
function egressAllows(
  to: NetworkPolicyPeer[] | undefined,
  ports: NetworkPolicyPort[] | undefined,
  ns: string,
  world: PolicyWorld,
): Allow[] {
  if (!ports?.some((p) => typeof p.port === 'string')) {
    return [{ peers: to?.length ? peerBlocks(to, ns, world) : undefined, ports: resolvePorts(ports, undefined) }];
  }
  // an ipBlock has no pods to name ports: only the numbered ports apply to it
  const numbered = resolvePorts(ports, undefined);
  const blocks = (to ?? [])
    .filter((p) => p.ipBlock)
    .map((p) => ({ cidr: p.ipBlock!.cidr, except: p.ipBlock!.except ?? [] }));
  const allows: Allow[] = blocks.length && numbered?.length ? [{ peers: blocks, ports: numbered }] : [];
  const pods = to?.length ? to.flatMap((peer) => peerPods(peer, ns, world)) : world.pods;
  for (const pod of pods) {
    const resolved = resolvePorts(ports, pod);
    if (resolved?.length && pod.status?.podIP) allows.push({ peers: [hostBlock(pod.status.podIP)], ports: resolved });
  }
  return allows;
}

function peerBlocks(peers: NetworkPolicyPeer[], ns: string, world: PolicyWorld): AddressBlock[] {
  return peers.flatMap((peer) => {
    if (peer.ipBlock) return [{ cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] }];
    return peerPods(peer, ns, world).flatMap((p) => (p.status?.podIP ? [hostBlock(p.status.podIP)] : []));
  });
}

/** The pods a podSelector / namespaceSelector peer picks (a podSelector alone: in the policy's namespace). */
function peerPods(peer: NetworkPolicyPeer, ns: string, world: PolicyWorld): Pod[] {
  if (peer.ipBlock) return [];
  const podSel = fromLabelSelector(peer.podSelector ?? {});
  const nsSel = peer.namespaceSelector ? fromLabelSelector(peer.namespaceSelector) : undefined;
  return world.pods.filter((p) => {
    const podNs = p.metadata?.namespace ?? 'default';
    const inNs = nsSel ? matchesLabels(nsSel, world.namespaces.get(podNs)) : podNs === ns;
    return inNs && matchesLabels(podSel, p.metadata?.labels);
  });
}

function hostBlock(ip: string): AddressBlock {
  return { cidr: `${ip}/32`, except: [] };
}

/**
 * A rule's ports with names resolved by pod's container ports (undefined pod: names resolve to nothing); undefined
 * when the rule names no ports (every port), [] when none of its ports exists.
 */
function resolvePorts(ports: NetworkPolicyPort[] | undefined, pod: Pod | undefined): PortRange[] | undefined {
  if (!ports?.length) return undefined;
  return ports.flatMap((p): PortRange[] => {
    const protocol = p.protocol ?? 'TCP';
    if (p.port === undefined) return [{ protocol }];
    if (typeof p.port === 'number') return [{ protocol, port: p.port, endPort: p.endPort }];
    const named = pod?.spec?.containers
      .flatMap((c) => c.ports ?? [])
      .find((c) => c.name === p.port && (c.protocol ?? 'TCP') === protocol);
    return named ? [{ protocol, port: named.containerPort }] : [];
  });
}

/** The namespaces' labels by name, for PolicyWorld. */
export function namespaceLabels(namespaces: readonly Namespace[]): Map<string, Record<string, string> | undefined> {
  return new Map(namespaces.map((n) => [n.metadata?.name ?? '', n.metadata?.labels]));
}

/**
 * Whether a direction's allows admit a connection with the peer ip to port (the destination's port): always when
 * allows is undefined (the pod is not isolated in that direction).
 */
export function admits(allows: Allow[] | undefined, ip: string, protocol: string, port: number): boolean {
  if (!allows) return true;
  return allows.some(
    (a) =>
      (!a.peers || a.peers.some((b) => inCidr(ip, b.cidr) && !b.except.some((x) => inCidr(ip, x)))) &&
      (!a.ports ||
        a.ports.some(
          (p) => p.protocol === protocol && (p.port === undefined || (port >= p.port && port <= (p.endPort ?? p.port))),
        )),
  );
}

/** Whether the IPv4 address ip is in cidr ("a.b.c.d/n"). */
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = Number(bits ?? 32);
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  const a = ipv4(ip);
  const b = ipv4(base);
  return a !== undefined && b !== undefined && (a & mask) >>> 0 === (b & mask) >>> 0;
}

function ipv4(ip: string): number | undefined {
  const parts = ip.split('.').map(Number);
  if (parts.length !== 4 || parts.some((p) => !Number.isInteger(p) || p < 0 || p > 255)) return undefined;
  return (((parts[0] << 24) >>> 0) + (parts[1] << 16) + (parts[2] << 8) + parts[3]) >>> 0;
}
