// Enforces NetworkPolicies inside each pod's own network namespace: the pod's filter table (iptables, run in the
// namespace of the pod's sandbox process through nsenter) admits only what its policies allow. Filtering in the
// pod needs no bridge netfilter on the host and leaves nothing on the host: the rules go with the pod's namespace.
// A whole table is written at once (iptables-restore), so a pod never runs with half its rules. Traffic between the
// pod and this machine (the bridge gateway) always passes, as Kubernetes specifies for the node: the kubelet's
// probes, and the cluster's proxies (cluster IPs, NodePorts, LoadBalancers, Ingress), which relay connections from
// this machine. Connections to cluster IPs (the relayed range) pass the client pod's own filter and the cluster-IP
// proxy applies the policies instead, once it has chosen the endpoint (allows): the client's egress and the
// endpoint's ingress rules, as Kubernetes applies them after translating the cluster IP. Connections relayed from
// outside the cluster (NodePorts, LoadBalancers, Ingress) count as the node's.
import { execFile } from 'child_process';
import { admits, type AddressBlock, type Allow, type PodRules, type PortRange } from '../../kube/networkPolicyRules';
import { whyNoNetworkControl } from './netAdmin';

/** The PID of a process in the pod's network namespace (its sandbox's), undefined when the pod has none running. */
export type NetnsPid = (podUid: string) => Promise<number | undefined>;

/**
 * The firewall of this cluster's pods; or why there can be none. hostAddress is the address the pods reach this
 * machine at (undefined, with hostWhy, when they cannot).
 */
export async function openPodFirewall(
  hostAddress: string | undefined,
  hostWhy: string | undefined,
  netnsPid: NetnsPid | undefined,
  relayed: string,
): Promise<{ firewall?: PodFirewall; why?: string }> {
  const why = await whyNoNetworkControl(hostAddress, hostWhy);
  if (why !== undefined || !hostAddress) return { why };
  if (!netnsPid) return { why: "the runtime cannot tell the pods' network namespaces" };
  for (const command of ['nsenter', 'iptables-restore']) {
    if (!(await runs(command, ['--version']))) return { why: `the ${command} command is missing` };
  }
  return { firewall: new PodFirewall(hostAddress, relayed, netnsPid) };
}

/** The table of one pod's network namespace: what it should hold, what it holds, the write under way. */
interface PodTable {
  ip: string;
  rules: PodRules;
  /** the rules (as JSON) the table should hold, and holds */
  wanted: string;
  holds: string;
  /** the last write asked for: a pod's table is written once at a time, in the order asked */
  writing: Promise<boolean>;
}

/** what the table of a new network namespace holds: nothing, every packet passes */
const EMPTY = JSON.stringify({});

export class PodFirewall {
  constructor(
    /** this machine's address on the pods' network */
    readonly node: string,
    /** the cluster IPs' range, whose connections the cluster-IP proxy checks */
    readonly relayed: string,
    private readonly netnsPid: NetnsPid,
  ) {}

  /** pod UID → its table */
  private readonly tables = new Map<string, PodTable>();
  /** pod IP → the rules of that pod, as last asked for */
  private readonly rulesByIP = new Map<string, PodRules>();

  /**
   * Whether the client's egress and the server's ingress rules allow a connection to server's port; the node (the
   * cluster DNS behind kube-dns's cluster IP) is always allowed, as the pods' own filters allow it.
   */
  allows(clientIP: string, serverIP: string, protocol: string, port: number): boolean {
    if (serverIP === this.node) return true;
    return (
      admits(this.rulesByIP.get(clientIP)?.egress, serverIP, protocol, port) &&
      admits(this.rulesByIP.get(serverIP)?.ingress, clientIP, protocol, port)
    );
  }

  /**
   * The pod's sandbox is new (its network namespace holds no rules): resolves once the writes asked for its old one
   * are done, so none lands after the new sandbox's first.
   */
  async newSandbox(podUid: string): Promise<void> {
    const t = this.tables.get(podUid);
    if (!t) return;
    await t.writing.catch(() => undefined);
    t.holds = EMPTY;
  }

  /** Sets the rules the pod's table should hold (the last set win), which allows() checks at once. */
  want(podUid: string, ip: string, rules: PodRules): void {
    let t = this.tables.get(podUid);
    if (!t) {
      // a pod this firewall never wrote has the table of its new namespace
      t = { ip, rules, wanted: EMPTY, holds: EMPTY, writing: Promise.resolve(true) };
      this.tables.set(podUid, t);
    }
    if (t.ip !== ip) this.rulesByIP.delete(t.ip);
    this.rulesByIP.set(ip, rules);
    Object.assign(t, { ip, rules, wanted: JSON.stringify(rules) });
  }

  /**
   * Brings the pod's table to the rules it should hold (a whole table at once, when it holds other rules): resolves
   * true once it holds them, false when the pod has no sandbox running; rejects naming what failed.
   */
  settle(podUid: string): Promise<boolean> {
    const t = this.tables.get(podUid);
    if (!t) return Promise.resolve(true);
    const write = async () => {
      const wanted = t.wanted;
      if (wanted === t.holds) return true;
      if (!(await this.write(podUid, t.rules))) return false;
      t.holds = wanted;
      return true;
    };
    t.writing = t.writing.then(write, write);
    return t.writing;
  }

  /** Forgets the pods not in uids (gone: their filters went with their network namespaces). */
  retain(uids: ReadonlySet<string>): void {
    for (const [uid, t] of this.tables) {
      if (uids.has(uid)) continue;
      this.tables.delete(uid);
      if (this.rulesByIP.get(t.ip) === t.rules) this.rulesByIP.delete(t.ip);
    }
  }

  /** Writes the pod's filter table for rules; rejects naming what failed. Resolves false when the pod has no sandbox. */
  private async write(podUid: string, rules: PodRules): Promise<boolean> {
    const pid = await this.netnsPid(podUid);
    if (!pid) return false;
    await new Promise<void>((resolve, reject) => {
      const child = execFile('nsenter', ['-t', String(pid), '-n', 'iptables-restore'], (e, _out, stderr) =>
        e
          ? reject(new Error(`iptables-restore in the pod's network namespace: ${stderr.trim() || e.message}`))
          : resolve(),
      );
      // a command that exits before reading its input fails through the callback, not as a broken pipe
      child.stdin?.on('error', () => undefined);
      child.stdin?.end(filterTable(rules, this.node, this.relayed));
    });
    return true;
  }
}

/** The iptables-restore input for a pod's whole filter table: a chain per isolated direction ending in a reject. */
export function filterTable(rules: PodRules, node: string, relayed: string): string {
  const lines = ['*filter', ':INPUT ACCEPT [0:0]', ':FORWARD ACCEPT [0:0]', ':OUTPUT ACCEPT [0:0]'];
  const chains: string[] = [];
  const direction = (allows: Allow[] | undefined, hook: string, chain: string, peer: '-s' | '-d', lo: string) => {
    if (!allows) return;
    lines.push(`:${chain} - [0:0]`);
    chains.push(`-A ${hook} -j ${chain}`);
    // replies to allowed connections, the pod's own loopback and the node always pass
    chains.push(`-A ${chain} -m conntrack --ctstate ESTABLISHED,RELATED -j ACCEPT`);
    chains.push(`-A ${chain} ${lo} lo -j ACCEPT`, `-A ${chain} ${peer} ${node}/32 -j ACCEPT`);
    if (peer === '-d') chains.push(`-A ${chain} -d ${relayed} -j ACCEPT`);
    let n = 0;
    for (const allow of allows) {
      for (const block of allow.peers ?? [undefined]) {
        // the pods' network is IPv4 (an IPv4 table): an IPv6 block matches none of its traffic
        if (block && !isIPv4(block.cidr)) continue;
        const target = block?.except.length ? `${chain}-${++n}` : 'ACCEPT';
        if (block?.except.length) {
          lines.push(`:${target} - [0:0]`);
          chains.push(...exceptions(target, block, peer));
        }
        const from = block ? ` ${peer} ${block.cidr}` : '';
        for (const port of allow.ports ?? [undefined]) chains.push(`-A ${chain}${from}${portMatch(port)} -j ${target}`);
      }
    }
    // a refused connection fails at once rather than after the client's timeout
    chains.push(`-A ${chain} -p tcp -j REJECT --reject-with tcp-reset`, `-A ${chain} -j REJECT`);
  };
  direction(rules.ingress, 'INPUT', 'SLIPWAY-INGRESS', '-s', '-i');
  direction(rules.egress, 'OUTPUT', 'SLIPWAY-EGRESS', '-d', '-o');
  return [...lines, ...chains, 'COMMIT', ''].join('\n');
}

/** A chain that accepts block's addresses but its exceptions (the port was matched before the jump). */
function exceptions(chain: string, block: AddressBlock, peer: '-s' | '-d'): string[] {
  return [
    ...block.except.filter(isIPv4).map((cidr) => `-A ${chain} ${peer} ${cidr} -j RETURN`),
    `-A ${chain} -j ACCEPT`,
  ];
}

function isIPv4(cidr: string): boolean {
  return !cidr.includes(':');
}

function portMatch(port: PortRange | undefined): string {
  if (!port) return '';
  const protocol = ` -p ${port.protocol.toLowerCase()}`;
  if (port.port === undefined) return protocol;
  const range = port.endPort && port.endPort > port.port ? `${port.port}:${port.endPort}` : `${port.port}`;
  return `${protocol} --dport ${range}`;
}

function runs(command: string, args: string[]): Promise<boolean> {
  return new Promise((resolve) => execFile(command, args, (e) => resolve(!e)));
}
