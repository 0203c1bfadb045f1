// The kubelets' streaming side (the kubelet's streaming server, minus the network hop): the API server's exec,
// attach and portforward subresources reach a pod's running container through the kubelet of its node and that
// node's runtime. A node whose runtime runs no process (simulated) refuses with a message saying how to get real
// containers; nothing is ever faked.
import type { Socket } from 'net';
import type { Pod } from 'kubernetes-types/core/v1';
import { connectToPod } from '../network/podConnection';
import type { StreamSession } from '../runtime/types';
import type { Kubelet } from './kubelet';

/** Why a stream cannot be opened now; its message is for the user. */
export class StreamRefused extends Error {}

export interface PodStreamer {
  /** the running container's id and runtime; throws StreamRefused (checked before a connection is upgraded) */
  check(pod: Pod, container: string | undefined): void;
  exec(pod: Pod, container: string, command: string[], session: StreamSession): Promise<number>;
  attach(pod: Pod, container: string, session: StreamSession): Promise<void>;
  /** a connection to the pod's port */
  portForward(pod: Pod, port: number): Promise<Socket>;
}

const SIMULATED =
  'runs on the simulated runtime: no process runs in its containers, so there is nothing to exec into, attach to ' +
  'or forward to. Start the cluster with `--runtime container` (or `--runtime auto` on a machine whose container ' +
  'engine answers: Docker, Podman, Colima, Rancher Desktop) to run pods as real containers';

export function podStreamer(kubelets: ReadonlyMap<string, Kubelet>): PodStreamer {
  const nodeOf = (pod: Pod): Kubelet => {
    const name = `pod ${JSON.stringify(pod.metadata?.name)}`;
    const node = pod.spec?.nodeName;
    if (!node) throw new StreamRefused(`${name} does not have a host assigned`);
    const kubelet = kubelets.get(node);
    if (!kubelet) throw new StreamRefused(`${name}'s node ${JSON.stringify(node)} is not running in this cluster`);
    if (!kubelet.runtime.runsProcesses || !kubelet.runtime.exec) throw new StreamRefused(`${name} ${SIMULATED}`);
    return kubelet;
  };
  const running = (pod: Pod, container: string) => {
    const kubelet = nodeOf(pod);
    const id = kubelet.runningContainer(pod.metadata?.uid ?? '', container);
    if (!id) throw new StreamRefused(`container not found (${JSON.stringify(container)}): it is not running`);
    return { runtime: kubelet.runtime, id };
  };
  return {
    check(pod, container) {
      if (container === undefined) nodeOf(pod);
      else running(pod, container);
    },
    exec(pod, container, command, session) {
      const { runtime, id } = running(pod, container);
      return runtime.exec!(id, command, session);
    },
    attach(pod, container, session) {
      const { runtime, id } = running(pod, container);
      return runtime.attach!(id, session);
    },
    portForward(pod, port) {
      nodeOf(pod);
      const ip = pod.status?.podIP;
      if (!ip) return Promise.reject(new StreamRefused(`pod ${JSON.stringify(pod.metadata?.name)} has no IP yet`));
      return connectToPod(ip, port);
    },
  };
}
