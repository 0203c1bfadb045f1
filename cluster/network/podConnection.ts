// A TCP connection from the cluster process to a port of a pod, at its pod IP: the engine's bridge network is
// reachable from the host, so no process inside the pod is needed (the kubelet's port-forward enters the pod's
// network namespace instead; the effect is the same for a pod's listening ports). Port-forward uses it, and so can
// anything else that forwards to pods.
import * as net from 'net';

const CONNECT_TIMEOUT_MS = 5000;

/** Resolves with the connected socket; rejects with an error saying what refused, as the kubelet words it. */
export function connectToPod(ip: string, port: number, timeoutMs = CONNECT_TIMEOUT_MS): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: ip, port });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`failed to connect to ${ip}:${port}: dial tcp ${ip}:${port}: i/o timeout`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.removeAllListeners('error');
      resolve(socket);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = e.code === 'ECONNREFUSED' ? 'connect: connection refused' : e.message;
      reject(new Error(`failed to connect to ${ip}:${port}: dial tcp ${ip}:${port}: ${why}`));
    });
  });
}
