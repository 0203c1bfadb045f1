// Which daemon pods to create and delete so each node runs what it should (Kubernetes' manage and
// podsShouldBeOnNode): a pod where one should run and none does; failed, finished, extra pods and pods on
// nodes they may no longer run on deleted. With maxSurge an old and a new pod may share a node until the
// new one is available.
import { EventRecorder } from '../events';
import { scaledValue } from '../kit/intOrPercent';
import type { DaemonSet, Node, Pod } from '../kit/objects';
import { isPodAvailable, isPodReady } from '../kit/podReadiness';
import { byAge, isUpdated, nodeToPods } from './daemonPods';
import { nodeShouldRunDaemonPod } from './placement';

const BACKOFF_INITIAL_MS = 1000;
const BACKOFF_MAX_MS = 15 * 60 * 1000;

/** Back-off per DaemonSet and node before a failed daemon pod is replaced again. */
export class FailedPodBackoff {
  private readonly entries = new Map<string, { delay: number; last: number }>();

  /** ms still to wait before the failed pod on this node is replaced, or 0 after recording this replacement. */
  wait(setKey: string, nodeName: string, now: number): number {
    const key = `${setKey}/${nodeName}`;
    const b = this.entries.get(key);
    if (b && now - b.last < b.delay) return b.delay - (now - b.last);
    this.entries.set(key, { delay: b ? Math.min(b.delay * 2, BACKOFF_MAX_MS) : BACKOFF_INITIAL_MS, last: now });
    return 0;
  }
}

/** Whether the update strategy lets a new pod start beside an old one. */
export function allowsSurge(ds: DaemonSet): boolean {
  const ru = ds.spec.updateStrategy?.rollingUpdate;
  return (
    (ds.spec.updateStrategy?.type ?? 'RollingUpdate') === 'RollingUpdate' && scaledValue(ru?.maxSurge ?? 0, 1, true) > 0
  );
}

export interface NodePodsContext {
  recorder: EventRecorder;
  backoff: FailedPodBackoff;
  /** sync the DaemonSet again after ms (a failed pod waits out its back-off) */
  requeueAfter(ms: number): void;
  now: number;
}

/** The nodes to create a daemon pod on and the pods to delete. */
export function podsToSync(
  ctx: NodePodsContext,
  key: string,
  ds: DaemonSet,
  nodes: Node[],
  pods: Pod[],
  hash: string,
): { create: string[]; remove: Pod[] } {
  const byNode = nodeToPods(pods, false);
  const create: string[] = [];
  const remove: Pod[] = [];
  const now = ctx.now;
  const surge = allowsSurge(ds);
  for (const node of nodes) {
    const nodeName = node.metadata.name;
    const { shouldRun, shouldContinueRunning } = nodeShouldRunDaemonPod(node, ds);
    const daemonPods = byNode.get(nodeName);
    if (shouldRun && !daemonPods) {
      create.push(nodeName);
    } else if (shouldContinueRunning && daemonPods) {
      const running: Pod[] = [];
      for (const p of daemonPods) {
        if (p.metadata.deletionTimestamp) continue;
        if (p.status?.phase === 'Failed') {
          // kubelets that reject a pod make it fail again at once: back off instead of hot looping
          const wait = ctx.backoff.wait(key, nodeName, now);
          if (wait > 0) {
            ctx.requeueAfter(wait);
            continue;
          }
          ctx.recorder.record(
            ds,
            'Warning',
            'FailedDaemonPod',
            `Found failed daemon pod ${p.metadata.namespace}/${p.metadata.name} on node ${nodeName}, ` +
              'will try to kill it',
          );
          remove.push(p);
        } else if (p.status?.phase === 'Succeeded') {
          remove.push(p);
        } else {
          running.push(p);
        }
      }
      running.sort(byAge);
      if (!surge) {
        // one pod per node: the oldest stays
        remove.push(...running.slice(1));
      } else if (running.length > 1) {
        remove.push(...surplusWithSurge(ds, running, hash, now));
      }
    } else if (!shouldContinueRunning && daemonPods) {
      for (const p of daemonPods) if (!p.metadata.deletionTimestamp) remove.push(p);
    }
  }
  // pods pinned to nodes that no longer exist and never scheduled
  const nodeNames = new Set(nodes.map((n) => n.metadata.name));
  for (const [nodeName, list] of byNode) {
    if (nodeNames.has(nodeName)) continue;
    for (const p of list) if (!p.spec?.nodeName && !p.metadata.deletionTimestamp) remove.push(p);
  }
  return { create, remove };
}

/**
 * With surge, of a node's running pods (oldest first) the oldest new and the oldest old one stay; the old one
 * goes too once it is not Ready or the new one is available.
 */
function surplusWithSurge(ds: DaemonSet, running: Pod[], hash: string, now: number): Pod[] {
  const remove: Pod[] = [];
  let oldestNew: Pod | undefined;
  let oldestOld: Pod | undefined;
  for (const p of running) {
    if (isUpdated(ds, p, hash)) {
      if (!oldestNew) {
        oldestNew = p;
        continue;
      }
    } else if (!oldestOld) {
      oldestOld = p;
      continue;
    }
    remove.push(p);
  }
  if (oldestNew && oldestOld) {
    if (!isPodReady(oldestOld) || isPodAvailable(oldestNew, ds.spec.minReadySeconds ?? 0, now)) remove.push(oldestOld);
  }
  return remove;
}
