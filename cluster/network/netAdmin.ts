// Whether this cluster may change the pods' network from this machine (routes for cluster IPs, the pods' packet
// filters): only where the engine's bridge is on this machine's kernel (Docker Engine or rootful Podman on Linux,
// not an engine in a VM nor rootless) and the cluster holds CAP_NET_ADMIN. The one decision both rely on.
import { execFile } from 'child_process';
import * as fs from 'fs';

/** bit of CAP_NET_ADMIN in /proc/self/status's CapEff */
const CAP_NET_ADMIN = 12n;

/**
 * Why the cluster cannot change the pods' network here; undefined when it can. hostAddress is the address the pods
 * reach this machine at (undefined, with hostWhy, when they cannot).
 */
export async function whyNoNetworkControl(
  hostAddress: string | undefined,
  hostWhy?: string,
): Promise<string | undefined> {
  if (!hostAddress) return hostWhy ?? "the pods' traffic does not pass through this machine";
  if (process.platform !== 'linux') return `this machine runs ${process.platform}, not Linux`;
  if (!hasNetAdmin()) return 'the cluster may not change the network: run it as root (or give node CAP_NET_ADMIN)';
  if (!(await ipCommandRuns())) return 'the ip command (iproute2) is missing';
  return undefined;
}

function hasNetAdmin(): boolean {
  try {
    const eff = /^CapEff:\s*([0-9a-f]+)$/m.exec(fs.readFileSync('/proc/self/status', 'utf8'))?.[1];
    return !!eff && ((BigInt(`0x${eff}`) >> CAP_NET_ADMIN) & 1n) === 1n;
  } catch {
    return false;
  }
}

function ipCommandRuns(): Promise<boolean> {
  return new Promise((resolve) => execFile('ip', ['-V'], (e) => resolve(!e)));
}
