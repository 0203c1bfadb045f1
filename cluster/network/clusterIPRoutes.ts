// Brings the pods' traffic for cluster IPs to this process, as kube-proxy's userspace mode did: a local route per
// cluster IP (`ip route add local IP/32 dev lo table local`) makes the kernel deliver the packets the pods send to
// it (through their gateway, this machine) to the cluster's proxy listening on that IP's ports
// (controllers/clusterIPProxyController.ts). Possible only where the engine's bridge is on this machine's kernel
// (Docker Engine or rootful Podman on Linux) and the cluster may change routes (CAP_NET_ADMIN); elsewhere there are
// no routes and the cluster DNS answers Services with their ready pods' addresses. The routes this cluster added are
// listed in the state folder, so the next start removes those a killed cluster left. A cluster IP admits only the
// pods and this machine: a neighbour that routes the service range here is refused, as the host's ports are.
import { execFile } from 'child_process';
import * as fs from 'fs';
import { BlockList } from 'net';
import * as os from 'os';
import * as path from 'path';
import { whyNoNetworkControl } from './netAdmin';

/** the file in the state folder listing the routes this cluster added, one address a line */
const RECORD = 'clusterip-routes';

export interface ClusterIPRouting {
  /** undefined when the pods' traffic to cluster IPs cannot be brought here, with why */
  routes?: ClusterIPRoutes;
  why?: string;
}

/**
 * The routes for this cluster, after removing those a killed run of it left; or why there can be none.
 * hostAddress is the address the pods reach this machine at (undefined, with hostWhy, when they cannot).
 */
export async function openClusterIPRoutes(
  stateDir: string,
  hostAddress: string | undefined,
  hostWhy?: string,
): Promise<ClusterIPRouting> {
  const why = await whyNoNetworkControl(hostAddress, hostWhy);
  if (why !== undefined || !hostAddress) return { why };
  const routes = new ClusterIPRoutes(path.join(stateDir, RECORD), clients(hostAddress));
  try {
    await routes.removeLeftovers();
  } catch (e) {
    return { why: `the routes cannot be changed: ${(e as Error).message}` };
  }
  return { routes };
}

/** Who may connect to a cluster IP: the pods (the subnet of the interface at hostAddress) and loopback. */
function clients(hostAddress: string): BlockList {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  const at = Object.values(os.networkInterfaces())
    .flat()
    .find((i) => i?.family === 'IPv4' && i.address === hostAddress);
  const prefix = Number(at?.cidr?.split('/')[1] ?? 32);
  list.addSubnet(hostAddress, prefix, 'ipv4');
  return list;
}

export class ClusterIPRoutes {
  /** the routes this cluster added (a route another cluster on this machine holds is used, never removed) */
  private readonly ours = new Set<string>();
  /** cluster IPs whose ports the proxy listens on: the cluster DNS answers their Services by cluster IP */
  private readonly carried = new Set<string>();

  constructor(
    private readonly recordFile: string,
    private readonly clients: BlockList,
  ) {}

  /** Whether a connection from clientIP may reach a cluster IP: from a pod or from this machine. */
  admits(clientIP: string): boolean {
    if (this.clients.check(clientIP, 'ipv4') || this.ours.has(clientIP)) return true;
    return Object.values(os.networkInterfaces()).some((l) => l?.some((i) => i.address === clientIP));
  }

  /** Routes the pods' traffic for ip here; rejects with the ip command's words when the route cannot be added. */
  async add(ip: string): Promise<void> {
    if (this.ours.has(ip)) return;
    const err = await ipRoute('add', ip);
    if (err && !/File exists/i.test(err)) throw new Error(`ip route add local ${ip}/32: ${err}`);
    if (err) return;
    this.ours.add(ip);
    this.record();
  }

  async remove(ip: string): Promise<void> {
    this.carried.delete(ip);
    if (!this.ours.delete(ip)) return;
    await ipRoute('del', ip);
    this.record();
  }

  /** Marks whether the proxy answers on every port of ip. */
  carry(ip: string, carried: boolean): void {
    if (carried) this.carried.add(ip);
    else this.carried.delete(ip);
  }

  carries(ip: string | undefined): boolean {
    return !!ip && this.carried.has(ip);
  }

  /** Removes every route this cluster added (at stop). */
  async close(): Promise<void> {
    this.carried.clear();
    const all = [...this.ours];
    this.ours.clear();
    await Promise.all(all.map((ip) => ipRoute('del', ip)));
    this.record();
  }

  /** Removes the routes a run of this cluster that did not stop left; rejects when routes cannot be changed. */
  async removeLeftovers(): Promise<void> {
    let left: string[] = [];
    try {
      left = fs.readFileSync(this.recordFile, 'utf8').split('\n').filter(Boolean);
    } catch {
      // no record: nothing was left
    }
    for (const ip of left) {
      const err = await ipRoute('del', ip);
      if (err && !/No such process|not found/i.test(err)) throw new Error(`ip route del local ${ip}/32: ${err}`);
    }
    this.record();
  }

  private record(): void {
    if (this.ours.size) fs.writeFileSync(this.recordFile, [...this.ours].join('\n') + '\n', { mode: 0o600 });
    else fs.rmSync(this.recordFile, { force: true });
  }
}

/** Runs `ip route add|del local IP/32 dev lo table local`; the error's text, undefined on success. */
function ipRoute(verb: 'add' | 'del', ip: string): Promise<string | undefined> {
  return new Promise((resolve) => {
    execFile('ip', ['route', verb, 'local', `${ip}/32`, 'dev', 'lo', 'table', 'local'], (e, _out, stderr) => {
      if (!e) resolve(undefined);
      else resolve(stderr.trim() || e.message);
    });
  });
}
