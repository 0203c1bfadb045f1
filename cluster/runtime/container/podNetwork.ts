// Where the pods' network meets this machine: the gateway of the engine's default bridge network (Podman's
// 10.88.0.1, Docker's 172.17.0.1), which the pods route to this machine through, when it is an address of this
// machine, i.e. the engine runs on this kernel with root (Docker Engine, rootful Podman). An engine in a VM
// (Docker Desktop, Colima, Rancher Desktop) or rootless Podman has its bridge elsewhere: then there is none.
// The pod's network namespace is its sandbox container's, which the pod's packet filter is written in.
import type Docker from 'dockerode';
import * as os from 'os';
import { LABEL } from './labels';

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

/** The PID of the pod's running sandbox container of this cluster, whose network namespace is the pod's. */
export async function sandboxPid(docker: Docker, cluster: string, podUid: string): Promise<number | undefined> {
  const found = await docker.listContainers({
    filters: { label: [`${LABEL.cluster}=${cluster}`, `${LABEL.podUid}=${podUid}`, `${LABEL.role}=sandbox`] },
  });
  for (const c of found) {
    const info = await docker.getContainer(c.Id).inspect();
    if (info.State?.Running && info.State.Pid) return info.State.Pid;
  }
  return undefined;
}
