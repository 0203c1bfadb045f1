// Where the pods' network meets this machine: the gateway of the engine's default bridge network (Podman's
// 10.88.0.1, Docker's 172.17.0.1), which the pods route to this machine through, when it is an address of this
// machine, i.e. the engine runs on this kernel with root (Docker Engine, rootful Podman). An engine in a VM
// (Docker Desktop, Colima, Rancher Desktop) or rootless Podman has its bridge elsewhere: then there is none.
import type Docker from 'dockerode';
import * as os from 'os';

export async function bridgeGateway(docker: Docker): Promise<{ address?: string; why?: string }> {
  let gateways: string[];
  try {
    const net = await docker.getNetwork('bridge').inspect();
    gateways = ((net?.IPAM?.Config ?? []) as { Gateway?: string }[]).map((c) => c.Gateway ?? '').filter((g) => g);
  } catch (e) {
    return { why: `the engine has no "bridge" network (${(e as Error).message})` };
  }
  const local = new Set(
    Object.values(os.networkInterfaces())
      .flat()
      .map((i) => i?.address),
  );
  const address = gateways.find((g) => local.has(g));
  if (address) return { address };
  return {
    why:
      `the engine's bridge gateway (${gateways.join(', ') || 'none'}) is not an address of this machine ` +
      '(an engine in a VM, or rootless)',
  };
}
